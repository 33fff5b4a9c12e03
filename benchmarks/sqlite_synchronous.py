"""What `PRAGMA synchronous = FULL` costs SQLite's writes, beside NORMAL, in one run.

In WAL mode NORMAL syncs the log only at checkpoints, so the last commits before a power
loss can be lost (a process crash loses nothing); FULL syncs the log at every commit.
This prints writes per second of one use case (`Registry.add_activity`, one transaction
with its audit entry) under each setting, with one writer and with four in threads, in
alternating rounds on a file in the working directory's file system (not a tmpfs, where
a sync costs nothing), and the ratio FULL / NORMAL.

    .venv/bin/python benchmarks/sqlite_synchronous.py [--writes 300] [--rounds 3] [--dir .]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations

MODES = ("NORMAL", "FULL")


def writes_per_second(path: Path, mode: str, writers: int, writes: int, revision_id: int) -> float:
    with Registry.open(f"sqlite:///{path}", sqlite_synchronous=mode) as registry:
        registry.list_programmes()  # the pool's first connection, outside the timing

        def work(worker: int) -> None:
            for i in range(writes // writers):
                registry.add_activity(
                    revision_id, {"title": f"Aktivitet {mode} {worker}-{i}", "level": "promoting"}
                )

        threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return writers * (writes // writers) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=300, help="writes per round and mode")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("."), help="where the file is made")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-sync-") as folder:
        path = Path(folder) / "bench.sqlite3"
        migrations.upgrade(f"sqlite:///{path}")
        with Registry.open(f"sqlite:///{path}") as registry:
            load_demo(registry)
            (plan,) = registry.list_plans("hasselby-vallingby")
            revision_id = plan.revisions[-1].id
        print(f"{args.writes} writes per round, {args.rounds} rounds, file in {args.dir}")
        print(f"{'writers':>7}  {'NORMAL w/s':>10}  {'FULL w/s':>9}  {'FULL/NORMAL':>11}")
        for writers in (1, 4):
            measured: dict[str, list[float]] = {mode: [] for mode in MODES}
            for _ in range(args.rounds):
                for mode in MODES:
                    rate = writes_per_second(path, mode, writers, args.writes, revision_id)
                    measured[mode].append(rate)
            normal, full = (statistics.median(measured[mode]) for mode in MODES)
            print(f"{writers:>7}  {normal:>10.0f}  {full:>9.0f}  {full / normal:>11.2f}")


if __name__ == "__main__":
    main()

"""SQLite reads in threads: row by row against one JSON document per statement.

Why the whole-revision HTTP read loses throughput on SQLite at several connections:
Python's sqlite3 releases the GIL on every step of a statement and must take it back
before the next, so threads reading many small rows wait on each other (a GIL convoy).
This prints, for one in-force revision of generated data, reads per second of its ~30
activity rows fetched row by row and as one `json_group_array` document decoded by
msgspec, in one thread and in four, measured side by side in one run.

    .venv/bin/python benchmarks/sqlite_threads.py [--orgs 50] [--reads 600]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.storage import migrations

COLUMNS = (
    "id, key, position, title, description, level, responsible, follow_up_method, "
    "target_group, areas, version, updated_at"
)
ROW_BY_ROW = f"SELECT {COLUMNS} FROM activities WHERE revision_id = ? ORDER BY position"
ONE_DOCUMENT = (
    "SELECT json_group_array(json_array(id, key, position, title, description, level, "
    "responsible, follow_up_method, target_group, json(areas), version, updated_at)) "
    "FROM (SELECT * FROM activities WHERE revision_id = ? ORDER BY position)"
)


def reads_per_second(
    path: Path, read: Callable[[sqlite3.Connection], object], threads: int, reads: int
) -> float:
    def work() -> None:
        connection = sqlite3.connect(path, check_same_thread=False)
        for _ in range(reads):
            read(connection)
        connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * reads / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--reads", type=int, default=600, help="reads per thread")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "threads.sqlite3"
        url = f"sqlite:///{path}"
        migrations.upgrade(url)
        with Registry.open(url) as registry:
            generate(registry.engine, args.orgs)
            row = next(r for r in registry.status_board().rows if r.in_force is not None)
        assert row.in_force is not None
        revision_id = row.in_force.revision_id

        def by_rows(connection: sqlite3.Connection) -> object:
            return connection.execute(ROW_BY_ROW, (revision_id,)).fetchall()

        def as_document(connection: sqlite3.Connection) -> object:
            (document,) = connection.execute(ONE_DOCUMENT, (revision_id,)).fetchone()
            return msgspec.json.decode(document)

        check = sqlite3.connect(path)
        rows, document = by_rows(check), as_document(check)
        assert isinstance(rows, list) and isinstance(document, list)
        assert len(rows) == len(document)
        check.close()
        print(f"revision {revision_id}: {len(rows)} activity rows")
        print("reads/s            1 thread   4 threads   4 / 1")
        for _ in range(args.rounds):
            for label, read in (("row by row", by_rows), ("one document", as_document)):
                one = reads_per_second(path, read, 1, args.reads)
                four = reads_per_second(path, read, 4, args.reads)
                print(f"  {label:<14} {one:>9.0f} {four:>11.0f} {four / one:>7.2f}")


if __name__ == "__main__":
    main()

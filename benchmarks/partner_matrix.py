"""The partner matrix on generated data, with and without an actors register.

    .venv/bin/python benchmarks/partner_matrix.py [--orgs 300] [--runs 7]

Generates N organisations into a SQLite file (`planregistry.benchdata`), times
`Registry.partner_matrix()` (median of `--runs`), then gives every municipality a register
(Stockholm's default one, which covers most names the generated plans use) and times
it again. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.defaults.stockholm_actors import ACTORS
from planregistry.storage import migrations


def _median_ms(registry: Registry, runs: int) -> tuple[float, int]:
    registry.partner_matrix()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        matrix = registry.partner_matrix()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(matrix.partners)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrations.upgrade(url)
        with Registry.open(url) as registry:
            generate(registry.engine, args.orgs, seed=1)
            ms, columns = _median_ms(registry, args.runs)
            print(f"no register:   {ms:8.1f} ms  ({args.orgs} organisations, {columns} columns)")
            for municipality in registry.list_municipalities():
                for entry in ACTORS:
                    registry.create_plan_actor(municipality.id, entry)
            ms, columns = _median_ms(registry, args.runs)
            print(f"with register: {ms:8.1f} ms  ({args.orgs} organisations, {columns} columns)")


if __name__ == "__main__":
    main()

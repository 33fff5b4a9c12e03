"""Comparison views at national scale, against hand-written SQL; and HTTP read throughput.

    .venv/bin/python benchmarks/comparisons.py [--orgs 1000] [--runs 7] [--skip-http]

For SQLite (a file in a temporary folder) and PostgreSQL (a throwaway database on
`PLANREGISTRY_TEST_POSTGRES_URL`, default the local server), it generates N
organisations with `planregistry.benchdata`, then prints for each view the median time
of the `Registry` method next to the median time of one hand-written SQL query giving
the same answer (`benchmarks/handwritten.py`; the answers are checked equal first).

Then it starts `planregistry serve` (granian) on a loopback port over the same
database and drives it with `wrk` (or, without wrk, a bounded httpx loop in threads):
GET /api/v1/revisions/{id} of one whole in-force revision next to GET /api/v1/health,
in the same run. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import handwritten, http_load

from planregistry import Registry
from planregistry.benchdata import generate
from planregistry.storage import migrations

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches and compiled statements
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def time_views(registry: Registry, runs: int) -> list[tuple[str, float, float, int]]:
    results = []
    for name, (method, _from_sql, _from_view) in handwritten.VIEWS.items():
        view_method = getattr(registry, method)

        def query(name: str = name) -> list[Any]:
            with registry.engine.connect() as conn:
                return handwritten.run(conn, name)

        if not handwritten.agree(name, query(), view_method()):
            raise SystemExit(f"{name}: the view and the hand-written query disagree")
        rows = len(view_method().rows)
        results.append((name, median_ms(view_method, runs), median_ms(query, runs), rows))
    return results


def print_views(database: str, results: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{database}: view vs one hand-written SQL query (median ms)")
    print(f"  {'view':<10} {'rows':>6} {'view ms':>9} {'SQL ms':>9} {'ratio':>6}")
    for name, view_ms, sql_ms, rows in results:
        print(f"  {name:<10} {rows:>6} {view_ms:>9.1f} {sql_ms:>9.1f} {view_ms / sql_ms:>6.2f}")


def sqlite_database(folder: Path) -> str:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrations.upgrade(url)
    return url


def postgres_database(server_url: str) -> tuple[str, Callable[[], None]]:
    admin_url = make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"planregistry_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(url)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def run_database(label: str, url: str, args: argparse.Namespace) -> None:
    with Registry.open(url) as registry:
        started = time.perf_counter()
        summary = generate(registry.engine, args.orgs, seed=args.seed)
        print(
            f"\n{label}: generated {summary.organizations} organisations, {summary.revisions} "
            f"revisions, {summary.activities} activities, {summary.follow_ups} follow-ups "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print_views(label, time_views(registry, args.runs))
    if not args.skip_http:
        http_load.compare(url, label, seconds=args.seconds, connections=args.connections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per view (median)")
    parser.add_argument("--seconds", type=int, default=10, help="load per HTTP endpoint")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"Python {platform.python_version()}; N = {args.orgs} organisations, seed {args.seed}")
    with tempfile.TemporaryDirectory() as folder:
        run_database("SQLite", sqlite_database(Path(folder)), args)
    if not args.skip_postgres:
        url, drop = postgres_database(os.environ.get("PLANREGISTRY_TEST_POSTGRES_URL", DEFAULT_PG))
        try:
            run_database("PostgreSQL", url, args)
        finally:
            drop()


if __name__ == "__main__":
    main()

"""Writers under contention: W concurrent writers × N writes each through HTTP.

For SQLite (a file in the working directory's file system) and PostgreSQL (a throwaway
database on `PLANREGISTRY_TEST_POSTGRES_URL`, default 127.0.0.1:5432), it starts
`planregistry serve` (one worker, rate limits off), runs the writers (each adds
activities to the same draft revision, the most contended row there is) and prints the
answers by status, the "database is locked" lines in the server's log, writes per
second, and whether every write answered 201 is stored with its audit entry (the same
check as tests/reliability/test_writers.py, which runs 8 × 25).

    .venv/bin/python benchmarks/http_writers.py [--writers 8] [--writes 200] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.support import (
    Answers,
    ServerProcess,
    check_consistent,
    seed,
    write_activities,
)

from planregistry.storage import migrations

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def run(label: str, url: str, folder: Path, writers: int, writes: int, env: dict[str, str]) -> None:
    migrations.upgrade(url)
    revision_id = seed(url)
    server = ServerProcess(url, folder / f"{label.replace(' ', '-')}.log", env=env)
    server.start()
    try:
        answers = Answers()
        started = time.perf_counter()
        threads = write_activities(
            server.base, revision_id, answers, writers=writers, writes=writes
        )
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    locked = server.log.read_text().count("database is locked")
    by_status = dict(sorted(collections.Counter(answers.statuses).items()))
    check_consistent(url, revision_id, answers)  # raises if a write went missing
    print(
        f"{label:<14} {writers} × {writes}: answers {by_status}, transport errors "
        f"{len(answers.failures)}, 'database is locked' {locked}, "
        f"{len(answers.statuses) / seconds:.0f} writes/s ({seconds:.1f} s); "
        "every 201 stored with its audit entry"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writes", type=int, default=200, help="writes per writer")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--sqlite-synchronous",
        default="FULL,NORMAL",
        help="SQLite's synchronous settings to run, in turn (default: FULL,NORMAL)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=".", prefix="bench-writers-") as name:
        folder = Path(name)
        for mode in args.sqlite_synchronous.upper().split(","):
            path = folder / f"registry-{mode}.sqlite3"
            env = {"PLANREGISTRY_SQLITE_SYNCHRONOUS": mode}
            run(f"SQLite {mode}", f"sqlite:///{path}", folder, args.writers, args.writes, env)
        if args.skip_postgres:
            return
        server = make_url(os.environ.get("PLANREGISTRY_TEST_POSTGRES_URL", DEFAULT_PG))
        server = server.set(drivername="postgresql+psycopg")
        database = f"planregistry_bench_writers_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            url = server.set(database=database).render_as_string(hide_password=False)
            run("PostgreSQL", url, folder, args.writers, args.writes, {})
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()

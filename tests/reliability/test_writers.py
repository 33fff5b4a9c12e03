"""Many writers through HTTP, an online backup while they write, a database outage and
a server killed in the middle of the writes: on SQLite and on PostgreSQL, against a real
`planregistry serve`.

The module's tests share one database and one server per database kind and run in
order in one test process (tests/conftest.py schedules the module as one unit): each
finds the writes of the tests before it. The server reaches PostgreSQL through a TCP
proxy the outage test cuts (new connections refused, open ones dropped) and restores;
the shared PostgreSQL server itself is never stopped.
"""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from planregistry.cli import main
from planregistry.storage import migrations
from tests.api.support import PROBLEM_BASE, V1
from tests.conftest import PostgresServer
from tests.reliability.proxy import CuttableProxy
from tests.reliability.support import (
    AUTH,
    Answers,
    ServerProcess,
    check_consistent,
    seed,
    write_activities,
)

# 8 writers × 25 writes in the suite; benchmarks/http_writers.py runs 8 × 200.
WRITERS = 8
WRITES_EACH = 25
# Short bounds on waiting for the database, so that the outage test waits little (the
# defaults are 5, 30 and 10 s).
BOUNDS = {
    "PLANREGISTRY_DB_CONNECT_TIMEOUT": "2",
    "PLANREGISTRY_DB_STATEMENT_TIMEOUT": "5",
    "PLANREGISTRY_DB_POOL_TIMEOUT": "3",
}
# No answer may take longer than this (a hung request fails the test).
BOUND = 20.0


@dataclass
class Site:
    kind: str
    database_url: str
    revision_id: int
    server: ServerProcess
    folder: Path
    proxy: CuttableProxy | None  # between the server and PostgreSQL


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp(f"writers-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'registry.sqlite3'}"
        proxy = None
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres_server")
        url = postgres.create_database()
        database = make_url(url)
        proxy = CuttableProxy((database.host or "127.0.0.1", database.port or 5432))
    migrations.upgrade(url)
    revision_id = seed(url)
    served_url = url
    if proxy is not None:
        served_url = make_url(url).set(host="127.0.0.1", port=proxy.port)
        served_url = served_url.render_as_string(hide_password=False)
    server = ServerProcess(served_url, folder / "server.log", env=BOUNDS)
    server.start()
    try:
        yield Site(request.param, url, revision_id, server, folder, proxy)
    finally:
        server.stop()
        if proxy is not None:
            proxy.cut()


def test_eight_writers_at_once_all_succeed_and_none_is_locked_out(site: Site) -> None:
    answers = Answers()
    for thread in write_activities(
        site.server.base, site.revision_id, answers, writers=WRITERS, writes=WRITES_EACH
    ):
        thread.join()
    assert answers.failures == []
    assert sorted(set(answers.statuses)) == [201]
    assert len(answers.created) == WRITERS * WRITES_EACH
    log = site.server.log.read_text()
    assert "database is locked" not in log and "Traceback" not in log
    check_consistent(site.database_url, site.revision_id, answers)


def test_backup_while_the_server_writes_is_one_consistent_state(site: Site) -> None:
    target = site.folder / "backup.sqlite3"
    command = ["--database-url", site.database_url, "backup", str(target)]
    if site.kind == "postgresql":
        refused = CliRunner().invoke(main, command)
        assert refused.exit_code == 1 and "pg_dump" in refused.output
        return
    database = site.database_url.removeprefix("sqlite:///")
    over_itself = CliRunner().invoke(
        main, ["--database-url", site.database_url, "backup", database]
    )
    assert over_itself.exit_code == 1 and "själva databasen" in over_itself.output
    with sqlite3.connect(site.database_url.removeprefix("sqlite:///")) as live:
        before = stored_activities_of(live, site.revision_id)
    answers = Answers()
    stop = threading.Event()
    writers = write_activities(site.server.base, site.revision_id, answers, writers=4, until=stop)
    try:
        while len(answers.created) < 10:  # the backup starts among running writes
            threading.Event().wait(0.02)
        with answers.lock:
            written_before_backup = dict(answers.created)
        backed_up = CliRunner().invoke(main, command)  # `planregistry backup`, in this process
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert backed_up.exit_code == 0, backed_up.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not Path(f"{target}-wal").exists()
    # Restored: the copy is a database of its own, consistent as of one commit, and
    # holds every write answered before the backup began.
    copy = Answers(created={**before, **written_before_backup})
    check_consistent(f"sqlite:///{target}", site.revision_id, copy)
    with (
        sqlite3.connect(target) as restored,
        sqlite3.connect(site.database_url.removeprefix("sqlite:///")) as live,
    ):
        in_copy = stored_activities_of(restored, site.revision_id)
        in_live = stored_activities_of(live, site.revision_id)
        # …and nothing the live database does not hold: a state it went through.
        assert in_copy.items() <= in_live.items()
        assert len(in_live) == len(before) + len(answers.created)
    check_consistent(site.database_url, site.revision_id, answers)


def test_an_outage_answers_503_in_bounded_time_and_heals_without_restart(site: Site) -> None:
    if site.proxy is None:
        pytest.skip("SQLite is a file beside the server: there is no database server to lose")
    proxy, revision_id = site.proxy, site.revision_id
    answers = Answers()
    stop = threading.Event()
    writers = write_activities(site.server.base, revision_id, answers, writers=3, until=stop)
    try:
        with httpx.Client(base_url=site.server.base, headers=AUTH, timeout=BOUND) as client:
            wait_for(lambda: len(answers.created) >= 10, "writes before the outage")
            proxy.cut()
            answered = len(answers.statuses)
            # Health, reads and writes: 503 problem details, each within the bound.
            assert_unavailable(client.get(f"{V1}/health"))
            assert_unavailable(client.get(f"{V1}/revisions/{revision_id}"))
            assert_unavailable(
                client.post(
                    f"{V1}/revisions/{revision_id}/activities",
                    json={"title": "Under avbrottet", "level": "promoting"},
                )
            )
            # A page whose session must be looked up: the same, as a page.
            page = client.get("/organisationer", headers={"Cookie": "planregistry_session=x"})
            assert page.status_code == 503 and "inte tillgänglig" in page.text
            assert page.headers["content-type"].startswith("text/html")
            wait_for(lambda: answers.statuses[answered:].count(503) >= 6, "answers in the outage")
            proxy.restore()
            # It heals by itself: the pool replaces the dropped connections.
            wait_for(lambda: client.get(f"{V1}/health").status_code == 200, "recovery")
            healed = len(answers.created)
            wait_for(lambda: len(answers.created) >= healed + 10, "writes after the outage")
    finally:
        stop.set()
        for thread in writers:
            thread.join()
    assert answers.failures == [], "a request went unanswered within the bound"
    assert set(answers.statuses) == {201, 503}
    check_consistent(site.database_url, revision_id, answers)


def test_a_server_killed_amid_writes_keeps_every_answered_write(site: Site) -> None:
    answers = Answers()
    stop = threading.Event()
    killed = threading.Event()

    def kill_after_some_writes() -> None:
        with answers.lock:
            if len(answers.created) < 24 or killed.is_set():
                return
            killed.set()
        site.server.kill()  # SIGKILL, server and worker, mid-stream

    writers = write_activities(
        site.server.base,
        site.revision_id,
        answers,
        writers=WRITERS,
        until=stop,
        each=kill_after_some_writes,
    )
    for thread in writers:
        thread.join()
    assert killed.is_set() and answers.failures, "the writers outlived the server"
    site.server.start()  # the same database, as after a crash
    check_consistent(site.database_url, site.revision_id, answers)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until true; fail after a minute."""
    for _ in range(600):
        if condition():
            return
        threading.Event().wait(0.1)
    raise AssertionError(f"still waiting for {what}")


def assert_unavailable(answer: httpx.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == PROBLEM_BASE + "unavailable"


def stored_activities_of(connection: sqlite3.Connection, revision_id: int) -> dict[int, str]:
    rows = connection.execute(
        "SELECT id, title FROM activities WHERE revision_id = ?", (revision_id,)
    )
    return dict(rows.fetchall())

"""What the reliability tests share: a server process that can be killed, writers that
record every answer, a registry with one draft to write to, and what the data must hold."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry.storage.engine import normalize_url
from planregistry_api.token_keys import TokenKeys, mint_token
from tests.api.support import ORGANIZATION, V1
from tests.live_server import PLANREGISTRY, SECRET, free_port

# Writes in the suite are many small ones, so rate limits would only get in the way;
# commits are synced as in production (the rest of the suite does without).
UNLIMITED = {"PLANREGISTRY_RATE_LIMITS": "off", "PLANREGISTRY_SQLITE_SYNCHRONOUS": "FULL"}
TOKEN = mint_token(TokenKeys.from_secret(SECRET), role="central", subject="central.k")
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def seed(database_url: str) -> int:
    """The programme, Stockholm, one organisation with a plan and a draft; the draft's id."""
    with Registry.open(database_url) as registry:
        registry.put_programme(VBE)
        registry.create_municipality(STOCKHOLM)
        registry.create_organization(ORGANIZATION)
        plan = registry.create_plan(ORGANIZATION["id"], {"programme_id": "vbe"})
        revision = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2026})
        return revision.id


class ServerProcess:
    """`planregistry serve` in a process group of its own, so that SIGKILL ends the server
    and its worker at once, as a crash or `kill -9` would."""

    def __init__(self, database_url: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.log = log
        self.env = {**UNLIMITED, **(env or {})}
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        environment = {
            **os.environ,
            "PLANREGISTRY_DATABASE_URL": self.database_url,
            "PLANREGISTRY_JWT_SECRET": SECRET,
            **self.env,
        }
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(PLANREGISTRY), "serve", "--port", str(self.port), "--no-access-log"],
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_healthy(self.base, self.process, self.log)
        return self.base

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"planregistry serve ended with {process.returncode}:\n{log.read_text()}"
            )
        try:
            if httpx.get(f"{base}{V1}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("planregistry serve did not answer within 60 s")
        time.sleep(0.1)


@dataclass
class Answers:
    """Every write's outcome: the activities answered 201 (id → title), the statuses of
    the others, and the transport errors (a killed server answers none)."""

    created: dict[int, str] = field(default_factory=dict)
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, answer: httpx.Response, title: str) -> None:
        with self.lock:
            self.statuses.append(answer.status_code)
            if answer.status_code == 201:
                self.created[answer.json()["id"]] = title


def write_activities(
    base: str,
    revision_id: int,
    answers: Answers,
    *,
    writers: int,
    writes: int | None = None,
    until: threading.Event | None = None,
    each: Callable[[], None] | None = None,
) -> list[threading.Thread]:
    """Start `writers` threads adding activities over HTTP, `writes` each or until the
    event is set (or the server stops answering); the caller joins them."""

    def work(worker: int) -> None:
        with httpx.Client(base_url=base, headers=AUTH, timeout=30) as client:
            count = 0
            while (writes is None or count < writes) and not (until and until.is_set()):
                title = f"Aktivitet {worker}-{count}"
                try:
                    answer = client.post(
                        f"{V1}/revisions/{revision_id}/activities",
                        json={"title": title, "level": "promoting"},
                    )
                except httpx.TransportError as exc:
                    with answers.lock:
                        answers.failures.append(type(exc).__name__)
                    if until is not None:
                        return  # the server is gone
                    raise
                answers.record(answer, title)
                count += 1
                if each is not None:
                    each()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    return threads


def check_consistent(database_url: str, revision_id: int, answers: Answers) -> None:
    """Every write answered 201 is there as answered; each activity has exactly its one
    audit entry and bumped the revision once: nothing half-written; on SQLite the file
    passes `PRAGMA integrity_check`."""
    engine = create_engine(normalize_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            stored = stored_activities(connection, revision_id)
            missing = {i: t for i, t in answers.created.items() if stored.get(i) != t}
            assert missing == {}, f"answered 201 but not stored as answered: {missing}"
            audited = set(
                connection.scalars(
                    text(
                        "SELECT entity_id FROM audit_log "
                        "WHERE entity = 'activity' AND action = 'create'"
                    )
                )
            )
            assert audited == {str(i) for i in stored}, "activities and audit trail differ"
            version = connection.scalar(
                text("SELECT version FROM revisions WHERE id = :id"), {"id": revision_id}
            )
            assert version == 1 + len(stored)
            positions = connection.scalars(
                text("SELECT position FROM activities WHERE revision_id = :id"),
                {"id": revision_id},
            ).all()
            assert len(set(positions)) == len(positions)
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        engine.dispose()


def stored_activities(connection: Connection, revision_id: int) -> dict[int, str]:
    rows = connection.execute(
        text("SELECT id, title FROM activities WHERE revision_id = :id"), {"id": revision_id}
    )
    return {row.id: row.title for row in rows}

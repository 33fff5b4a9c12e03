"""A copy of the SQLite database file while the server goes on writing.

SQLite's online backup API (`sqlite3.Connection.backup`) copies every page inside one
read transaction, so the copy is the database as of one commit: every write committed
before it began is in it whole, none of the later ones is in it at all. Writers are not
held up (WAL mode: readers and the one writer do not block each other). The copy is an
ordinary database file, opened or served like the original.

The copy is written beside its destination and renamed into place when whole, with mode
0600 from the start: it holds everything the database holds. PostgreSQL has its own tool
for the same (`pg_dump`), which the README shows.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from planregistry.storage.engine import is_sqlite
from planregistry.usecases.base import RegistryBase
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.errors import Conflict
from planregistry_domain.policy import Action, Scope

PRIVATE = 0o600


class OnlineBackupUseCases(RegistryBase):
    def backup_database(self, target: str | Path, *, actor: Actor = SYSTEM) -> Path:
        """Copy the SQLite database, consistent as of one commit, to `target` (mode 0600).

        Runs beside writers without stopping them. An existing `target` is replaced only
        once the copy is whole. PostgreSQL is refused with a `Conflict` naming `pg_dump`.
        """
        self._authorize(actor, Action.MANAGE_REGISTRY, Scope())
        if not is_sqlite(self.engine):
            raise Conflict(
                "Säkerhetskopian med `backup` gäller SQLite; för PostgreSQL, använd "
                "pg_dump --format=custom (se README)."
            )
        source = self.engine.url.database
        assert source is not None  # the engine refuses an in-memory database
        target = Path(target)
        if target.resolve() in {Path(f"{source}{end}").resolve() for end in ("", "-wal", "-shm")}:
            raise Conflict(f"Säkerhetskopian kan inte skrivas över själva databasen ({target}).")
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
        os.close(descriptor)
        try:
            with (
                sqlite3.connect(source) as origin,
                sqlite3.connect(partial) as copy,
            ):
                origin.execute("PRAGMA busy_timeout = 15000")
                # All pages in one step: one read transaction, one commit's state.
                origin.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
            origin.close()
            copy.close()
            os.chmod(partial, PRIVATE)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target

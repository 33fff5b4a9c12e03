"""Files that hold the registry are private to the account that runs it (mode 0600).

The database, its write-ahead log and the `export` document hold personal data,
confidential situation pictures and the audit trail. SQLite creates a new database
with the process's umask (usually 0644, readable by every account on the machine) and
gives its `-wal` and `-shm` files the database file's mode; so the database file is
created here first, empty (SQLite takes an empty file for a new database), with 0600.
An existing file keeps the mode its owner gave it.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def create_private_database_file(database: str | None) -> None:
    """Create the SQLite database file `database` (a path) with mode 0600 if it is new."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except (FileExistsError, FileNotFoundError, NotADirectoryError):
        return  # there already, or its folder is missing: SQLite says so when it opens
    os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, which is (or becomes) readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(file.fileno(), PRIVATE)
        file.write(data)

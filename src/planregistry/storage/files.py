"""Where documents' bytes live: a content-addressed file store behind a small interface.

A file is stored once under its SHA-256, whichever documents refer to it. The local
folder is the default; an object store (S3, Azure Blob) implements the same four
methods. Writes land in the store before the database transaction that refers to them
commits, so a failed transaction may leave a file no document names: harmless, since
its name is its content, and the same upload later finds it there.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol

from planregistry_domain.errors import NotFound


class FileStore(Protocol):
    def put(self, content: bytes) -> str:
        """Store the bytes (once); their SHA-256 (hex) names them."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under this SHA-256; `NotFound` if there are none."""
        ...

    def has(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Forget the bytes (for a collector of files no document names any longer)."""
        ...


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class LocalFileStore:
    """Files in a folder, `ab/abcdef…` by SHA-256, written atomically (temp file + rename)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise NotFound("Filen", sha256)
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        path = self._path(digest)
        if path.exists():
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            temporary.write(content)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.replace(temporary.name, path)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            content = self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound("Filen", sha256) from None
        if sha256_of(content) != sha256:  # a damaged file is never served as the document
            raise NotFound("Filen (skadad)", sha256)
        return content

    def has(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

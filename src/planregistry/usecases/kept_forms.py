"""Forms kept across an expired web session, so that nothing typed is lost.

When a session has run out while a person was writing, the server keeps what the
form posted and the browser gets a cookie with a random secret (its hash is the row's
id); once the same person has signed in again, the page they were on takes it back,
once. A form is kept only for a session that expired (not one signed out) and only
with that session's CSRF token, so no other site can leave a form for someone to find.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import delete

from planregistry.storage.rowmap import utc
from planregistry.storage.tables import KeptFormRow, WebSessionRow
from planregistry.usecases.base import RegistryBase
from planregistry_domain.actor import Actor
from planregistry_domain.sessions import KEPT_FORM_TTL, KeptForm

_MAX_SECRET = 200
_MAX_PATH = 500
_MAX_FIELDS = 500
_MAX_CHARACTERS = 2_000_000


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class KeptFormUseCases(RegistryBase):
    def keep_expired_form(
        self,
        session_token: str,
        csrf_token: str,
        path: str,
        fields: Sequence[tuple[str, str]],
    ) -> str | None:
        """Keep a form posted with an expired session; the secret for the browser's
        cookie, or None when the form cannot be vouched for (or is too large)."""
        if not session_token or len(session_token) > _MAX_SECRET or not csrf_token:
            return None
        if not path.startswith("/") or len(path) > _MAX_PATH or len(fields) > _MAX_FIELDS:
            return None
        if sum(len(name) + len(value) for name, value in fields) > _MAX_CHARACTERS:
            return None
        now = self.now()
        with self._write() as session:
            row = session.get(WebSessionRow, _hash(session_token))
            if row is None or row.ended_at is not None:
                return None
            if not hmac.compare_digest(row.csrf_token.encode(), csrf_token.encode()):
                return None
            session.execute(delete(KeptFormRow).where(KeptFormRow.expires_at < now))
            secret = secrets.token_urlsafe(32)
            session.add(
                KeptFormRow(
                    id=_hash(secret),
                    subject=row.subject,
                    path=path,
                    fields=[[name, value] for name, value in fields],
                    created_at=now,
                    expires_at=now + KEPT_FORM_TTL,
                )
            )
            return secret

    def kept_form(self, secret: str, *, actor: Actor) -> KeptForm | None:
        """The form kept for this person under `secret`, still there (for a reminder)."""
        if not secret or len(secret) > _MAX_SECRET:
            return None
        with self._read() as session:
            row = session.get(KeptFormRow, _hash(secret))
            if row is None or row.subject != actor.subject or utc(row.expires_at) <= self.now():
                return None
            return _kept(row)

    def take_kept_form(self, secret: str, path: str, *, actor: Actor) -> KeptForm | None:
        """The form kept for this person and page, taken: it is handed back once."""
        if not secret or len(secret) > _MAX_SECRET:
            return None
        with self._write() as session:
            row = session.get(KeptFormRow, _hash(secret))
            if row is None or row.subject != actor.subject or row.path != path:
                return None
            kept = _kept(row)
            session.delete(row)
            return kept if utc(row.expires_at) > self.now() else None


def _kept(row: KeptFormRow) -> KeptForm:
    return KeptForm(
        path=row.path,
        fields=[(str(name), str(value)) for name, value in row.fields],
        expires_at=utc(row.expires_at),
    )

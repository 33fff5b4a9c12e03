"""Stored answers to requests sent with an idempotency key (`Idempotency-Key` over HTTP).

A request claims its (credential, key) first, with a fingerprint of what it asks; the
claim is a row without an answer while the request runs, and gets the answer when it is
done. A later request with the same credential and key then finds either the answer (the
same fingerprint: hand it back, do nothing again), another request (different
fingerprint: refuse) or the first request still running (refuse, try later). Entries
live `ttl` (24 h), and expired ones are deleted by the next claim.

A claim and its answer are two transactions beside the use case's own: if the process
dies between the use case's commit and storing the answer, the claim stays without an
answer; after `abandoned_after` it is taken for abandoned and the key may run again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from planregistry.storage.engine import writer
from planregistry.storage.tables import IdempotencyKeyRow as Row

TTL = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(minutes=10)


class Outcome(enum.Enum):
    NEW = "new"  # claimed: run the request, then `complete` or `release`
    REPLAY = "replay"  # answered before: `answer` is what to send again
    MISMATCH = "mismatch"  # the key was used for another request
    IN_FLIGHT = "in_flight"  # the first request with this key is still running


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Claim:
    outcome: Outcome
    answer: Answer | None = None


class IdempotencyStore:
    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], dt.datetime],
        *,
        ttl: dt.timedelta = TTL,
        abandoned_after: dt.timedelta = ABANDONED_AFTER,
    ) -> None:
        self._engine = writer(engine)
        self._clock = clock
        self.ttl = ttl
        self.abandoned_after = abandoned_after

    def claim(self, credential: str, key: str, fingerprint: str) -> Claim:
        try:
            return self._claim(credential, key, fingerprint)
        except IntegrityError:
            # Another request inserted the same key between our read and our insert.
            return Claim(Outcome.IN_FLIGHT)

    def _claim(self, credential: str, key: str, fingerprint: str) -> Claim:
        now = self._clock()
        with self._engine.begin() as conn:
            row = conn.execute(
                select(Row).where(Row.credential == credential, Row.key == key)
            ).one_or_none()
            if row is not None:
                abandoned = (
                    row.status is None and _aware(row.created_at) + self.abandoned_after <= now
                )
                if _aware(row.expires_at) > now and not abandoned:
                    if row.fingerprint != fingerprint:
                        return Claim(Outcome.MISMATCH)
                    if row.status is None:
                        return Claim(Outcome.IN_FLIGHT)
                    answer = Answer(row.status, dict(row.headers or {}), bytes(row.body or b""))
                    return Claim(Outcome.REPLAY, answer)
                conn.execute(delete(Row).where(Row.credential == credential, Row.key == key))
            conn.execute(delete(Row).where(Row.expires_at <= now))
            conn.execute(
                insert(Row).values(
                    credential=credential,
                    key=key,
                    fingerprint=fingerprint,
                    status=None,
                    headers=None,
                    body=None,
                    created_at=now,
                    expires_at=now + self.ttl,
                )
            )
        return Claim(Outcome.NEW)

    def complete(self, credential: str, key: str, answer: Answer) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(Row)
                .where(Row.credential == credential, Row.key == key)
                .values(status=answer.status, headers=answer.headers, body=answer.body)
            )

    def release(self, credential: str, key: str) -> None:
        """Forget a claim whose answer is not to be kept (the request may be sent again)."""
        with self._engine.begin() as conn:
            conn.execute(
                delete(Row).where(
                    Row.credential == credential, Row.key == key, Row.status.is_(None)
                )
            )


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives timestamps back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

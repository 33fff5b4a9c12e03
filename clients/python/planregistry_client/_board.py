"""Kommunstyrelsen's joint decision and the answers to its conditions, for both clients.

Named and typed as the library's `Registry` methods; see `Operations` for how an
operation is described once and run by `Client` and `AsyncClient`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import msgspec

from planregistry_client._core import (
    Call,
    Session,
    decode,
    encode,
    operation,
    revision_path,
    revision_resource,
)
from planregistry_domain import (
    AnswerCondition,
    BoardDecision,
    ConditionResponse,
    ConditionToAnswer,
    RecordBoardDecision,
    RecordedBoardDecision,
    Written,
)
from planregistry_domain.paging import Page
from planregistry_domain.wire import API_PREFIX, REVISION, etag, version_of

Body = Mapping[str, Any]
BOARD_DECISIONS = f"{API_PREFIX}/board-decisions"


def _revision_ids(data: RecordBoardDecision | Body) -> list[int]:
    if isinstance(data, RecordBoardDecision):
        return [item.revision_id for item in data.items]
    return [int(item["revision_id"]) for item in data.get("items", [])]


class BoardOperations:
    """The board's decisions and conditions; `Client` and `AsyncClient` inherit them."""

    _session: Session

    @operation
    def record_board_decision(
        self,
        data: RecordBoardDecision | Body,
        *,
        if_match: str | None = None,
        expected_versions: Mapping[int, int] | None = None,
    ) -> Call[RecordedBoardDecision]:
        """Record one board decision over many revisions, all or nothing.

        `If-Match` names every covered revision: given as it is, built from
        `expected_versions` (revision id → version), or from the ETags the client
        remembers of each revision (read them first). The new ETags are remembered.
        """
        session = self._session
        if if_match is not None and expected_versions is not None:
            raise ValueError("Give if_match or expected_versions, not both.")
        if if_match is None:
            tags = [
                etag(REVISION, rid, expected_versions[rid])
                if expected_versions is not None and rid in expected_versions
                else session.etags.get(revision_path(rid))
                for rid in _revision_ids(data)
            ]
            if_match = ", ".join(t for t in tags if t) or None

        def read(response: httpx.Response) -> RecordedBoardDecision:
            recorded = decode(response.content, RecordedBoardDecision)
            for written in recorded.revisions:
                session.etags.remember(
                    revision_path(written.revision_id),
                    etag(REVISION, written.revision_id, written.revision_version),
                )
            return recorded

        return Call(
            method="POST",
            path=BOARD_DECISIONS,
            read=read,
            content=encode(data),
            headers={} if if_match is None else {"If-Match": if_match},
        )

    @operation
    def list_board_decisions(self) -> Call[list[BoardDecision]]:
        """The board's decisions the caller may see, oldest first (a coordinator: those
        covering its organisation, with its own part alone)."""

        def read(response: httpx.Response) -> list[BoardDecision]:
            return decode(response.content, Page[BoardDecision]).items

        return Call(method="GET", path=BOARD_DECISIONS, read=read)

    @operation
    def get_board_decision(self, board_decision_id: int) -> Call[BoardDecision]:
        """One board decision (a coordinator sees its own organisation's part)."""
        return self._session.get(f"{BOARD_DECISIONS}/{int(board_decision_id)}", BoardDecision)

    @operation
    def conditions_to_answer(self, revision_id: int) -> Call[list[ConditionToAnswer]]:
        """The conditions of the previous revision's approval, with this one's answers."""

        def read(response: httpx.Response) -> list[ConditionToAnswer]:
            return decode(response.content, Page[ConditionToAnswer]).items

        return Call(method="GET", path=f"{revision_path(revision_id)}/conditions", read=read)

    @operation
    def answer_condition(
        self,
        revision_id: int,
        condition_id: int,
        data: AnswerCondition | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Written[ConditionResponse]]:
        """Answer one condition in the draft; needs the revision's ETag (remembered after)."""
        session = self._session
        path = revision_path(revision_id)
        guard = session.guard(
            revision_resource(revision_id), if_match=if_match, expected_version=expected_version
        )

        def read(response: httpx.Response) -> Written[ConditionResponse]:
            tag = response.headers.get("etag")
            version = version_of(tag)
            if version is None:
                raise msgspec.ValidationError(f"the answer carries no ETag of {path}")
            session.etags.remember(path, tag)
            value = decode(response.content, ConditionResponse)
            return Written(revision_id=revision_id, revision_version=version, value=value)

        return Call(
            method="PUT",
            path=f"{path}/conditions/{int(condition_id)}/response",
            read=read,
            content=encode(data),
            headers=guard.headers(),
            precondition=guard,
        )

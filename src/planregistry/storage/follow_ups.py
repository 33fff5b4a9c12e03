"""Follow-up reports in storage; a report names its activity's key, read beside it."""

from __future__ import annotations

from typing import Any

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import FollowUpRow
from planregistry_domain.commands import ReportFollowUp
from planregistry_domain.model import FollowUp

FOLLOW_UP = RowMap(FollowUp, FollowUpRow)


def follow_up(row: FollowUpRow, activity_key: str) -> FollowUp:
    return FOLLOW_UP.read(row, {"activity_key": activity_key})


def new_row(source: ReportFollowUp | FollowUp, **server: Any) -> FollowUpRow:
    return FOLLOW_UP.new_row(source, **server)

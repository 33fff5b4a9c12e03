"""The plan aggregate in storage: a plan row, and its revisions summarised."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import PlanRow, RevisionRow
from planregistry_domain.model import Plan, RevisionSummary

PLAN = RowMap(Plan, PlanRow)
SUMMARY = RowMap(RevisionSummary, RevisionRow)


def plan(row: PlanRow, summaries: list[RevisionSummary]) -> Plan:
    return PLAN.read(row, {"revisions": summaries})


def summaries_statement(plan_ids: Sequence[int]) -> Select[Any]:
    """The revisions of these plans, summarised, by plan and number."""
    return (
        select(RevisionRow.plan_id.label("plan_id"), *SUMMARY.selected())
        .where(RevisionRow.plan_id.in_(plan_ids))
        .order_by(RevisionRow.plan_id, RevisionRow.number)
    )

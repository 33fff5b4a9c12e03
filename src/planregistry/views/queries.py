"""The comparison views' statements: SQLAlchemy Core selects of columns, never ORM entities.

Each view runs a fixed handful of these however many organisations there are: one for
the organisations with their basis revision (outer joins, so an organisation without a
plan still yields a row), and one aggregate per kind of detail, grouped by plan.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, select
from sqlalchemy.orm import aliased

from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    ActivityThemeRow,
    DecisionRow,
    FollowUpRow,
    OrganizationRow,
    PlanRow,
    PoliceAssessmentRow,
    ProgrammeRow,
    RevisionRow,
    SituationRow,
    SurveyAnswerRow,
)
from planregistry_domain.comparisons import Basis, ComparisonFilter
from planregistry_domain.lifecycle import OPEN_STATUSES
from planregistry_domain.vocabulary import DecisionBody, RevisionStatus

# Statements of column tuples whose shapes the callers unpack by position.
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

Org = OrganizationRow
Pln = PlanRow
_APPROVED = RevisionStatus.APPROVED.value
# A superseded revision was once approved: it is what was in force for its cycle year.
_ONCE_IN_FORCE = (RevisionStatus.APPROVED.value, RevisionStatus.SUPERSEDED.value)
_OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))

# Building a statement costs more than running it on a thousand organisations (aliases,
# coercions, cache keys): each distinct filter's statements are built once and kept.
_built_once = lru_cache(maxsize=512)

ORG_COLUMNS = (Org.id, Org.name, Org.kind, Org.municipality_id, Pln.id, Pln.programme_id)


@_built_once
def programmes() -> AnySelect:
    return select(ProgrammeRow.id, ProgrammeRow.definition)


def _org_where(filters: ComparisonFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.municipality is not None:
        where.append(Org.municipality_id == filters.municipality)
    if filters.kind is not None:
        where.append(Org.kind == filters.kind.value)
    return where


def _plan_on(filters: ComparisonFilter) -> ColumnElement[bool]:
    on = Pln.organization_id == Org.id
    if filters.programme is not None:
        on = and_(on, Pln.programme_id == filters.programme)
    return on


def _order(stmt: AnySelect) -> AnySelect:
    return stmt.order_by(Org.municipality_id, Org.id, Pln.programme_id)


def _chosen_numbers(basis: Basis, cycle_year: int | None, name: str = "chosen") -> Subquery:
    """Per plan, the number of its basis revision (when a single status does not say)."""
    stmt = select(RevisionRow.plan_id, func.max(RevisionRow.number).label("number"))
    if basis is Basis.IN_FORCE:
        stmt = stmt.where(RevisionRow.status.in_(_ONCE_IN_FORCE))
    if cycle_year is not None:
        stmt = stmt.where(RevisionRow.cycle_year == cycle_year)
    return stmt.group_by(RevisionRow.plan_id).subquery(name)


def _join_basis(
    stmt: AnySelect, b: type[RevisionRow], filters: ComparisonFilter, basis: Basis, *, outer: bool
) -> AnySelect:
    """Join the plan's basis revision (see `planregistry_domain.comparisons`) as `b`."""
    join = stmt.outerjoin if outer else stmt.join
    if basis is Basis.IN_FORCE and filters.cycle_year is None:
        # The common case: at most one revision per plan is approved, no grouping needed.
        return join(b, and_(b.plan_id == Pln.id, b.status == _APPROVED))
    chosen = _chosen_numbers(basis, filters.cycle_year)
    stmt = join(chosen, chosen.c.plan_id == Pln.id)
    join = stmt.outerjoin if outer else stmt.join
    return join(b, and_(b.plan_id == chosen.c.plan_id, b.number == chosen.c.number))


def _basis_columns(b: type[RevisionRow]) -> tuple[Any, ...]:
    return (b.id, b.number, b.cycle_year, b.status)


@_built_once
def basis_rows(
    filters: ComparisonFilter, basis: Basis, *, count_activities: bool = False
) -> AnySelect:
    """Organisation, plan and basis revision (all nullable after the organisation)."""
    b = aliased(RevisionRow, name="basis")
    extra = (activity_count(b),) if count_activities else ()
    stmt = select(*ORG_COLUMNS, *_basis_columns(b), *extra).select_from(Org)
    stmt = _join_basis(stmt.outerjoin(Pln, _plan_on(filters)), b, filters, basis, outer=True)
    return _order(stmt.where(*_org_where(filters)))


def basis_subquery(filters: ComparisonFilter, basis: Basis) -> Subquery:
    """Plans in the view that have a basis revision: (plan_id, revision_id)."""
    b = aliased(RevisionRow, name="basis")
    stmt = select(Pln.id.label("plan_id"), b.id.label("revision_id")).select_from(Org)
    stmt = _join_basis(stmt.join(Pln, _plan_on(filters)), b, filters, basis, outer=False)
    return stmt.where(*_org_where(filters)).subquery("basis_revision")


@_built_once
def status_board(filters: ComparisonFilter) -> AnySelect:
    """One row per organisation and plan: in force + KS date, the open revision."""
    in_force = aliased(RevisionRow, name="in_force")
    board = aliased(DecisionRow, name="board")
    current = aliased(RevisionRow, name="open_revision")
    # The deadline rule falls back on the latest revision when nothing is in force or open.
    latest = aliased(RevisionRow, name="latest")
    latest_number = _chosen_numbers(Basis.LATEST, None, "latest_number")
    stmt: AnySelect = select(
        *ORG_COLUMNS,
        in_force.id,
        in_force.number,
        in_force.cycle_year,
        board.decided_on,
        current.id,
        current.number,
        current.cycle_year,
        current.status,
        latest.id,
        latest.number,
        latest.cycle_year,
        latest.status,
    ).select_from(Org)
    stmt = stmt.outerjoin(Pln, _plan_on(filters))
    stmt = _join_basis(stmt, in_force, filters, Basis.IN_FORCE, outer=True)
    open_on = and_(current.plan_id == Pln.id, current.status.in_(_OPEN))
    if filters.cycle_year is not None:
        open_on = and_(open_on, current.cycle_year == filters.cycle_year)
    stmt = stmt.outerjoin(
        board,
        and_(
            board.revision_id == in_force.id,
            board.body == DecisionBody.CITY_EXECUTIVE_BOARD.value,
            board.status_after == _APPROVED,
        ),
    ).outerjoin(current, open_on)
    stmt = stmt.outerjoin(latest_number, latest_number.c.plan_id == Pln.id).outerjoin(
        latest,
        and_(latest.plan_id == latest_number.c.plan_id, latest.number == latest_number.c.number),
    )
    return _order(stmt.where(*_org_where(filters)))


@_built_once
def level_counts(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    b = basis_subquery(filters, basis)
    return (
        select(b.c.plan_id, ActivityRow.level, func.count())
        .select_from(b.join(ActivityRow, ActivityRow.revision_id == b.c.revision_id))
        .group_by(b.c.plan_id, ActivityRow.level)
    )


@_built_once
def theme_counts(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    b = basis_subquery(filters, basis)
    return (
        select(b.c.plan_id, ActivityThemeRow.theme, func.count())
        .select_from(
            b.join(ActivityRow, ActivityRow.revision_id == b.c.revision_id).join(
                ActivityThemeRow, ActivityThemeRow.activity_id == ActivityRow.id
            )
        )
        .group_by(b.c.plan_id, ActivityThemeRow.theme)
    )


@_built_once
def partner_counts(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    """(plan, partner as written, activities naming it) for the basis revisions."""
    b = basis_subquery(filters, basis)
    # DISTINCT: an activity that names a partner twice still counts once.
    return (
        select(b.c.plan_id, ActivityPartnerRow.partner, func.count(ActivityRow.id.distinct()))
        .select_from(
            b.join(ActivityRow, ActivityRow.revision_id == b.c.revision_id).join(
                ActivityPartnerRow, ActivityPartnerRow.activity_id == ActivityRow.id
            )
        )
        .group_by(b.c.plan_id, ActivityPartnerRow.partner)
    )


def partner_mentions(filters: ComparisonFilter, basis: Basis, plan_ids: list[int]) -> AnySelect:
    """(plan, activity, partner as written) for the given plans: where one plan writes an
    actor in two spellings, so that an activity naming both is counted once."""
    b = basis_subquery(filters, basis)
    return (
        select(b.c.plan_id, ActivityRow.id, ActivityPartnerRow.partner)
        .select_from(
            b.join(ActivityRow, ActivityRow.revision_id == b.c.revision_id).join(
                ActivityPartnerRow, ActivityPartnerRow.activity_id == ActivityRow.id
            )
        )
        .where(b.c.plan_id.in_(plan_ids))
        .distinct()
    )


@_built_once
def dated_organizations(filters: ComparisonFilter) -> AnySelect:
    """The organisations in view with a validity period (most have none)."""
    return select(Org.id, Org.valid_from, Org.valid_to).where(
        *_org_where(filters), (Org.valid_from.is_not(None)) | (Org.valid_to.is_not(None))
    )


def activity_count(revision: type[RevisionRow]) -> Any:
    """A correlated count of the basis revision's activities (0 when there is none)."""
    return (
        select(func.count())
        .where(ActivityRow.revision_id == revision.id)
        .scalar_subquery()
        .label("activities")
    )


@_built_once
def situation_rows(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    """`basis_rows` plus the situation picture's header, when the revision has one."""
    b = aliased(RevisionRow, name="basis")
    s = aliased(SituationRow, name="situation")
    stmt = select(
        *ORG_COLUMNS, *_basis_columns(b), s.revision_id, s.compiled_on, s.confidential
    ).select_from(Org)
    stmt = _join_basis(stmt.outerjoin(Pln, _plan_on(filters)), b, filters, basis, outer=True)
    stmt = stmt.outerjoin(s, s.revision_id == b.id)
    return _order(stmt.where(*_org_where(filters)))


@_built_once
def survey_answers(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    b = basis_subquery(filters, basis)
    a = SurveyAnswerRow
    return select(
        b.c.plan_id, a.question_key, a.yes_count, a.no_count, a.respondents, a.finding
    ).select_from(b.join(a, a.revision_id == b.c.revision_id))


@_built_once
def police_assessments(filters: ComparisonFilter, basis: Basis) -> AnySelect:
    b = basis_subquery(filters, basis)
    p = PoliceAssessmentRow
    return select(b.c.plan_id, p.environment, p.status, p.text).select_from(
        b.join(p, p.revision_id == b.c.revision_id)
    )


@_built_once
def latest_follow_up_counts(
    filters: ComparisonFilter, periods: tuple[str, ...] | None
) -> AnySelect:
    """Per plan, period and status: activities whose latest report that period has it."""
    b = basis_subquery(filters, Basis.IN_FORCE)
    f = FollowUpRow
    rank = (
        func.row_number()
        .over(partition_by=(f.activity_id, f.period), order_by=(f.reported_at.desc(), f.id.desc()))
        .label("rank")
    )
    ranked = select(b.c.plan_id, f.period, f.status, rank).select_from(
        b.join(ActivityRow, ActivityRow.revision_id == b.c.revision_id).join(
            f, f.activity_id == ActivityRow.id
        )
    )
    if periods is not None:
        ranked = ranked.where(f.period.in_(periods))
    latest = ranked.subquery("latest")
    return (
        select(latest.c.plan_id, latest.c.period, latest.c.status, func.count())
        .where(latest.c.rank == 1)
        .group_by(latest.c.plan_id, latest.c.period, latest.c.status)
    )

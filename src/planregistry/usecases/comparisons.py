"""The central coordinator's comparison views across organisations.

Each view reads plain rows with a fixed number of Core statements (see
`planregistry.views.queries`) in one snapshot, and assembles them with the pure rules
of `planregistry_domain.comparisons`. Callers other than the system see only their own
municipality; confidential situation pictures are withheld from those not entitled.
Results are fetched whole (`.all()`: one driver call, not one per row).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeAlias

import msgspec
from sqlalchemy import Connection, Row

from planregistry.usecases.actor_register import read_actor_indexes
from planregistry.usecases.base import RegistryBase
from planregistry.views import queries
from planregistry_domain import comparisons as cmp
from planregistry_domain import deadlines
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.actor_register import ActorIndex
from planregistry_domain.comparisons import Basis, ComparisonFilter
from planregistry_domain.deadlines import InForceRevision, OpenRevision
from planregistry_domain.errors import NotFound, PermissionDenied, ValidationError
from planregistry_domain.organization_history import shown_in_view
from planregistry_domain.policy import Action, Scope, Verdict, judge, sees_confidential_situation
from planregistry_domain.programme import Programme, SurveyQuestion, Term
from planregistry_domain.validation import coerce
from planregistry_domain.vocabulary import (
    EnvironmentActivity,
    OrganizationKind,
    RevisionStatus,
    Role,
)

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
FilterInput = ComparisonFilter | Mapping[str, Any] | None

# Enum members by value: a dict lookup, several times cheaper than calling the enum.
_KINDS = {k.value: k for k in OrganizationKind}
_STATUSES = {s.value: s for s in RevisionStatus}
_ENVIRONMENT = {e.value: e for e in EnvironmentActivity}

# Row layout shared by the statements: organisation and plan (0–5), then the basis
# revision (6–9).
_BASIS = slice(6, 10)


class ComparisonUseCases(RegistryBase):
    def status_board(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.StatusBoard:
        """Every organisation: revision in force and its KS date, open revision, next due."""
        f = self._comparison_filter(filters, actor, uses_basis=False, uses_period=False)
        with self._snapshot() as conn:
            programmes = self._view_programmes(conn, f)
            rows = self._in_view(conn, f, conn.execute(queries.status_board(f)).all())
        today = self.today()
        known: dict[tuple[Any, ...], cmp.Deadline] = {}
        result: list[cmp.StatusBoardRow] = []
        for row in rows:
            f_id, f_number, f_year, approved_on, o_id, o_number, o_year, o_status = row[6:14]
            in_force = (
                None
                if f_id is None
                else InForceRevision(
                    revision_id=f_id, number=f_number, cycle_year=f_year, approved_on=approved_on
                )
            )
            in_progress = (
                None
                if o_id is None
                else OpenRevision(
                    revision_id=o_id,
                    number=o_number,
                    cycle_year=o_year,
                    status=_STATUSES[o_status],
                )
            )
            # The rule reads only cycle years and which revisions exist: a handful of
            # distinct answers for a thousand plans, so each is worked out once.
            key = (row[5], f_year, o_year, row[16], f_id is None, o_id is None)
            deadline = known.get(key)
            if deadline is None:
                deadline = known[key] = _deadline(programmes, f, row, today)
            result.append(
                cmp.StatusBoardRow(
                    *_org(row),
                    in_force=in_force,
                    in_progress=in_progress,
                    next_due=deadline.next_due,
                    overdue=deadline.overdue,
                )
            )
        return cmp.StatusBoard(today=today, filters=f, rows=result)

    def activity_coverage(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.CoverageView:
        """Organisations × activity levels and × themes: activities in the basis revision."""
        f = self._comparison_filter(filters, actor, uses_basis=True, uses_period=False)
        with self._snapshot() as conn:
            programmes = self._view_programmes(conn, f)
            rows = self._in_view(conn, f, conn.execute(queries.basis_rows(f, f.basis)).all())
            levels = _by_plan(conn.execute(queries.level_counts(f, f.basis)).all())
            themes = _by_plan(conn.execute(queries.theme_counts(f, f.basis)).all())
        shown = _shown_programmes(programmes, rows)
        result: list[cmp.CoverageRow] = []
        for row in rows:
            plan_id, programme = row[4], programmes.get(row[5])
            level_counts = _zero_filled(programme.levels if programme else (), levels[plan_id])
            result.append(
                cmp.CoverageRow(
                    *_org(row),
                    revision=_revision_ref(row),
                    activities=sum(levels[plan_id].values()),
                    levels=level_counts,
                    themes=_zero_filled(programme.themes if programme else (), themes[plan_id]),
                )
            )
        return cmp.CoverageView(
            today=self.today(),
            filters=f,
            levels=_union(p.levels for p in shown),
            themes=_union(p.themes for p in shown),
            rows=result,
        )

    def partner_matrix(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.PartnerMatrix:
        """Organisations × partner actors: activities in the basis revision naming each.

        Partners are grouped by the actors register of the organisation's municipality
        ("Polis" and "Polisen" are one column); a name no actor matches is a column of
        its own, under the name as written.
        """
        f = self._comparison_filter(filters, actor, uses_basis=True, uses_period=False)
        with self._snapshot() as conn:
            self._view_programmes(conn, f)
            rows = self._in_view(
                conn, f, conn.execute(queries.basis_rows(f, f.basis, count_activities=True)).all()
            )
            written = conn.execute(queries.partner_counts(f, f.basis)).all()
            indexes = read_actor_indexes(conn, {row[3] for row in rows})
            municipality_of = {row[4]: row[3] for row in rows if row[4] is not None}
            columns = _PartnerColumns(indexes)
            counts: dict[int, dict[str, int]] = defaultdict(dict)
            spellings: dict[tuple[int, str], int] = defaultdict(int)
            for plan_id, name, count in written:
                municipality = municipality_of.get(plan_id)
                if municipality is None:
                    continue
                key = columns.key(municipality, name)
                counts[plan_id][key] = counts[plan_id].get(key, 0) + count
                spellings[plan_id, key] += 1
            # Where a plan writes one actor in two spellings, an activity may name both:
            # count its activities exactly (rare; one more statement when it happens).
            twice = sorted({plan_id for (plan_id, _key), n in spellings.items() if n > 1})
            if twice:
                exact: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
                for plan_id, activity_id, name in conn.execute(
                    queries.partner_mentions(f, f.basis, twice)
                ).all():
                    key = columns.key(municipality_of[plan_id], name)
                    exact[plan_id][key].add(activity_id)
                for plan_id in twice:
                    counts[plan_id] = {key: len(ids) for key, ids in exact[plan_id].items()}
        result: list[cmp.PartnerMatrixRow] = []
        for row in rows:
            plan_counts = dict(sorted(counts.get(row[4], {}).items()))
            for key, count in plan_counts.items():
                columns.add(key, count)
            result.append(
                cmp.PartnerMatrixRow(
                    *_org(row),
                    revision=_revision_ref(row),
                    activities=row[10],
                    partners=plan_counts,
                )
            )
        return cmp.PartnerMatrix(
            today=self.today(), filters=f, partners=columns.totals(), rows=result
        )

    def situation_comparison(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.SituationComparison:
        """Situation pictures side by side: survey shares and the police assessments."""
        f = self._comparison_filter(filters, actor, uses_basis=True, uses_period=False)
        with self._snapshot() as conn:
            programmes = self._view_programmes(conn, f)
            rows = self._in_view(conn, f, conn.execute(queries.situation_rows(f, f.basis)).all())
            survey: dict[int, dict[str, AnyRow]] = defaultdict(dict)
            for answer in conn.execute(queries.survey_answers(f, f.basis)).all():
                survey[answer[0]][answer[1]] = answer
            police: dict[int, dict[str, AnyRow]] = defaultdict(dict)
            for assessment in conn.execute(queries.police_assessments(f, f.basis)).all():
                police[assessment[0]][assessment[1]] = assessment
        result: list[cmp.SituationComparisonRow] = []
        for row in rows:
            org, programme = _org(row), programmes.get(row[5])
            org_id, municipality = org[0], org[3]
            has_situation, compiled_on, confidential = row[10] is not None, row[11], bool(row[12])
            withheld = confidential and not sees_confidential_situation(actor, org_id, municipality)
            shown = has_situation and not withheld and programme is not None
            result.append(
                cmp.SituationComparisonRow(
                    *org,
                    revision=_revision_ref(row),
                    has_situation=has_situation,
                    compiled_on=compiled_on,
                    confidential=confidential,
                    withheld=withheld,
                    survey=_survey(programme, survey[row[4]]) if shown and programme else [],
                    police=_police(programme, police[row[4]]) if shown and programme else [],
                )
            )
        shown_programmes = _shown_programmes(programmes, rows)
        questions: dict[str, SurveyQuestion] = {}
        for p in shown_programmes:
            for q in p.survey_questions:
                questions.setdefault(q.key, q)
        return cmp.SituationComparison(
            today=self.today(),
            filters=f,
            questions=list(questions.values()),
            environments=_union(p.police_environments for p in shown_programmes),
            rows=result,
        )

    def follow_up_progress(
        self, filters: FilterInput = None, *, actor: Actor = SYSTEM
    ) -> cmp.FollowUpProgress:
        """Per organisation and reporting period: the in-force activities' latest statuses.

        Periods: the `period` filter; else the programme's periods of `cycle_year`; else
        every period reported for the activities in view.
        """
        f = self._comparison_filter(filters, actor, uses_basis=False, uses_period=True)
        with self._snapshot() as conn:
            programmes = self._view_programmes(conn, f)
            rows = self._in_view(
                conn,
                f,
                conn.execute(queries.basis_rows(f, Basis.IN_FORCE, count_activities=True)).all(),
            )
            periods = _periods(f, _shown_programmes(programmes, rows))
            reported: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
            for plan_id, period, status, count in conn.execute(
                queries.latest_follow_up_counts(f, periods)
            ).all():
                reported[plan_id, period][status] = count
        shown = sorted({p for _plan, p in reported}) if periods is None else list(periods)
        result: list[cmp.FollowUpProgressRow] = []
        for row in rows:
            org, revision, activities = _org(row), _revision_ref(row), row[10]
            for period in shown:
                counts, shares = cmp.follow_up_tally(activities, reported.get((row[4], period), {}))
                result.append(
                    cmp.FollowUpProgressRow(
                        *org,
                        period=period,
                        revision=revision,
                        activities=activities,
                        counts=counts,
                        shares=shares,
                    )
                )
        return cmp.FollowUpProgress(
            today=self.today(),
            filters=f,
            periods=shown,
            statuses=cmp.follow_up_statuses(),
            rows=result,
        )

    # Shared steps.

    def _comparison_filter(
        self, data: FilterInput, actor: Actor, *, uses_basis: bool, uses_period: bool
    ) -> ComparisonFilter:
        f = coerce(ComparisonFilter, data if data is not None else {})
        if not uses_period and f.period is not None:
            raise ValidationError("Filtret period gäller bara uppföljningsvyn (follow-up).")
        if not uses_basis and f.basis is not Basis.IN_FORCE:
            raise ValidationError(
                "Underlaget (basis) kan bara väljas för täckning, samverkanspartner och "
                "lägesbilder; den här vyn utgår alltid från den gällande revisionen."
            )
        if actor.role is Role.SYSTEM:
            return f
        # Nothing crosses municipalities: another role sees its own, unasked.
        municipality = f.municipality or actor.municipality
        verdict = judge(actor, Action.READ_COMPARISONS, Scope(municipality=municipality))
        if verdict is Verdict.HIDDEN:
            raise NotFound("Kommunen", municipality)
        if verdict is Verdict.FORBIDDEN:
            raise PermissionDenied("Rollen får inte läsa jämförelserna.")
        return msgspec.structs.replace(f, municipality=municipality)

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """One read transaction, so a view's statements all see the same moment."""
        engine = self.engine
        if engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with engine.connect() as conn, conn.begin():
            yield conn

    def _in_view(
        self, conn: Connection, f: ComparisonFilter, rows: Sequence[AnyRow]
    ) -> Sequence[AnyRow]:
        """The rows of organisations that existed in the view's time: its cycle year, or
        today (see `planregistry_domain.organization_history`)."""
        today = self.today()
        hidden = {
            org_id
            for org_id, valid_from, valid_to in conn.execute(queries.dated_organizations(f)).all()
            if not shown_in_view(valid_from, valid_to, today=today, cycle_year=f.cycle_year)
        }
        return [row for row in rows if row[0] not in hidden] if hidden else rows

    @staticmethod
    def _view_programmes(conn: Connection, f: ComparisonFilter) -> dict[str, Programme]:
        programmes = {
            pid: msgspec.convert(definition, Programme)
            for pid, definition in conn.execute(queries.programmes())
        }
        if f.programme is not None and f.programme not in programmes:
            raise NotFound("Programmet", f.programme)
        return programmes


class _PartnerColumns:
    """The partner matrix's columns: each name as written matched once to its actor."""

    def __init__(self, indexes: Mapping[str, ActorIndex]) -> None:
        self._indexes = indexes
        self._keys: dict[tuple[str, str], str] = {}
        self._columns: dict[str, cmp.PartnerTotal] = {}

    def key(self, municipality: str, name: str) -> str:
        key = self._keys.get((municipality, name))
        if key is not None:
            return key
        index = self._indexes.get(municipality)
        found = index.match(name) if index is not None else None
        key = self._keys[municipality, name] = found.name if found else name
        column = self._columns.get(key)
        if column is None:
            column = self._columns[key] = cmp.PartnerTotal(
                partner=key,
                organizations=0,
                activities=0,
                actor_id=found.id if found else None,
                actor_kind=found.kind if found else None,
            )
        if name not in column.names:
            column.names.append(name)
        return key

    def add(self, key: str, activities: int) -> None:
        column = self._columns[key]
        column.organizations += 1
        column.activities += activities

    def totals(self) -> list[cmp.PartnerTotal]:
        """Columns some organisation in view names: named by most organisations first."""
        totals = [c for c in self._columns.values() if c.organizations]
        for total in totals:
            total.names.sort()
        totals.sort(key=lambda t: (-t.organizations, -t.activities, t.partner))
        return totals


def _deadline(
    programmes: Mapping[str, Programme], f: ComparisonFilter, row: AnyRow, today: dt.date
) -> cmp.Deadline:
    """Next due and overdue for a status-board row (see `queries.status_board`'s columns)."""
    programme_id = row[5]
    if programme_id is None:
        return cmp.Deadline(next_due=None, overdue=False)
    cycle = programmes[programme_id].cycle
    if f.cycle_year is not None:
        return cmp.cycle_deadline(cycle, f.cycle_year, row[6] is not None, today)
    states = [
        deadlines.RevisionState(id=rid, number=number, cycle_year=year, status=_STATUSES[status])
        for rid, number, year, status in (
            (row[6], row[7], row[8], RevisionStatus.APPROVED.value),
            (row[10], row[11], row[12], row[13]),
            (row[14], row[15], row[16], row[17]),
        )
        if rid is not None
    ]
    planned = deadlines.plan_deadline(row[4], cycle, states, today)
    return cmp.Deadline(next_due=planned.next_due, overdue=planned.overdue)


def _org(row: AnyRow) -> tuple[str, str, OrganizationKind, str, str | None]:
    """The five leading fields of every row type, in order (see `OrganizationColumns`)."""
    return (row[0], row[1], _KINDS[row[2]], row[3], row[5])


def _revision_ref(row: AnyRow) -> cmp.RevisionRef | None:
    revision_id, number, cycle_year, status = row[_BASIS]
    if revision_id is None:
        return None
    return cmp.RevisionRef(
        revision_id=revision_id,
        number=number,
        cycle_year=cycle_year,
        status=_STATUSES[status],
    )


def _by_plan(result: Iterable[AnyRow]) -> defaultdict[int, dict[str, int]]:
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for plan_id, key, count in result:
        counts[plan_id][key] = count
    return counts


def _zero_filled(terms: Sequence[Term], counts: Mapping[str, int]) -> dict[str, int]:
    # Keys the programme no longer lists still count, after its own (data outlives code).
    filled = {t.key: counts.get(t.key, 0) for t in terms}
    filled.update({k: v for k, v in counts.items() if k not in filled})
    return filled


def _shown_programmes(
    programmes: Mapping[str, Programme], rows: Sequence[AnyRow]
) -> list[Programme]:
    ids = sorted({row[5] for row in rows if row[5] is not None})
    return [programmes[pid] for pid in ids]


def _union(groups: Iterable[Sequence[Term]]) -> list[Term]:
    seen: dict[str, Term] = {}
    for terms in groups:
        for term in terms:
            seen.setdefault(term.key, term)
    return list(seen.values())


def _survey(programme: Programme, answers: Mapping[str, AnyRow]) -> list[cmp.SurveyShare]:
    result: list[cmp.SurveyShare] = []
    for question in programme.survey_questions:
        answer = answers.get(question.key)
        if answer is None:
            result.append(cmp.SurveyShare(question_key=question.key))
            continue
        _plan, key, yes_count, no_count, respondents, finding = answer
        result.append(
            cmp.SurveyShare(
                question_key=key,
                answered=True,
                yes_count=yes_count,
                no_count=no_count,
                respondents=respondents,
                share_yes=cmp.survey_share(yes_count, no_count),
                finding=finding,
            )
        )
    return result


def _police(programme: Programme, assessments: Mapping[str, AnyRow]) -> list[cmp.PoliceColumn]:
    result: list[cmp.PoliceColumn] = []
    for environment in programme.police_environments:
        found = assessments.get(environment.key)
        if found is None:
            result.append(cmp.PoliceColumn(environment=environment.key))
        else:
            result.append(
                cmp.PoliceColumn(
                    environment=environment.key,
                    status=_ENVIRONMENT[found[2]],
                    text=found[3],
                )
            )
    return result


def _periods(f: ComparisonFilter, programmes: Sequence[Programme]) -> tuple[str, ...] | None:
    if f.period is not None:
        return (f.period,)
    if f.cycle_year is None:
        return None
    keys: dict[str, None] = {}
    for programme in programmes:
        keys.update(dict.fromkeys(p.key for p in programme.reporting_periods))
    return tuple(f"{f.cycle_year}-{key}" for key in keys)

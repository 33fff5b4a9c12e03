"""A whole revision read as rows (SQLAlchemy Core), for the hot path `GET /revisions/{id}`.

The ORM aggregate (`queries.revision_aggregate`) builds some two hundred mapped objects
per revision and spent ~8 ms doing so at thirty activities; reading the same columns in
three statements and building the msgspec values directly takes 1.5–2 ms. The
head (revision, situation header, decisions) comes back as rows; the many small parts
and the activities each come back as one JSON document, because sqlite3 gives up and
re-takes the GIL on every row it steps through and concurrent readers then convoy.
Writers keep using the ORM.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import (
    JSON,
    CompoundSelect,
    Connection,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from planregistry.domain.model import (
    Activity,
    Decision,
    PoliceAssessment,
    Revision,
    Section,
    SituationPicture,
    SurveyAnswer,
)
from planregistry.domain.policy import Scope
from planregistry.domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    RevisionStatus,
)
from planregistry.errors import NotFound
from planregistry.storage.convert import utc
from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    ActivityThemeRow,
    DecisionRow,
    OrganizationRow,
    PlanRow,
    PoliceAssessmentRow,
    RevisionRow,
    SectionRow,
    SituationRow,
    SurveyAnswerRow,
)

_ID = bindparam("revision_id", type_=Integer)
R, A = RevisionRow, ActivityRow

# Built once: the statements are the same for every revision, only the id is bound.
# The revision, its situation picture's header and its decisions: one row per decision
# (a revision has a handful), so the head costs one round trip.
_REVISION = (
    select(
        R.id,
        R.plan_id,
        R.number,
        R.label,
        R.cycle_year,
        R.status,
        R.based_on_id,
        R.case_numbers,
        R.scope_exclusions,
        R.priority_areas,
        R.conditions_response,
        R.version,
        R.created_at,
        R.updated_at,
        SituationRow.revision_id,
        SituationRow.compiled_on,
        SituationRow.sources,
        SituationRow.confidential,
        SituationRow.summary,
        DecisionRow.id,
        DecisionRow.body,
        DecisionRow.outcome,
        DecisionRow.decided_on,
        DecisionRow.case_number,
        DecisionRow.minutes_ref,
        DecisionRow.conditions,
        DecisionRow.status_before,
        DecisionRow.status_after,
        DecisionRow.recorded_by,
        DecisionRow.recorded_at,
        # Where the revision lives, for the policy, and its programme.
        PlanRow.organization_id,
        OrganizationRow.municipality_id,
        PlanRow.programme_id,
    )
    .join(PlanRow, PlanRow.id == R.plan_id)
    .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
    .outerjoin(SituationRow, SituationRow.revision_id == R.id)
    .outerjoin(DecisionRow, DecisionRow.revision_id == R.id)
    .where(R.id == _ID)
    .order_by(DecisionRow.id)
)
_DECISION = slice(19, 30)
_PLACE = slice(30, 33)

# Every small part in one statement, one row each, in a common layout:
# (part, activity id, position, text 1–3, number 1–3). Fewer round trips matter on a
# network database: this read is the API's most frequent.
_SECTION, _SURVEY, _POLICE, _THEME, _PARTNER = range(5)
_NO_TEXT = cast(null(), Text)
_NO_NUMBER = cast(null(), Integer)


def _part(*columns: Any) -> Select[Any]:
    """One kind of part in the common layout, its columns named by position (c0…c8) so
    that the union can be read as a subquery without equal names colliding."""
    return select(*(column.label(f"c{i}") for i, column in enumerate(columns)))


_PARTS: CompoundSelect[Any] = union_all(
    _part(
        literal(_SECTION),
        _NO_NUMBER,
        SectionRow.position,
        SectionRow.key,
        SectionRow.heading,
        SectionRow.body,
        _NO_NUMBER,
        _NO_NUMBER,
        _NO_NUMBER,
    ).where(SectionRow.revision_id == _ID),
    _part(
        literal(_SURVEY),
        _NO_NUMBER,
        SurveyAnswerRow.position,
        SurveyAnswerRow.question_key,
        SurveyAnswerRow.finding,
        _NO_TEXT,
        SurveyAnswerRow.yes_count,
        SurveyAnswerRow.no_count,
        SurveyAnswerRow.respondents,
    ).where(SurveyAnswerRow.revision_id == _ID),
    _part(
        literal(_POLICE),
        _NO_NUMBER,
        PoliceAssessmentRow.position,
        PoliceAssessmentRow.environment,
        PoliceAssessmentRow.status,
        PoliceAssessmentRow.text,
        _NO_NUMBER,
        _NO_NUMBER,
        _NO_NUMBER,
    ).where(PoliceAssessmentRow.revision_id == _ID),
    _part(
        literal(_THEME),
        ActivityThemeRow.activity_id,
        ActivityThemeRow.position,
        ActivityThemeRow.theme,
        _NO_TEXT,
        _NO_TEXT,
        _NO_NUMBER,
        _NO_NUMBER,
        _NO_NUMBER,
    )
    .join(A, A.id == ActivityThemeRow.activity_id)
    .where(A.revision_id == _ID),
    _part(
        literal(_PARTNER),
        ActivityPartnerRow.activity_id,
        ActivityPartnerRow.position,
        ActivityPartnerRow.partner,
        _NO_TEXT,
        _NO_TEXT,
        _NO_NUMBER,
        _NO_NUMBER,
        _NO_NUMBER,
    )
    .join(A, A.id == ActivityPartnerRow.activity_id)
    .where(A.revision_id == _ID),
)
_ACTIVITIES = (
    select(
        A.id,
        A.key,
        A.position,
        A.title,
        A.description,
        A.level,
        A.responsible,
        A.follow_up_method,
        A.target_group,
        A.areas,
        A.version,
        A.updated_at,
    )
    .where(A.revision_id == _ID)
    .order_by(A.position)
)


def _one_document(stmt: Select[Any] | CompoundSelect[Any], dialect: str) -> Select[Any]:
    """`stmt`'s rows as one JSON array of arrays, in one row.

    Python's sqlite3 gives up the GIL on every step of a statement and must take it back
    for the next, so threads reading many small rows convoy behind each other (see
    benchmarks/sqlite_threads.py); one document is one step. PostgreSQL gets the same
    shape, so one decoder serves both.
    """
    rows = stmt.subquery()
    if dialect == "postgresql":
        return select(cast(func.json_agg(func.json_build_array(*rows.c)), Text))
    # SQLite keeps JSON as text: json() embeds it as JSON rather than as a string.
    columns = [func.json(c) if isinstance(c.type, JSON) else c for c in rows.c]
    return select(func.json_group_array(func.json_array(*columns)))


_DOCUMENTS: dict[str, tuple[Select[Any], Select[Any]]] = {}


def _documents(dialect: str) -> tuple[Select[Any], Select[Any]]:
    """The parts and the activities statements for this dialect, built once."""
    if dialect not in _DOCUMENTS:
        _DOCUMENTS[dialect] = (
            _one_document(_PARTS, dialect),
            _one_document(_ACTIVITIES, dialect),
        )
    return _DOCUMENTS[dialect]


def _rows(conn: Connection, stmt: Select[Any], params: dict[str, Any]) -> list[list[Any]]:
    document = conn.execute(stmt, params).scalar()
    return msgspec.json.decode(document) if document else []


def _instant(value: str) -> dt.datetime:
    return utc(dt.datetime.fromisoformat(value))


class RevisionPlace(NamedTuple):
    scope: Scope
    programme_id: str


def read_revision(conn: Connection, revision_id: int) -> Revision:
    """The revision with all of its parts, as `convert.revision` would give it."""
    return read_placed_revision(conn, revision_id, admit=lambda _scope: None)[0]


def read_placed_revision(
    conn: Connection, revision_id: int, *, admit: Callable[[Scope], object]
) -> tuple[Revision, RevisionPlace]:
    """The revision and where it lives; `admit` sees the place before any part is read
    and raises to refuse (so a refused read costs one statement)."""
    params = {"revision_id": revision_id}
    heads = conn.execute(_REVISION, params).all()
    if not heads:
        raise NotFound("Revisionen", revision_id)
    head = heads[0]
    organization, municipality, programme_id = head[_PLACE]
    place = RevisionPlace(Scope(municipality=municipality, organization=organization), programme_id)
    admit(place.scope)
    parts_statement, activities_statement = _documents(conn.dialect.name)
    parts: defaultdict[int, list[Any]] = defaultdict(list)
    lists: defaultdict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for row in _rows(conn, parts_statement, params):
        if row[0] >= _THEME:
            lists[row[1], row[0]].append((row[2], row[3]))
        else:
            parts[row[0]].append(row)
    for rows in parts.values():
        rows.sort(key=lambda r: r[2])  # by position
    situation = None
    if head[14] is not None:
        situation = SituationPicture(
            compiled_on=head[15],
            sources=list(head[16]),
            confidential=bool(head[17]),
            summary=head[18],
            survey=[
                SurveyAnswer(
                    question_key=r[3], finding=r[4], yes_count=r[6], no_count=r[7], respondents=r[8]
                )
                for r in parts[_SURVEY]
            ],
            police=[
                PoliceAssessment(environment=r[3], status=EnvironmentActivity(r[4]), text=r[5])
                for r in parts[_POLICE]
            ],
        )
    revision = Revision(
        id=head[0],
        plan_id=head[1],
        number=head[2],
        label=head[3],
        cycle_year=head[4],
        status=RevisionStatus(head[5]),
        based_on=head[6],
        case_numbers=list(head[7]),
        sections=[Section(key=r[3], heading=r[4], body=r[5]) for r in parts[_SECTION]],
        scope_exclusions=list(head[8]),
        priority_areas=list(head[9]),
        situation=situation,
        conditions_response=head[10],
        activities=_activities(_rows(conn, activities_statement, params), revision_id, lists),
        decisions=[_decision(revision_id, row[_DECISION]) for row in heads if row[19] is not None],
        version=head[11],
        created_at=utc(head[12]),
        updated_at=utc(head[13]),
    )
    return revision, place


def _activities(
    rows: list[list[Any]],
    revision_id: int,
    lists: dict[tuple[int, int], list[tuple[int, str]]],
) -> list[Activity]:
    rows.sort(key=lambda r: r[2])  # by position: JSON aggregation keeps no order
    return [
        Activity(
            id=activity_id,
            revision_id=revision_id,
            key=key,
            position=position,
            title=title,
            description=description,
            level=level,
            themes=[v for _p, v in sorted(lists.get((activity_id, _THEME), ()))],
            responsible=responsible,
            partners=[v for _p, v in sorted(lists.get((activity_id, _PARTNER), ()))],
            follow_up_method=method,
            target_group=target_group,
            areas=list(areas),
            version=version,
            updated_at=_instant(updated_at),
        )
        for (
            activity_id,
            key,
            position,
            title,
            description,
            level,
            responsible,
            method,
            target_group,
            areas,
            version,
            updated_at,
        ) in rows
    ]


def _decision(revision_id: int, row: Any) -> Decision:
    return Decision(
        id=row[0],
        revision_id=revision_id,
        body=DecisionBody(row[1]),
        outcome=DecisionOutcome(row[2]),
        decided_on=row[3],
        case_number=row[4],
        minutes_ref=row[5],
        conditions=row[6],
        status_before=RevisionStatus(row[7]),
        status_after=RevisionStatus(row[8]),
        recorded_by=row[9],
        recorded_at=utc(row[10]),
    )

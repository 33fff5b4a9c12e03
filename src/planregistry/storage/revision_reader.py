"""The one reader of a whole revision: every use case that returns a revision uses it.

Three statements whatever the revision's size: the head (the revision, its situation
picture's header and its decisions, one row per decision, with where the revision
lives), then its small parts and then its activities, each kind as one JSON document of
objects keyed by field name. Documents rather than rows because sqlite3 gives up and
re-takes the GIL on every row it steps through, and concurrent readers then convoy
(benchmarks/sqlite_threads.py); building the msgspec values from them takes 1.5–2 ms
at thirty activities where the ORM aggregate took ~8 ms. Columns are chosen and read by
name through the aggregates' maps (`storage.revisions`, `storage.activities`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    select,
)

from planregistry.storage.activities import ACTIVITY
from planregistry.storage.revisions import (
    DECISION,
    POLICE_ASSESSMENT,
    REVISION,
    SECTION,
    SITUATION,
    SURVEY_ANSWER,
)
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
from planregistry_domain.errors import NotFound
from planregistry_domain.model import Revision
from planregistry_domain.policy import Scope

_ID = bindparam("revision_id", type_=Integer)

# Built once: the statements are the same for every revision, only the id is bound.
_HEAD = (
    select(
        *REVISION.selected("r_"),
        SituationRow.revision_id.label("s_present"),
        *SITUATION.selected("s_"),
        *DECISION.selected("d_"),
        # Where the revision lives, for the policy, and its programme.
        PlanRow.organization_id,
        OrganizationRow.municipality_id,
        PlanRow.programme_id,
    )
    .join(PlanRow, PlanRow.id == RevisionRow.plan_id)
    .join(OrganizationRow, OrganizationRow.id == PlanRow.organization_id)
    .outerjoin(SituationRow, SituationRow.revision_id == RevisionRow.id)
    .outerjoin(DecisionRow, DecisionRow.revision_id == RevisionRow.id)
    .where(RevisionRow.id == _ID)
    .order_by(DecisionRow.id)
)

Field = tuple[str, Any, bool]  # name, column, holds JSON


def _position(column: Any) -> list[Field]:
    return [("position", column, False)]


# Each part: its fields by name, and the statement's FROM and WHERE.
_PARTS: dict[str, tuple[list[Field], Select[Any]]] = {
    "sections": (
        SECTION.json_columns() + _position(SectionRow.position),
        select().select_from(SectionRow).where(SectionRow.revision_id == _ID),
    ),
    "survey": (
        SURVEY_ANSWER.json_columns() + _position(SurveyAnswerRow.position),
        select().select_from(SurveyAnswerRow).where(SurveyAnswerRow.revision_id == _ID),
    ),
    "police": (
        POLICE_ASSESSMENT.json_columns() + _position(PoliceAssessmentRow.position),
        select().select_from(PoliceAssessmentRow).where(PoliceAssessmentRow.revision_id == _ID),
    ),
    "themes": (
        [
            ("activity", ActivityThemeRow.activity_id, False),
            ("value", ActivityThemeRow.theme, False),
            *_position(ActivityThemeRow.position),
        ],
        select()
        .select_from(ActivityThemeRow)
        .join(ActivityRow, ActivityRow.id == ActivityThemeRow.activity_id)
        .where(ActivityRow.revision_id == _ID),
    ),
    "partners": (
        [
            ("activity", ActivityPartnerRow.activity_id, False),
            ("value", ActivityPartnerRow.partner, False),
            *_position(ActivityPartnerRow.position),
        ],
        select()
        .select_from(ActivityPartnerRow)
        .join(ActivityRow, ActivityRow.id == ActivityPartnerRow.activity_id)
        .where(ActivityRow.revision_id == _ID),
    ),
}
_ACTIVITIES: tuple[list[Field], Select[Any]] = (
    ACTIVITY.json_columns(),
    select().select_from(ActivityRow).where(ActivityRow.revision_id == _ID),
)


def _document(fields: Iterable[Field], source: Select[Any], dialect: str) -> Select[Any]:
    """`source`'s rows as one JSON array of objects keyed by field name, in one row.

    Python's sqlite3 gives up the GIL on every step of a statement and must take it back
    for the next, so threads reading many small rows convoy behind each other; one
    document is one step. PostgreSQL gets the same shape, so one decoder serves both.
    """
    pairs: list[Any] = []
    for name, column, holds_json in fields:
        # SQLite keeps JSON as text: json() embeds it as JSON rather than as a string.
        value = func.json(column) if holds_json and dialect != "postgresql" else column
        pairs += [literal(name), value]
    if dialect == "postgresql":
        return source.add_columns(cast(func.json_agg(func.json_build_object(*pairs)), Text))
    return source.add_columns(func.json_group_array(func.json_object(*pairs)))


_STATEMENTS: dict[str, tuple[Select[Any], Select[Any]]] = {}


def _statements(dialect: str) -> tuple[Select[Any], Select[Any]]:
    """The parts (one row, one document per kind) and the activities, built once."""
    if dialect not in _STATEMENTS:
        parts = select(
            *(
                _document(fields, source, dialect).scalar_subquery().label(kind)
                for kind, (fields, source) in _PARTS.items()
            )
        )
        _STATEMENTS[dialect] = (parts, _document(*_ACTIVITIES, dialect))
    return _STATEMENTS[dialect]


def _objects(document: str | None) -> list[dict[str, Any]]:
    """A document's objects in the order of their `position` (JSON aggregation keeps none)."""
    objects: list[dict[str, Any]] = msgspec.json.decode(document) if document else []
    objects.sort(key=lambda o: o["position"])
    return objects


class RevisionPlace(NamedTuple):
    scope: Scope
    programme_id: str


def read_revision(conn: Connection, revision_id: int) -> Revision:
    """The revision with all of its parts, unredacted."""
    return read_placed_revision(conn, revision_id, admit=lambda _scope: None)[0]


def read_placed_revision(
    conn: Connection, revision_id: int, *, admit: Callable[[Scope], object]
) -> tuple[Revision, RevisionPlace]:
    """The revision and where it lives; `admit` sees the place before any part is read
    and raises to refuse (so a refused read costs one statement)."""
    params = {"revision_id": revision_id}
    heads = conn.execute(_HEAD, params).mappings().all()
    if not heads:
        raise NotFound("Revisionen", revision_id)
    head = heads[0]
    place = RevisionPlace(
        Scope(municipality=head["municipality_id"], organization=head["organization_id"]),
        head["programme_id"],
    )
    admit(place.scope)
    parts_statement, activities_statement = _statements(conn.dialect.name)
    parts = conn.execute(parts_statement, params).mappings().one()
    lists: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
    for kind in ("themes", "partners"):
        for item in _objects(parts[kind]):
            lists[kind, item["activity"]].append(item["value"])
    situation = None
    if head["s_present"] is not None:
        situation = SITUATION.read_labelled(
            head,
            "s_",
            {
                "survey": [SURVEY_ANSWER.build(o) for o in _objects(parts["survey"])],
                "police": [POLICE_ASSESSMENT.build(o) for o in _objects(parts["police"])],
            },
        )
    activities = [
        ACTIVITY.build(
            o, {"themes": lists["themes", o["id"]], "partners": lists["partners", o["id"]]}
        )
        for o in _objects(conn.execute(activities_statement, params).scalar())
    ]
    revision = REVISION.read_labelled(
        head,
        "r_",
        {
            "sections": [SECTION.build(o) for o in _objects(parts["sections"])],
            "situation": situation,
            "activities": activities,
            "decisions": [
                DECISION.read_labelled(row, "d_") for row in heads if row["d_id"] is not None
            ],
        },
    )
    return revision, place

"""The revision aggregate in storage: the revision row and its parts (sections, the
situation picture with its survey answers and police assessments, decisions).

Its activities are `planregistry.storage.activities`; the one reader of a whole revision
is `planregistry.storage.revision_reader`. Rows are built here from commands and from
stored structs alike: a write, a new revision's copy of the one in force and a restore
from a backup all go through the same maps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from planregistry.storage import activities
from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import (
    DecisionRow,
    PoliceAssessmentRow,
    RevisionRow,
    SectionRow,
    SituationRow,
    SurveyAnswerRow,
)
from planregistry_domain.commands import PutSection, PutSituation, RecordDecision, UpdateRevision
from planregistry_domain.model import (
    Decision,
    PoliceAssessment,
    Revision,
    Section,
    SituationPicture,
    SurveyAnswer,
)

REVISION = RowMap(Revision, RevisionRow, renamed={"based_on": "based_on_id"})
SECTION = RowMap(Section, SectionRow)
SITUATION = RowMap(SituationPicture, SituationRow)
SURVEY_ANSWER = RowMap(SurveyAnswer, SurveyAnswerRow)
POLICE_ASSESSMENT = RowMap(PoliceAssessment, PoliceAssessmentRow)
DECISION = RowMap(Decision, DecisionRow)


def decision(row: DecisionRow) -> Decision:
    return DECISION.read(row)


def decision_row(source: RecordDecision | Decision, **server: Any) -> DecisionRow:
    """A decision's row from the command (`server` adding who, when and the statuses) or
    from a stored decision."""
    return DECISION.new_row(source, **server)


def situation(row: SituationRow) -> SituationPicture:
    """The picture of a row loaded with its answers and assessments."""
    return SITUATION.read(
        row,
        {
            "survey": [SURVEY_ANSWER.read(a) for a in row.survey],
            "police": [POLICE_ASSESSMENT.read(p) for p in row.police],
        },
    )


def section_rows(sections: Iterable[Section]) -> list[SectionRow]:
    return [SECTION.new_row(s, position=i) for i, s in enumerate(sections)]


def section_row(key: str, command: PutSection, **server: Any) -> SectionRow:
    return SECTION.new_row(command, key=key, **server)


def situation_row(source: PutSituation | SituationPicture) -> SituationRow:
    """A situation picture's rows, its answers and assessments in the order given."""
    return SITUATION.new_row(
        source,
        survey=[SURVEY_ANSWER.new_row(a, position=i) for i, a in enumerate(source.survey)],
        police=[POLICE_ASSESSMENT.new_row(p, position=i) for i, p in enumerate(source.police)],
    )


def copy_content(source: Revision, target: RevisionRow, now: dt.datetime) -> None:
    """Give a new revision the content of `source` (its activities keep their keys and
    start again at version 1); header, status and decisions stay the target's own."""
    target.scope_exclusions = list(source.scope_exclusions)
    target.priority_areas = list(source.priority_areas)
    _add_parts(source, target)
    target.activities = [
        activities.new_row(a, id=None, revision_id=None, version=1, updated_at=now)
        for a in source.activities
    ]


def stored_revision(revision: Revision) -> RevisionRow:
    """The rows of a stored revision as it was exported, ids and versions included."""
    row = REVISION.new_row(revision)
    _add_parts(revision, row)
    row.activities = [activities.new_row(a) for a in revision.activities]
    row.decisions = [decision_row(d) for d in revision.decisions]
    return row


def _add_parts(source: Revision, target: RevisionRow) -> None:
    target.sections = section_rows(source.sections)
    if source.situation is not None:
        target.situation = situation_row(source.situation)


def apply(row: RevisionRow, command: UpdateRevision) -> dict[str, Any]:
    """Set the header fields the update sets; what they were, for the audit trail."""
    changes = REVISION.stored(command)
    before = {column: getattr(row, column) for column in changes}
    for column, value in changes.items():
        setattr(row, column, value)
    return before

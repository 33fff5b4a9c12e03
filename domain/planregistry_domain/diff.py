"""What changed between two revisions of a plan (`changelog_sv` says it in Swedish).

Activities are matched by their stable `key`, sections by key, survey answers by
question and police assessments by environment. Lists whose order carries no meaning
(themes, partners, areas, target groups, indicators, goals, sources, scope exclusions,
priority areas) are compared as sets: reordering them is not a change. Section order is
reported once, as a flag. An activity's indicators are compared as their Swedish text
(name and unit), which is also what a change of them shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from msgspec import Struct, field

from planregistry_domain.activity_details import TimeFrame
from planregistry_domain.changelog import changelog_sv as changelog_sv
from planregistry_domain.model import (
    Activity,
    PoliceAssessment,
    Revision,
    Section,
    SituationPicture,
    SurveyAnswer,
)
from planregistry_domain.programme import Programme

T = TypeVar("T")

# The activity fields a diff compares, in the order a reader expects them.
ACTIVITY_FIELDS = (
    "title",
    "description",
    "level",
    "themes",
    "responsible",
    "partners",
    "follow_up_method",
    "target_groups",
    "areas",
    "contact_role",
    "time_frame",
    "resources",
    "indicators",
    "goals",
)

FieldValue = str | list[str] | TimeFrame | None


class SectionChange(Struct, kw_only=True):
    key: str
    old_heading: str
    new_heading: str
    old_body: str
    new_body: str
    heading_changed: bool
    body_changed: bool


class FieldChange(Struct, kw_only=True):
    field: str
    old: FieldValue
    new: FieldValue


class ActivityChange(Struct, kw_only=True):
    key: str
    old_id: int
    new_id: int
    old_title: str
    title: str
    changes: list[FieldChange]

    def field_change(self, name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == name), None)


class TextChange(Struct, kw_only=True):
    old: str | None
    new: str | None


class DateChange(Struct, kw_only=True):
    old: dt.date | None
    new: dt.date | None


class FlagChange(Struct, kw_only=True):
    old: bool
    new: bool


class SurveyChange(Struct, kw_only=True):
    """One survey question whose answer appeared, disappeared or changed."""

    question_key: str
    old: SurveyAnswer | None
    new: SurveyAnswer | None
    finding_changed: bool
    counts_changed: bool


class PoliceChange(Struct, kw_only=True):
    environment: str
    old: PoliceAssessment | None
    new: PoliceAssessment | None
    status_changed: bool
    text_changed: bool


class SituationDiff(Struct, kw_only=True):
    """Changes to the situation picture; `added`/`removed` when only one side has one.

    `withheld`: a side is confidential and the reader not entitled to it, so only
    `added`, `removed` and `confidential` are told, never what changed inside.
    """

    added: bool = False
    removed: bool = False
    withheld: bool = False
    compiled_on: DateChange | None = None
    summary: TextChange | None = None
    confidential: FlagChange | None = None
    sources_added: list[str] = field(default_factory=list)
    sources_removed: list[str] = field(default_factory=list)
    survey: list[SurveyChange] = field(default_factory=list)
    police: list[PoliceChange] = field(default_factory=list)


class RevisionDiff(Struct, kw_only=True):
    old_revision_id: int
    new_revision_id: int
    old_number: int
    new_number: int
    sections_added: list[Section] = field(default_factory=list)
    sections_removed: list[Section] = field(default_factory=list)
    sections_changed: list[SectionChange] = field(default_factory=list)
    section_order_changed: bool = False
    scope_exclusions_added: list[str] = field(default_factory=list)
    scope_exclusions_removed: list[str] = field(default_factory=list)
    priority_areas_added: list[str] = field(default_factory=list)
    priority_areas_removed: list[str] = field(default_factory=list)
    activities_added: list[Activity] = field(default_factory=list)
    activities_removed: list[Activity] = field(default_factory=list)
    activities_changed: list[ActivityChange] = field(default_factory=list)
    # Null when the situation picture is unchanged (or absent from both).
    situation: SituationDiff | None = None
    # Filled by `changelog_sv` (the registry's `diff_revisions` always fills it).
    changelog: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No content changed (the revision header and decisions are not content)."""
        return self.situation is None and not (
            self.section_order_changed
            or self.sections_added
            or self.sections_removed
            or self.sections_changed
            or self.scope_exclusions_added
            or self.scope_exclusions_removed
            or self.priority_areas_added
            or self.priority_areas_removed
            or self.activities_added
            or self.activities_removed
            or self.activities_changed
        )


def diff_revisions(
    old: Revision, new: Revision, programme: Programme | None = None
) -> RevisionDiff:
    """The changes from `old` to `new`; `programme` only orders survey and police entries."""
    old_sections = {s.key: s for s in old.sections}
    new_sections = {s.key: s for s in new.sections}
    common = [s.key for s in old.sections if s.key in new_sections]
    added_scope, removed_scope = _set_diff(old.scope_exclusions, new.scope_exclusions)
    added_areas, removed_areas = _set_diff(old.priority_areas, new.priority_areas)
    old_activities = {a.key: a for a in old.activities}
    new_keys = {a.key for a in new.activities}
    return RevisionDiff(
        old_revision_id=old.id,
        new_revision_id=new.id,
        old_number=old.number,
        new_number=new.number,
        sections_added=[s for s in new.sections if s.key not in old_sections],
        sections_removed=[s for s in old.sections if s.key not in new_sections],
        sections_changed=[
            section_change
            for s in new.sections
            if s.key in old_sections
            and (section_change := _section_change(old_sections[s.key], s)) is not None
        ],
        section_order_changed=common != [s.key for s in new.sections if s.key in old_sections],
        scope_exclusions_added=added_scope,
        scope_exclusions_removed=removed_scope,
        priority_areas_added=added_areas,
        priority_areas_removed=removed_areas,
        activities_added=[a for a in new.activities if a.key not in old_activities],
        activities_removed=[a for a in old.activities if a.key not in new_keys],
        activities_changed=[
            activity_change
            for a in new.activities
            if a.key in old_activities
            and (activity_change := _activity_change(old_activities[a.key], a)) is not None
        ],
        situation=_situation_diff(old.situation, new.situation, programme),
    )


def _set_diff(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], list[str]]:
    old_list, new_list = list(old), list(new)
    return (
        [x for x in new_list if x not in set(old_list)],
        [x for x in old_list if x not in set(new_list)],
    )


def _section_change(old: Section, new: Section) -> SectionChange | None:
    heading_changed, body_changed = old.heading != new.heading, old.body != new.body
    if not (heading_changed or body_changed):
        return None
    return SectionChange(
        key=new.key,
        old_heading=old.heading,
        new_heading=new.heading,
        old_body=old.body,
        new_body=new.body,
        heading_changed=heading_changed,
        body_changed=body_changed,
    )


def _activity_change(old: Activity, new: Activity) -> ActivityChange | None:
    changes: list[FieldChange] = []
    for name in ACTIVITY_FIELDS:
        # Every list field is one whose order carries no meaning.
        before, after = _field_value(old, name), _field_value(new, name)
        if isinstance(before, list) and isinstance(after, list):
            same = set(before) == set(after)
        else:
            same = before == after
        if not same:
            changes.append(FieldChange(field=name, old=before, new=after))
    if not changes:
        return None
    return ActivityChange(
        key=new.key,
        old_id=old.id,
        new_id=new.id,
        old_title=old.title,
        title=new.title,
        changes=changes,
    )


def _field_value(activity: Activity, name: str) -> FieldValue:
    if name == "indicators":
        return [i.text_sv() for i in activity.indicators]
    value: FieldValue = getattr(activity, name)
    return value


def _situation_diff(
    old: SituationPicture | None, new: SituationPicture | None, programme: Programme | None
) -> SituationDiff | None:
    if old is None and new is None:
        return None
    before, after = old or SituationPicture(), new or SituationPicture()
    sources_added, sources_removed = _set_diff(before.sources, after.sources)
    result = SituationDiff(
        added=old is None,
        removed=new is None,
        compiled_on=None
        if before.compiled_on == after.compiled_on
        else DateChange(old=before.compiled_on, new=after.compiled_on),
        summary=None
        if before.summary == after.summary
        else TextChange(old=before.summary, new=after.summary),
        confidential=None
        if before.confidential == after.confidential
        else FlagChange(old=before.confidential, new=after.confidential),
        sources_added=sources_added,
        sources_removed=sources_removed,
        survey=_keyed_changes(
            before.survey,
            after.survey,
            lambda a: a.question_key,
            [q.key for q in programme.survey_questions] if programme else [],
            _survey_change,
        ),
        police=_keyed_changes(
            before.police,
            after.police,
            lambda p: p.environment,
            [e.key for e in programme.police_environments] if programme else [],
            _police_change,
        ),
    )
    return None if result == SituationDiff() else result


C = TypeVar("C")


def _keyed_changes(
    old: Sequence[T],
    new: Sequence[T],
    key: Callable[[T], str],
    order: list[str],
    compare: Callable[[str, T | None, T | None], C | None],
) -> list[C]:
    old_by, new_by = {key(x): x for x in old}, {key(x): x for x in new}
    keys = list(dict.fromkeys([*order, *old_by, *new_by]))
    return [
        change
        for k in keys
        if (k in old_by or k in new_by)
        and (change := compare(k, old_by.get(k), new_by.get(k))) is not None
    ]


def _counts(answer: SurveyAnswer | None) -> tuple[int | None, ...]:
    if answer is None:
        return (None, None, None)
    return (answer.yes_count, answer.no_count, answer.respondents)


def _survey_change(
    key: str, old: SurveyAnswer | None, new: SurveyAnswer | None
) -> SurveyChange | None:
    finding_changed = (old.finding if old else None) != (new.finding if new else None)
    counts_changed = _counts(old) != _counts(new)
    # A row that appears or disappears empty carries no information.
    if not (finding_changed or counts_changed):
        return None
    return SurveyChange(
        question_key=key,
        old=old,
        new=new,
        finding_changed=finding_changed,
        counts_changed=counts_changed,
    )


def _police_change(
    key: str, old: PoliceAssessment | None, new: PoliceAssessment | None
) -> PoliceChange | None:
    status_changed = (old.status if old else None) != (new.status if new else None)
    text_changed = (old.text if old else None) != (new.text if new else None)
    if not (status_changed or text_changed):
        return None
    return PoliceChange(
        environment=key,
        old=old,
        new=new,
        status_changed=status_changed,
        text_changed=text_changed,
    )

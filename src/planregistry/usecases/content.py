"""Editing a draft's content: sections, situation picture and activities.

Every change locks the revision row, refuses anything but a draft, checks the
caller's version and bumps the revision's version (its ETag), so that two editors
never overwrite each other unseen.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import UNSET
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from planregistry.domain.commands import (
    CreateActivity,
    PutSection,
    PutSituation,
    SectionKey,
    UpdateActivity,
)
from planregistry.domain.model import Activity, Section, SituationPicture
from planregistry.domain.paging import Page, utc_instant
from planregistry.domain.programme import Programme
from planregistry.errors import FieldError, NotFound, ValidationError
from planregistry.storage import convert, queries
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    ActivityThemeRow,
    PlanRow,
    PoliceAssessmentRow,
    RevisionRow,
    SectionRow,
    SituationRow,
    SurveyAnswerRow,
)
from planregistry.usecases.base import check_version, coerce
from planregistry.usecases.plans import PlanUseCases

# Positions are renumbered on a move, so the id breaks any tie left by a gap or a race.
_ACTIVITIES = Keyset("activities", ActivityRow.position, ActivityRow.id)


class ContentUseCases(PlanUseCases):
    def put_section(
        self,
        revision_id: int,
        key: str,
        data: PutSection | Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Section:
        """Create or replace one section; a new key is appended after the others."""
        command = coerce(PutSection, data)
        key = coerce(SectionKey, {"key": key}).key
        with self._write() as session:
            revision = self._editable_revision(session, revision_id, expected_version)
            row = session.scalars(
                select(SectionRow).where(
                    SectionRow.revision_id == revision_id, SectionRow.key == key
                )
            ).one_or_none()
            if row is None:
                position = _next_position(session, SectionRow, revision_id)
                row = SectionRow(
                    revision_id=revision_id,
                    key=key,
                    position=position,
                    heading=command.heading,
                    body=command.body,
                )
                session.add(row)
            else:
                row.heading = command.heading
                row.body = command.body
            self._touch(revision)
            return Section(key=key, heading=command.heading, body=command.body)

    def delete_section(
        self, revision_id: int, key: str, *, expected_version: int | None = None
    ) -> None:
        with self._write() as session:
            revision = self._editable_revision(session, revision_id, expected_version)
            row = session.scalars(
                select(SectionRow).where(
                    SectionRow.revision_id == revision_id, SectionRow.key == key
                )
            ).one_or_none()
            if row is None:
                raise NotFound("Avsnittet", key)
            session.delete(row)
            self._touch(revision)

    def put_situation(
        self,
        revision_id: int,
        data: PutSituation | Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> SituationPicture:
        command = coerce(PutSituation, data)
        with self._write() as session:
            revision = self._editable_revision(session, revision_id, expected_version)
            programme = self._revision_programme(session, revision)
            _check_situation(command, programme)
            existing = session.get(SituationRow, revision_id)
            if existing is not None:
                session.delete(existing)
                session.flush()
            row = SituationRow(
                revision_id=revision_id,
                compiled_on=command.compiled_on,
                sources=list(command.sources),
                confidential=command.confidential,
                summary=command.summary,
                survey=[
                    SurveyAnswerRow(
                        question_key=a.question_key,
                        position=i,
                        finding=a.finding,
                        yes_count=a.yes_count,
                        no_count=a.no_count,
                        respondents=a.respondents,
                    )
                    for i, a in enumerate(command.survey)
                ],
                police=[
                    PoliceAssessmentRow(
                        environment=p.environment, position=i, status=p.status.value, text=p.text
                    )
                    for i, p in enumerate(command.police)
                ],
            )
            session.add(row)
            self._touch(revision)
            session.flush()
            result = convert.situation(row)
            assert result is not None
            return result

    def add_activity(self, revision_id: int, data: CreateActivity | Mapping[str, Any]) -> Activity:
        command = coerce(CreateActivity, data)
        now = self.now()
        with self._write() as session:
            revision = self._editable_revision(session, revision_id, None)
            _check_vocabulary(
                command.level, command.themes, self._revision_programme(session, revision)
            )
            row = ActivityRow(
                revision_id=revision_id,
                key=_new_key(command.title),
                position=_next_position(session, ActivityRow, revision_id),
                title=command.title,
                description=command.description,
                level=command.level,
                responsible=command.responsible,
                follow_up_method=command.follow_up_method,
                target_group=command.target_group,
                areas=list(command.areas),
                version=1,
                updated_at=now,
                themes=_theme_rows(command.themes),
                partners=_partner_rows(command.partners),
            )
            session.add(row)
            self._touch(revision)
            session.flush()
            return convert.activity(row)

    def get_activity(self, activity_id: int) -> Activity:
        with self._read() as session:
            return convert.activity(queries.get_activity(session, activity_id))

    def list_activities(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Activity]:
        """A revision's activities in the plan's order."""
        since = utc_instant(modified_since)
        stmt = queries.activity_aggregate().where(ActivityRow.revision_id == revision_id)
        if since is not None:
            stmt = stmt.where(ActivityRow.updated_at >= since)
        with self._read() as session:
            queries.get_revision(session, revision_id)
            rows, next_cursor = _ACTIVITIES.fetch(
                session, stmt, key_of=lambda r: (r.position, r.id), limit=limit, cursor=cursor
            )
            return Page(items=[convert.activity(r) for r in rows], next_cursor=next_cursor)

    def update_activity(
        self,
        activity_id: int,
        data: UpdateActivity | Mapping[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Activity:
        command = coerce(UpdateActivity, data)
        with self._write() as session:
            row = queries.get_activity(session, activity_id)
            revision = self._editable_revision(session, row.revision_id, None)
            check_version("Aktiviteten", activity_id, expected_version, row.version)
            level = row.level if command.level is UNSET else command.level
            themes = [t.theme for t in row.themes] if command.themes is UNSET else command.themes
            _check_vocabulary(level, themes, self._revision_programme(session, revision))
            for name in (
                "title",
                "description",
                "level",
                "responsible",
                "follow_up_method",
                "target_group",
            ):
                value = getattr(command, name)
                if value is not UNSET:
                    setattr(row, name, value)
            if command.areas is not UNSET:
                row.areas = list(command.areas)
            if command.themes is not UNSET:
                row.themes = _theme_rows(command.themes)
            if command.partners is not UNSET:
                row.partners = _partner_rows(command.partners)
            if command.position is not UNSET:
                _move_activity(session, row, command.position)
            row.version += 1
            row.updated_at = self.now()
            self._touch(revision)
            session.flush()
            return convert.activity(row)

    def delete_activity(self, activity_id: int, *, expected_version: int | None = None) -> None:
        with self._write() as session:
            row = queries.get_activity(session, activity_id)
            revision = self._editable_revision(session, row.revision_id, None)
            check_version("Aktiviteten", activity_id, expected_version, row.version)
            session.delete(row)
            self._touch(revision)

    def _revision_programme(self, session: Session, revision: RevisionRow) -> Programme:
        programme_id = session.scalars(
            select(PlanRow.programme_id).where(PlanRow.id == revision.plan_id)
        ).one()
        return self._programme(session, programme_id)


def _next_position(
    session: Session, table: type[SectionRow] | type[ActivityRow], revision_id: int
) -> int:
    current = session.scalar(
        select(func.max(table.position)).where(table.revision_id == revision_id)
    )
    return 0 if current is None else current + 1


def _move_activity(session: Session, row: ActivityRow, position: int) -> None:
    siblings = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.revision_id == row.revision_id, ActivityRow.id != row.id)
        .order_by(ActivityRow.position)
    ).all()
    ordered = list(siblings)
    ordered.insert(min(position, len(ordered)), row)
    for index, activity in enumerate(ordered):
        activity.position = index


def _theme_rows(themes: Iterable[str]) -> list[ActivityThemeRow]:
    return [ActivityThemeRow(theme=t, position=i) for i, t in enumerate(themes)]


def _partner_rows(partners: Iterable[str]) -> list[ActivityPartnerRow]:
    return [ActivityPartnerRow(position=i, partner=p) for i, p in enumerate(partners)]


def _new_key(title: str) -> str:
    """A readable key that stays with the activity through every later revision."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:48].strip("-")
    return f"{slug or 'aktivitet'}-{secrets.token_hex(3)}"


def _check_vocabulary(level: str, themes: Iterable[str], programme: Programme) -> None:
    errors: list[FieldError] = []
    if level not in programme.level_keys():
        allowed = ", ".join(t.key for t in programme.levels)
        errors.append(
            FieldError(path="$.level", message=f"Okänd nivå {level!r}; tillåtna: {allowed}.")
        )
    seen: set[str] = set()
    for index, theme in enumerate(themes):
        if theme not in programme.theme_keys():
            errors.append(
                FieldError(
                    path=f"$.themes[{index}]",
                    message=f"Okänt tema {theme!r} i programmet {programme.id!r}.",
                )
            )
        if theme in seen:
            errors.append(
                FieldError(path=f"$.themes[{index}]", message=f"Temat {theme!r} anges två gånger.")
            )
        seen.add(theme)
    if errors:
        raise ValidationError("Aktiviteten följer inte programmets vokabulär.", errors)


def _check_situation(command: PutSituation, programme: Programme) -> None:
    errors: list[FieldError] = []
    questions = {q.key for q in programme.survey_questions}
    environments = {e.key for e in programme.police_environments}
    seen: set[str] = set()
    for i, answer in enumerate(command.survey):
        path = f"$.survey[{i}]"
        if answer.question_key not in questions:
            errors.append(
                FieldError(
                    path=f"{path}.question_key",
                    message=f"Okänd enkätfråga {answer.question_key!r}.",
                )
            )
        if answer.question_key in seen:
            errors.append(
                FieldError(
                    path=f"{path}.question_key",
                    message=f"Frågan {answer.question_key!r} besvaras två gånger.",
                )
            )
        seen.add(answer.question_key)
        counted = (answer.yes_count or 0) + (answer.no_count or 0)
        if answer.respondents is not None and counted > answer.respondents:
            errors.append(FieldError(path=path, message="Fler ja- och nej-svar än svarande."))
    seen.clear()
    for i, assessment in enumerate(command.police):
        path = f"$.police[{i}].environment"
        if assessment.environment not in environments:
            errors.append(FieldError(path=path, message=f"Okänd miljö {assessment.environment!r}."))
        if assessment.environment in seen:
            errors.append(
                FieldError(
                    path=path, message=f"Miljön {assessment.environment!r} anges två gånger."
                )
            )
        seen.add(assessment.environment)
    if errors:
        raise ValidationError("Lägesbilden följer inte programmets frågor och miljöer.", errors)

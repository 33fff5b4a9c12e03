"""Editing a draft's content: sections and the situation picture (activities: see
`planregistry.usecases.activities`).

Every change is the policy's `EDIT_DRAFT` on the revision's organisation; it locks the
revision row, refuses anything but a draft, checks the caller's version and bumps the
revision's version (its ETag), so that two editors never overwrite each other unseen.
Sections and the situation picture have no id of their own: their audit entries are
the revision's (`put_section`, `delete_section`, `put_situation`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from planregistry.storage import queries, revisions
from planregistry.storage.tables import (
    SectionRow,
    SituationRow,
)
from planregistry.usecases.base import audit_change
from planregistry.usecases.plans import PlanUseCases
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import PutSection, PutSituation, SectionKey
from planregistry_domain.errors import FieldError, NotFound, ValidationError
from planregistry_domain.model import Section, SituationPicture, Written
from planregistry_domain.programme import Programme
from planregistry_domain.redaction import shown_situation
from planregistry_domain.validation import coerce


class ContentUseCases(PlanUseCases):
    def put_section(
        self,
        revision_id: int,
        key: str,
        data: PutSection | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Written[Section]:
        """Create or replace one section; a new key is appended after the others."""
        command = coerce(PutSection, data)
        key = coerce(SectionKey, {"key": key}).key
        with self._write() as session:
            revision, scope, _ = self._editable_revision(
                session, revision_id, expected_version, actor
            )
            row = session.scalars(
                select(SectionRow).where(
                    SectionRow.revision_id == revision_id, SectionRow.key == key
                )
            ).one_or_none()
            before = None if row is None else {"heading": row.heading, "body": row.body}
            if row is None:
                position = queries.next_position(session, SectionRow, revision_id)
                session.add(
                    revisions.section_row(key, command, revision_id=revision_id, position=position)
                )
            else:
                row.heading = command.heading
                row.body = command.body
            self._touch(revision)
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="put_section",
                change=audit_change(command, key=key, before=before),
                scope=scope,
            )
            section = Section(key=key, heading=command.heading, body=command.body)
            return Written(
                revision_id=revision_id, revision_version=revision.version, value=section
            )

    def delete_section(
        self,
        revision_id: int,
        key: str,
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> None:
        with self._write() as session:
            revision, scope, _ = self._editable_revision(
                session, revision_id, expected_version, actor
            )
            row = session.scalars(
                select(SectionRow).where(
                    SectionRow.revision_id == revision_id, SectionRow.key == key
                )
            ).one_or_none()
            if row is None:
                raise NotFound("Avsnittet", key)
            session.delete(row)
            self._touch(revision)
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="delete_section",
                change=audit_change(key=key, before={"heading": row.heading, "body": row.body}),
                scope=scope,
            )

    def put_situation(
        self,
        revision_id: int,
        data: PutSituation | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Written[SituationPicture]:
        """Replace the situation picture whole (shown as the actor may see it)."""
        command = coerce(PutSituation, data)
        with self._write() as session:
            revision, scope, programme_id = self._editable_revision(
                session, revision_id, expected_version, actor
            )
            _check_situation(command, self._programme(session, programme_id))
            existing = session.get(SituationRow, revision_id)
            if existing is not None:
                session.delete(existing)
                session.flush()
            row = revisions.situation_row(command)
            row.revision_id = revision_id
            session.add(row)
            self._touch(revision)
            session.flush()
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="put_situation",
                change=audit_change(command, replaced=existing is not None),
                scope=scope,
            )
            return Written(
                revision_id=revision_id,
                revision_version=revision.version,
                value=shown_situation(actor, revisions.situation(row), scope),
            )


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

"""A draft's activities: adding, reading, changing, moving and removing them.

Changes are the policy's `EDIT_DRAFT` on the revision's organisation, reads its
`READ_PLAN`. An activity has its own version (ETag); changing it also bumps the
revision's, under the revision's lock.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.storage import activities, queries
from planregistry.storage.paging import Keyset
from planregistry.storage.tables import ActivityRow
from planregistry.usecases.base import audit_change, changes_nothing, check_version
from planregistry.usecases.plans import PlanUseCases
from planregistry_domain.activity_details import Indicator, goal_errors, indicator_errors
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import CreateActivity, UpdateActivity
from planregistry_domain.errors import FieldError, ValidationError
from planregistry_domain.model import Activity
from planregistry_domain.paging import Page, utc_instant
from planregistry_domain.policy import Action
from planregistry_domain.programme import Programme
from planregistry_domain.validation import coerce

# Positions are renumbered on a move, so the id breaks any tie left by a gap or a race.
_ACTIVITIES = Keyset("activities", ActivityRow.position, ActivityRow.id)


class ActivityUseCases(PlanUseCases):
    def add_activity(
        self,
        revision_id: int,
        data: CreateActivity | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> Activity:
        command = coerce(CreateActivity, data)
        now = self.now()
        with self._write() as session:
            revision, scope, programme_id = self._editable_revision(
                session, revision_id, None, actor
            )
            _check_vocabulary(
                command.level,
                command.themes,
                self._programme(session, programme_id),
                goals=command.goals,
                indicators=command.indicators,
            )
            row = activities.new_row(
                command,
                revision_id=revision_id,
                key=_new_key(command.title),
                position=queries.next_position(session, ActivityRow, revision_id),
                version=1,
                updated_at=now,
            )
            session.add(row)
            self._touch(revision)
            session.flush()
            self._audit(
                session,
                actor,
                entity="activity",
                entity_id=row.id,
                action="create",
                change=audit_change(command, revision_id=revision_id, key=row.key),
                scope=scope,
            )
            return activities.activity(row)

    def get_activity(self, activity_id: int, *, actor: Actor = SYSTEM) -> Activity:
        with self._read() as session:
            return activities.activity(self._placed_activity(session, activity_id, actor).row)

    def list_activities(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Page[Activity]:
        """A revision's activities in the plan's order."""
        since = utc_instant(modified_since)
        stmt = queries.activity_aggregate().where(ActivityRow.revision_id == revision_id)
        if since is not None:
            stmt = stmt.where(ActivityRow.updated_at >= since)
        with self._read() as session:
            self._placed_revision(session, revision_id, actor)
            rows, next_cursor = _ACTIVITIES.fetch(
                session, stmt, key_of=lambda r: (r.position, r.id), limit=limit, cursor=cursor
            )
            return Page(items=[activities.activity(r) for r in rows], next_cursor=next_cursor)

    def update_activity(
        self,
        activity_id: int,
        data: UpdateActivity | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Activity:
        command = coerce(UpdateActivity, data)
        with self._write() as session:
            row, (revision, scope, programme_id) = self._activity_to_change(
                session, activity_id, actor
            )
            check_version("Aktiviteten", activity_id, expected_version, row.version)
            before = activities.activity(row)
            if changes_nothing(command, before):
                return before
            level = row.level if command.level is UNSET else command.level
            themes = [t.theme for t in row.themes] if command.themes is UNSET else command.themes
            _check_vocabulary(
                level,
                themes,
                self._programme(session, programme_id),
                goals=[] if command.goals is UNSET else command.goals,
                indicators=[] if command.indicators is UNSET else command.indicators,
            )
            activities.apply(row, command)
            if command.position is not UNSET:
                _move_activity(session, row, command.position)
            row.version += 1
            row.updated_at = self.now()
            self._touch(revision)
            session.flush()
            changed = msgspec.to_builtins(command)
            self._audit(
                session,
                actor,
                entity="activity",
                entity_id=activity_id,
                action="update",
                change=audit_change(
                    command,
                    before={name: getattr(before, name) for name in changed},
                ),
                scope=scope,
            )
            return activities.activity(row)

    def delete_activity(
        self, activity_id: int, *, expected_version: int | None = None, actor: Actor = SYSTEM
    ) -> None:
        with self._write() as session:
            row, (revision, scope, _) = self._activity_to_change(session, activity_id, actor)
            check_version("Aktiviteten", activity_id, expected_version, row.version)
            before = activities.activity(row)
            session.delete(row)
            self._touch(revision)
            self._audit(
                session,
                actor,
                entity="activity",
                entity_id=activity_id,
                action="delete",
                change=audit_change(before=before),
                scope=scope,
            )

    def _placed_activity(
        self, session: Session, activity_id: int, actor: Actor, action: Action = Action.READ_PLAN
    ) -> queries.PlacedActivity:
        placed = queries.placed_activity(session, activity_id)
        self._authorize(actor, action, placed.scope, entity="Aktiviteten", key=activity_id)
        return placed

    def _activity_to_change(
        self, session: Session, activity_id: int, actor: Actor
    ) -> tuple[ActivityRow, queries.PlacedRevision]:
        """The activity and its draft revision, locked, once the actor may edit them.

        The activity is read before its revision is locked (the lock order every writer
        of a revision shares); on PostgreSQL a concurrent writer may have committed in
        between, so the version the caller's ETag is checked against is read again.
        """
        row = self._placed_activity(session, activity_id, actor, Action.EDIT_DRAFT).row
        placed = self._editable_revision(session, row.revision_id, None, actor)
        session.refresh(row, ["version"])
        return row, placed


def _move_activity(session: Session, row: ActivityRow, position: int) -> None:
    siblings = session.scalars(
        select(ActivityRow)
        .where(ActivityRow.revision_id == row.revision_id, ActivityRow.id != row.id)
        .order_by(ActivityRow.position)
    ).all()
    ordered = list(siblings)
    ordered.insert(min(position, len(ordered)), row)
    for index, sibling in enumerate(ordered):
        sibling.position = index


def _new_key(title: str) -> str:
    """A readable key that stays with the activity through every later revision."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:48].strip("-")
    return f"{slug or 'aktivitet'}-{secrets.token_hex(3)}"


def _check_vocabulary(
    level: str,
    themes: Iterable[str],
    programme: Programme,
    *,
    goals: Sequence[str],
    indicators: Sequence[Indicator],
) -> None:
    """Level, themes and goals are the programme's; indicators' keys are unique (only
    what a command sets is checked: stored values were checked when they were set)."""
    errors: list[FieldError] = [*goal_errors(goals, programme), *indicator_errors(indicators)]
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

"""Loading a plan's objects together with where they live, and asking the policy first.

Shared by the plan, content, activity, decision and review use cases. Each helper loads
its object with its `Scope` in the same statement and asks the policy before anything
else, so that a hidden object answers NotFound whatever else is wrong with the request.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from planregistry.storage import queries
from planregistry.storage.tables import RevisionRow
from planregistry.usecases.base import RegistryBase, check_version
from planregistry_domain import lifecycle
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound, PermissionDenied
from planregistry_domain.policy import Action, Scope, Verdict, judge_organization_plans
from planregistry_domain.vocabulary import RevisionStatus


class ScopedUseCases(RegistryBase):
    def _organization_scope(
        self, session: Session, org_id: str, actor: Actor, action: Action
    ) -> Scope:
        """An organisation's plans as a whole (list, create one), the policy asked first."""
        row = queries.get_organization(session, org_id)
        scope = queries.organization_scope(row)
        verdict = judge_organization_plans(actor, action, scope)
        if verdict is Verdict.HIDDEN:
            raise NotFound("Organisationen", org_id)
        if verdict is Verdict.FORBIDDEN:
            if actor.organization is not None and actor.organization != org_id:
                raise PermissionDenied(
                    f"Du ser organisationen {org_id!r} men inte dess planer: som samordnare "
                    f"arbetar du bara med planerna för {actor.organization!r}."
                )
            raise PermissionDenied(
                f"Rollen {actor.role.label.lower()} får inte utföra detta ({action.value})."
            )
        return scope

    def _placed_plan(
        self,
        session: Session,
        plan_id: int,
        actor: Actor,
        action: Action = Action.READ_PLAN,
        *,
        lock: bool = False,
    ) -> queries.PlacedPlan:
        placed = queries.placed_plan(session, plan_id, lock=lock)
        self._authorize(actor, action, placed.scope, entity="Planen", key=plan_id)
        return placed

    def _placed_revision(
        self,
        session: Session,
        revision_id: int,
        actor: Actor,
        action: Action = Action.READ_PLAN,
        *,
        lock: bool = False,
    ) -> queries.PlacedRevision:
        placed = queries.placed_revision(session, revision_id, lock=lock)
        self._authorize(actor, action, placed.scope, entity="Revisionen", key=revision_id)
        return placed

    def _editable_revision(
        self,
        session: Session,
        revision_id: int,
        expected_version: int | None,
        actor: Actor,
    ) -> queries.PlacedRevision:
        """The draft, locked, once the actor may edit it; else NotFound, PermissionDenied,
        ReadOnly or StaleVersion, in that order."""
        placed = self._placed_revision(session, revision_id, actor, Action.EDIT_DRAFT, lock=True)
        lifecycle.ensure_editable(RevisionStatus(placed.row.status))
        check_version("Revisionen", revision_id, expected_version, placed.row.version)
        return placed

    def _touch(self, row: RevisionRow) -> None:
        row.version += 1
        row.updated_at = self.now()

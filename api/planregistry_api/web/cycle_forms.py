"""What the cycle's pages (next revision, follow-up, committee decision) share: the
signed-in person, where a revision lives and what the person may do there, form values.

The policy is the library's (`judge`); asking it here only decides which controls a
page shows and refuses a post before its form is read. The write itself is checked
again by the library.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Request

from planregistry import Registry
from planregistry_api.web.forms import FormError, actor_of
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound, PermissionDenied
from planregistry_domain.model import Organization, Plan, Revision
from planregistry_domain.policy import Action, Scope, Verdict, judge


@dataclass
class Placed:
    """A revision as the person may see it, with its plan and organisation."""

    actor: Actor
    revision: Revision
    plan: Plan
    organisation: Organization

    @property
    def scope(self) -> Scope:
        return Scope(municipality=self.organisation.municipality, organization=self.organisation.id)

    def may(self, action: Action) -> bool:
        return judge(self.actor, action, self.scope) is Verdict.ALLOW

    def require(self, action: Action) -> None:
        """Refuse, as the library would, a person who may not do this here."""
        verdict = judge(self.actor, action, self.scope)
        if verdict is Verdict.HIDDEN:
            raise NotFound("Revisionen", self.revision.id)
        if verdict is Verdict.FORBIDDEN:
            raise PermissionDenied(
                f"Rollen {self.actor.role.label.lower()} får inte utföra detta ({action.value})."
            )


def placed(request: Request[Any, Any, Any], registry: Registry, revision_id: int) -> Placed:
    actor = actor_of(request)
    revision = registry.get_revision(revision_id, actor=actor)
    plan = registry.get_plan(revision.plan_id, actor=actor)
    organisation = registry.get_organization(plan.organization_id, actor=actor)
    return Placed(actor, revision, plan, organisation)


def date_field(value: str, field: str, label: str, errors: list[FormError]) -> dt.date | None:
    """A date typed as 2017-05-18; a missing or impossible one is an error beside it."""
    if not value:
        errors.append(FormError(field, f"Ange {label.lower()}."))
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(
            FormError(field, f"{label} måste vara ett riktigt datum, till exempel 2017-05-18.")
        )
        return None

"""`/organisationer/{id}/arbetsyta`: a coordinator's home for its organisation's plans.

For each plan: the revision in force, the draft in progress with what is still
missing (the library's completeness findings, each linked to the place in the editor
that fixes it), the deadline, and the follow-up the revision in force still owes. A
signed-in coordinator's `/` leads here. What the person may not do is not offered.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Slug
from planregistry_api.web.drafts import fix_link
from planregistry_api.web.forms import actor_of
from planregistry_api.web.kept_forms import waiting
from planregistry_api.web.pages import page
from planregistry_domain.actor import Actor
from planregistry_domain.errors import NotFound
from planregistry_domain.model import Plan
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import RevisionStatus


def workspace_path(org_id: str) -> str:
    return f"/organisationer/{org_id}/arbetsyta"


def _plan_state(registry: Registry, plan: Plan, actor: Actor) -> dict[str, Any]:
    deadline = registry.plan_deadline(plan.id, actor=actor)
    programme = registry.get_programme(plan.programme_id, actor=actor)
    in_force = (
        registry.get_revision(deadline.in_force.revision_id, actor=actor)
        if deadline.in_force
        else None
    )
    in_progress = (
        registry.get_revision(deadline.in_progress.revision_id, actor=actor)
        if deadline.in_progress
        else None
    )
    findings = []
    if in_progress is not None and in_progress.status is RevisionStatus.DRAFT:
        findings = [
            (f, fix_link(in_progress, f))
            for f in registry.completeness(in_progress.id, actor=actor)
        ]
    unreported = []
    if in_force is not None:
        # The rule the committee step applies: every activity of the revision being
        # replaced needs a follow-up reported.
        unreported = [
            a
            for a in in_force.activities
            if not registry.list_follow_ups(a.id, actor=actor, limit=1).items
        ]
    return {
        "plan": plan,
        "programme": programme,
        "deadline": deadline,
        "in_force": in_force,
        "in_progress": in_progress,
        "findings": findings,
        "unreported": unreported,
    }


class WorkspaceController(Controller):
    path = "/organisationer/{org_id:str}/arbetsyta"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_PLAN), sync_to_thread=True, name="web:workspace")
    def home(
        self, request: Request[Any, Any, Any], registry: RegistryDep, org_id: Slug
    ) -> Template:
        actor = actor_of(request)
        organisation = registry.get_organization(org_id, actor=actor)
        scope = Scope(municipality=organisation.municipality, organization=organisation.id)
        if judge(actor, Action.READ_PLAN, scope) is not Verdict.ALLOW:
            # Another organisation's workspace is not revealed, as its plans are not.
            raise NotFound("Arbetsytan", org_id)
        plans = [_plan_state(registry, p, actor) for p in registry.list_plans(org_id, actor=actor)]
        return page(
            request,
            "workspace/home.html",
            title=f"{organisation.name}: arbetsyta",
            organisation=organisation,
            plans=plans,
            may_edit=judge(actor, Action.EDIT_DRAFT, scope) is Verdict.ALLOW,
            may_decide=judge(actor, Action.RECORD_COMMITTEE_DECISION, scope) is Verdict.ALLOW,
            may_report=judge(actor, Action.REPORT_FOLLOW_UP, scope) is Verdict.ALLOW,
            kept=waiting(request, registry, actor),
        )

"""`/organisationer/{id}`: an organisation's plans and the timeline of its revisions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Slug
from planregistry_api.web.pages import page
from planregistry_api.web.session import session_of
from planregistry_domain.policy import Action


class OrganisationController(Controller):
    path = "/organisationer"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_ORGANIZATION), sync_to_thread=True, name="web:orgs")
    def index(self, request: Request[Any, Any, Any], registry: RegistryDep) -> Template:
        session = session_of(request)
        assert session is not None
        organisations = registry.list_organizations(actor=session.actor)
        return page(
            request,
            "organisations/index.html",
            title="Organisationer",
            organisations=list(organisations),
        )

    @get(
        "/{org_id:str}",
        opt=requires(Action.READ_ORGANIZATION, Action.READ_PLAN),
        sync_to_thread=True,
        name="web:org",
    )
    def show(
        self, request: Request[Any, Any, Any], registry: RegistryDep, org_id: Slug
    ) -> Template:
        session = session_of(request)
        assert session is not None
        actor = session.actor
        organisation = registry.get_organization(org_id, actor=actor)
        plans = []
        for plan in registry.list_plans(org_id, actor=actor):
            programme = registry.get_programme(plan.programme_id, actor=actor)
            deadline = registry.plan_deadline(plan.id, actor=actor)
            revisions = []
            previous = None
            for summary in plan.revisions:
                decisions = list(registry.list_decisions(summary.id, actor=actor, limit=500))
                revisions.append({"summary": summary, "decisions": decisions, "previous": previous})
                previous = summary
            revisions.reverse()  # newest first
            plans.append(
                {"plan": plan, "programme": programme, "deadline": deadline, "revisions": revisions}
            )
        successor = (
            registry.get_organization(organisation.successor, actor=actor)
            if organisation.successor
            else None
        )
        return page(
            request,
            "organisations/show.html",
            title=organisation.name,
            organisation=organisation,
            successor_name=successor.name if successor else None,
            plans=plans,
        )

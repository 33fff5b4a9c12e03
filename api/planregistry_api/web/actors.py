"""`/aktorer`: the actors register, and the names plans write that match no actor.

Every role of the municipality reads it; the central role maps an unmatched name to an
actor (it becomes an alias) or adds it as a new actor. Either way the plans keep their
text and every comparison groups the name under the actor at once.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.web.forms import FormError, actor_of, text
from planregistry_api.web.pages import page
from planregistry_domain.errors import Conflict, NotFound, ValidationError
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import ActorKind

KINDS = [(k.value, k.label) for k in ActorKind]
NOTICES = {
    "koppling": "Namnet är kopplat till aktören. Jämförelserna räknar det nu som aktören.",
    "aktor": "Aktören är tillagd i registret.",
}


def _register_page(
    request: Request[Any, Any, Any],
    registry: Registry,
    *,
    status_code: int = 200,
    errors: list[FormError] | None = None,
    form: dict[str, str] | None = None,
    notice: str | None = None,
) -> Template:
    actor = actor_of(request)
    municipality = actor.municipality or ""
    actors = registry.list_plan_actors(municipality, actor=actor)
    unmatched = registry.unmatched_actor_names(municipality, actor=actor)
    manages = judge(actor, Action.MANAGE_ORGANIZATION, Scope(municipality=municipality))
    return page(
        request,
        "actors/index.html",
        status_code=status_code,
        title="Aktörer",
        actors=actors,
        unmatched=[(f"namn-{i}", entry) for i, entry in enumerate(unmatched, start=1)],
        kinds=KINDS,
        manages=manages is Verdict.ALLOW,
        errors=errors or [],
        form={"namn": "", "falt": "", "aktor": "", "typ": "", **(form or {})},
        notice=notice,
    )


class ActorPagesController(Controller):
    path = "/aktorer"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_ORGANIZATION), sync_to_thread=True, name="web:actors")
    def index(
        self, request: Request[Any, Any, Any], registry: RegistryDep, sparat: str | None = None
    ) -> Template:
        return _register_page(request, registry, notice=NOTICES.get(sparat or ""))

    @post("/koppla", opt=requires(Action.MANAGE_ORGANIZATION), name="web:actors-map")
    async def map_name(
        self, request: Request[Any, Any, Any], registry: RegistryDep
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._map, request, registry, form)

    @post("/ny", opt=requires(Action.MANAGE_ORGANIZATION), name="web:actors-add")
    async def add_actor(
        self, request: Request[Any, Any, Any], registry: RegistryDep
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._add, request, registry, form)

    @staticmethod
    def _map(request: Request[Any, Any, Any], registry: Registry, form: Any) -> Template | Redirect:
        actor = actor_of(request)
        name, field, chosen = text(form, "namn"), text(form, "falt"), text(form, "aktor")
        values = {"namn": name, "falt": field, "aktor": chosen}
        field_id = f"{field}-aktor" if field else None
        if not chosen.isdigit():
            error = FormError(field_id, f"Välj vilken aktör ”{name}” betyder.")
            return _register_page(request, registry, status_code=400, errors=[error], form=values)
        try:
            registry.map_actor_name(int(chosen), {"name": name}, actor=actor)
        except (Conflict, ValidationError, NotFound) as exc:
            error = FormError(field_id, str(exc))
            return _register_page(request, registry, status_code=400, errors=[error], form=values)
        return _saved("koppling")

    @staticmethod
    def _add(request: Request[Any, Any, Any], registry: Registry, form: Any) -> Template | Redirect:
        actor = actor_of(request)
        name, field, kind = text(form, "namn"), text(form, "falt"), text(form, "typ")
        values = {"namn": name, "falt": field, "typ": kind}
        field_id = f"{field}-typ" if field else "ny-typ"
        errors: list[FormError] = []
        if not name:
            errors.append(FormError("ny-namn", "Skriv aktörens namn."))
        if kind not in {k for k, _label in KINDS}:
            errors.append(FormError(field_id, "Välj vilken typ av aktör det är."))
        if not errors:
            try:
                registry.create_plan_actor(
                    actor.municipality or "", {"kind": kind, "name": name}, actor=actor
                )
            except (Conflict, ValidationError) as exc:
                errors.append(FormError(field_id if field else "ny-namn", str(exc)))
            else:
                return _saved("aktor")
        return _register_page(request, registry, status_code=400, errors=errors, form=values)


def _saved(what: str) -> Redirect:
    return Redirect(f"/aktorer?sparat={what}", status_code=303)

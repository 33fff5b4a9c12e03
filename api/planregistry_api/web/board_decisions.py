"""`/kommunstyrelsen/beslut`: record kommunstyrelsen's decision on a whole round of plans.

One form: the matter's date, case number and minutes paragraph once, and for every plan
awaiting the board its outcome (or "not part of this decision") and its conditions, one
per line. Each plan's row carries the revision's version as the page showed it, so a
plan changed meanwhile refuses the whole decision; nothing is recorded unless every
covered plan can take its outcome (`Registry.record_board_decision`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id
from planregistry_api.web.forms import FormError, actor_of, number, text
from planregistry_api.web.pages import page
from planregistry_api.web.revisions import BOARD_OUTCOMES
from planregistry_domain.errors import IllegalTransition, StaleVersion, ValidationError
from planregistry_domain.policy import Action
from planregistry_domain.vocabulary import RevisionStatus

NOT_INCLUDED = ("", "Ingår inte i beslutet")
_ITEM_PATH = re.compile(r"^\$\.items\[(\d+)\]\.(\w+)")


@dataclass
class Candidate:
    """A plan awaiting the board, as one row of the form."""

    revision_id: int
    organization_name: str
    number: int
    version: int
    review: str | None


def _candidates(registry: Registry, request: Request[Any, Any, Any]) -> list[Candidate]:
    actor = actor_of(request)
    board = registry.status_board(actor=actor)
    found = []
    for row in sorted(board.rows, key=lambda r: r.organization_name.casefold()):
        if row.in_progress is None or row.in_progress.status is not RevisionStatus.AWAITING_BOARD:
            continue
        revision = registry.get_revision(row.in_progress.revision_id, actor=actor)
        found.append(
            Candidate(
                revision_id=revision.id,
                organization_name=row.organization_name,
                number=revision.number,
                version=revision.version,
                review=row.review_outcome.label if row.review_outcome else None,
            )
        )
    return found


def _form_page(
    request: Request[Any, Any, Any],
    registry: Registry,
    *,
    status_code: int = 200,
    values: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
) -> Template:
    return page(
        request,
        "board_decisions/new.html",
        status_code=status_code,
        title="Registrera kommunstyrelsens beslut",
        candidates=_candidates(registry, request),
        outcomes=[NOT_INCLUDED, *BOARD_OUTCOMES],
        values=values or {},
        errors=errors or [],
    )


class BoardDecisionPages(Controller):
    path = "/kommunstyrelsen/beslut"
    include_in_schema = False

    @get("/", opt=requires(Action.RECORD_BOARD_DECISION), sync_to_thread=True, name="web:ks-new")
    def new(self, request: Request[Any, Any, Any], registry: RegistryDep) -> Template:
        return _form_page(request, registry)

    @get(
        "/{board_decision_id:int}",
        opt=requires(Action.READ_PLAN),
        sync_to_thread=True,
        name="web:ks-show",
    )
    def show(
        self, request: Request[Any, Any, Any], registry: RegistryDep, board_decision_id: Id
    ) -> Template:
        actor = actor_of(request)
        decision = registry.get_board_decision(board_decision_id, actor=actor)
        names = {o.id: o.name for o in registry.list_organizations(actor=actor).items}
        return page(
            request,
            "board_decisions/show.html",
            title=f"Kommunstyrelsens beslut {decision.case_number}",
            decision=decision,
            names=names,
            saved=request.query_params.get("sparat") == "ja",
        )

    @post("/", opt=requires(Action.RECORD_BOARD_DECISION), name="web:ks-record")
    async def record(
        self, request: Request[Any, Any, Any], registry: RegistryDep
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(_record, request, registry, form)


def _record(request: Request[Any, Any, Any], registry: Registry, form: Any) -> Template | Redirect:
    actor = actor_of(request)
    values = {key: text(form, key) for key in form}
    errors: list[FormError] = []
    decided_on: dt.date | None = None
    try:
        decided_on = dt.date.fromisoformat(values.get("beslutsdatum", ""))
    except ValueError:
        errors.append(
            FormError(
                "beslutsdatum", "Ange beslutsdatum som ett riktigt datum, till exempel 2017-09-13."
            )
        )
    if not values.get("diarienummer"):
        errors.append(FormError("diarienummer", "Ange ärendets diarienummer."))
    items: list[dict[str, Any]] = []
    versions: dict[int, int | None] = {}
    allowed = {v for v, _l in BOARD_OUTCOMES}
    for key in sorted(values):
        if not key.startswith("utfall-"):
            continue
        outcome = values[key]
        rid = int(key.removeprefix("utfall-")) if key.removeprefix("utfall-").isdigit() else None
        if rid is None or not outcome:
            continue
        if outcome not in allowed:
            errors.append(FormError(key, "Välj ett av kommunstyrelsens beslut."))
            continue
        conditions = [
            line.strip() for line in values.get(f"villkor-{rid}", "").splitlines() if line.strip()
        ]
        items.append({"revision_id": rid, "outcome": outcome, "conditions": conditions})
        versions[rid] = number(form, f"version-{rid}")
    if not items and not errors:
        errors.append(FormError(None, "Välj beslut för minst en plan."))
    if errors:
        return _form_page(request, registry, status_code=400, values=values, errors=errors)
    command = {
        "decided_on": decided_on,
        "case_number": values["diarienummer"],
        "minutes_ref": values.get("paragraf") or None,
        "items": items,
    }
    try:
        recorded = registry.record_board_decision(command, expected_versions=versions, actor=actor)
    except StaleVersion as exc:
        # No link to the plan's field: a plan that changed may have left the round.
        errors = [
            FormError(
                None,
                f"Planen (revision {exc.key}) har ändrats sedan du öppnade sidan; inget är "
                "registrerat. Kontrollera planerna och skicka formuläret igen.",
            )
        ]
    except IllegalTransition as exc:
        errors = [FormError(None, f"{exc} Inget är registrerat.")]
    except ValidationError as exc:
        errors = _placed(exc, items)
    else:
        return Redirect(
            f"/kommunstyrelsen/beslut/{recorded.board_decision.id}?sparat=ja", status_code=303
        )
    return _form_page(request, registry, status_code=409, values=values, errors=errors)


def _placed(exc: ValidationError, items: list[dict[str, Any]]) -> list[FormError]:
    """The library's errors beside the plan's field they are about."""
    placed = []
    for error in exc.errors:
        match = _ITEM_PATH.match(error.path)
        if match and int(match.group(1)) < len(items):
            rid = items[int(match.group(1))]["revision_id"]
            name = "villkor" if match.group(2) == "conditions" else "utfall"
            placed.append(FormError(f"{name}-{rid}", error.message))
        else:
            placed.append(FormError(None, error.message))
    return placed or [FormError(None, str(exc))]

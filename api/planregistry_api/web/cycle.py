"""The yearly cycle's decisions: starting next year's revision and recording the
committee's (nämndens) decision.

`/revisioner/{id}/ny-version` starts a draft from the approved revision (the library's
`create_revision` copies the plan's approved one); `/revisioner/{id}/namndbeslut`
records the committee's decision, which moves the revision along the chain as
`planregistry_domain.lifecycle` says. Each form carries the revision's version as the
page showed it; a write against an older one (`StaleVersion`) shows what changed since
and keeps what was typed.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id
from planregistry_api.web.chain import previous_conditions
from planregistry_api.web.cycle_forms import Placed, date_field, placed
from planregistry_api.web.forms import FormError, number, text
from planregistry_api.web.kept_forms import KEPT_COOKIE, KeepExpiredForms, restore
from planregistry_api.web.pages import page
from planregistry_domain.errors import (
    Conflict,
    IllegalTransition,
    StaleVersion,
    ValidationError,
)
from planregistry_domain.lifecycle import OPEN_STATUSES
from planregistry_domain.policy import Action
from planregistry_domain.vocabulary import DecisionBody, DecisionOutcome, RevisionStatus

S = RevisionStatus
COMMITTEE_OUTCOMES = {
    S.DRAFT: [
        DecisionOutcome.APPROVED,
        DecisionOutcome.RETURNED,
        DecisionOutcome.REJECTED,
        DecisionOutcome.WITHDRAWN,
    ],
    S.AWAITING_BOARD: [DecisionOutcome.WITHDRAWN],
}
OUTCOME_TEXT = {
    DecisionOutcome.APPROVED: "Godkänd – skickas till kommunstyrelsen",
    DecisionOutcome.RETURNED: "Återremitterad – tillbaka till utkast",
    DecisionOutcome.REJECTED: "Avslagen",
    DecisionOutcome.WITHDRAWN: "Återkallad",
}
# The library's command field → the form field it is about.
DECISION_FIELDS = {
    "outcome": "utfall",
    "decided_on": "beslutsdatum",
    "case_number": "diarienummer",
    "minutes_ref": "paragraf",
}
MAX_LABEL = 200


def _library_errors(exc: ValidationError) -> list[FormError]:
    placed_errors = [
        FormError(
            DECISION_FIELDS.get(error.path.removeprefix("$.").split(".")[0]), str(error.message)
        )
        for error in exc.errors
    ]
    if placed_errors:
        return placed_errors
    message = str(exc)
    return [FormError("beslutsdatum" if "Beslutsdatum" in message else None, message)]


# --- Next year's revision ----------------------------------------------------------


def _next_label(label: str, year: int, next_year: int) -> str:
    """The label with next year for this year (… 2017 → … 2018), or with it added."""
    if str(year) in label:
        return label.replace(str(year), str(next_year))
    return f"{label} {next_year}"[:MAX_LABEL]


def _refusal(where: Placed) -> str | None:
    """Why next year's revision cannot be started from this one, or None."""
    revision = where.revision
    if revision.status is not S.APPROVED:
        return (
            "Nästa års revision startas från den gällande (godkända) versionen. "
            f"Den här versionen har status {revision.status.label.lower()}."
        )
    if any(r.status in OPEN_STATUSES for r in where.plan.revisions):
        return "Planen har redan en pågående revision; en plan har högst ett utkast åt gången."
    return None


def _new_revision_page(
    request: Request[Any, Any, Any],
    where: Placed,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
    stale: bool = False,
    restored: bool = False,
) -> Template:
    revision = where.revision
    next_year = revision.cycle_year + 1
    values = form or {
        "namn": _next_label(revision.label, revision.cycle_year, next_year),
        "cykelar": str(next_year),
    }
    open_revision = next((r for r in where.plan.revisions if r.status in OPEN_STATUSES), None)
    return page(
        request,
        "cycle/new_revision.html",
        status_code=status_code,
        title=f"Starta nästa års revision – {where.organisation.name}",
        revision=revision,
        organisation=where.organisation,
        refusal=_refusal(where),
        open_revision=open_revision,
        form=values,
        errors=errors or [],
        stale=stale,
        restored=restored,
    )


# --- The committee's decision ------------------------------------------------------


def _decision_values(form: Any) -> dict[str, str]:
    return {
        name: text(form, name) for name in ("utfall", "beslutsdatum", "paragraf", "diarienummer")
    }


def _decision_page(
    request: Request[Any, Any, Any],
    registry: Registry,
    where: Placed,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: list[FormError] | None = None,
    stale: dict[str, Any] | None = None,
    restored: bool = False,
) -> Template:
    revision = where.revision
    outcomes = COMMITTEE_OUTCOMES.get(revision.status, [])
    return page(
        request,
        "cycle/committee_decision.html",
        status_code=status_code,
        title=f"Nämndens beslut – {where.organisation.name}, version {revision.number}",
        revision=revision,
        organisation=where.organisation,
        outcomes=[(o.value, OUTCOME_TEXT[o]) for o in outcomes],
        form=form or {},
        errors=errors or [],
        stale=stale,
        restored=restored,
        may_report=where.may(Action.REPORT_FOLLOW_UP),
        previous_conditions=previous_conditions(registry, revision, where.actor),
    )


def _restored(response: Template) -> Template:
    """The page showing a kept form: the form is taken, so the cookie goes too."""
    response.delete_cookie(KEPT_COOKIE, path="/")
    return response


class CycleController(Controller):
    path = "/revisioner/{revision_id:int}"
    include_in_schema = False
    middleware = (KeepExpiredForms(),)

    @get(
        "/ny-version", opt=requires(Action.EDIT_DRAFT), sync_to_thread=True, name="web:new-revision"
    )
    def new_revision_form(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        where = placed(request, registry, revision_id)
        where.require(Action.EDIT_DRAFT)
        kept = restore(request, registry, where.actor)
        if kept is None:
            return _new_revision_page(request, where)
        values = {"namn": text(kept, "namn"), "cykelar": text(kept, "cykelar")}
        stale = number(kept, "version") != where.revision.version
        return _restored(
            _new_revision_page(request, where, form=values, stale=stale, restored=True)
        )

    @post("/ny-version", opt=requires(Action.EDIT_DRAFT), name="web:start-new-revision")
    async def start_new_revision(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._start, request, registry, revision_id, form)

    @staticmethod
    def _start(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, form: Any
    ) -> Template | Redirect:
        where = placed(request, registry, revision_id)
        where.require(Action.EDIT_DRAFT)
        values = {"namn": text(form, "namn"), "cykelar": text(form, "cykelar")}
        revision = where.revision
        if number(form, "version") != revision.version:
            return _new_revision_page(request, where, status_code=409, form=values, stale=True)
        refusal = _refusal(where)
        if refusal is not None:
            return _new_revision_page(
                request, where, status_code=409, form=values, errors=[FormError(None, refusal)]
            )
        errors: list[FormError] = []
        if not values["namn"]:
            errors.append(FormError("namn", "Ange den nya versionens namn."))
        elif len(values["namn"]) > MAX_LABEL:
            errors.append(FormError("namn", f"Namnet får vara högst {MAX_LABEL} tecken."))
        year = number(form, "cykelar")
        if not re.fullmatch(r"\d{4}", values["cykelar"]) or year is None:
            errors.append(
                FormError("cykelar", "Ange cykelåret med fyra siffror, till exempel 2027.")
            )
        elif year <= revision.cycle_year:
            errors.append(
                FormError(
                    "cykelar",
                    "Cykelåret måste vara senare än den godkända versionens "
                    f"({revision.cycle_year}).",
                )
            )
        if errors:
            return _new_revision_page(request, where, status_code=400, form=values, errors=errors)
        try:
            created = registry.create_revision(
                where.plan.id,
                {"label": values["namn"], "cycle_year": year},
                actor=where.actor,
            )
        except Conflict as exc:
            # Someone started one in between: the page now links to it.
            where = placed(request, registry, revision_id)
            return _new_revision_page(
                request, where, status_code=409, form=values, errors=[FormError(None, str(exc))]
            )
        except ValidationError as exc:
            fields = {"label": "namn", "cycle_year": "cykelar"}
            errors = [
                FormError(fields.get(e.path.removeprefix("$.")), str(e.message)) for e in exc.errors
            ] or [FormError("cykelar", str(exc))]
            return _new_revision_page(request, where, status_code=400, form=values, errors=errors)
        return Redirect(f"/revisioner/{created.id}?sparat=ny-version#kedja", status_code=303)

    @get(
        "/namndbeslut",
        opt=requires(Action.RECORD_COMMITTEE_DECISION),
        sync_to_thread=True,
        name="web:committee-decision-form",
    )
    def committee_decision_form(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        where = placed(request, registry, revision_id)
        where.require(Action.RECORD_COMMITTEE_DECISION)
        kept = restore(request, registry, where.actor)
        if kept is None:
            return _decision_page(request, registry, where)
        stale = None
        if number(kept, "version") != where.revision.version:
            seen = number(kept, "beslut_sedda") or 0
            stale = {
                "seen_status": text(kept, "status"),
                "new_decisions": where.revision.decisions[seen:],
            }
        return _restored(
            _decision_page(
                request, registry, where, form=_decision_values(kept), stale=stale, restored=True
            )
        )

    @post(
        "/namndbeslut",
        opt=requires(Action.RECORD_COMMITTEE_DECISION),
        name="web:committee-decision",
    )
    async def record_committee_decision(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._decide, request, registry, revision_id, form)

    @staticmethod
    def _decide(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, form: Any
    ) -> Template | Redirect:
        where = placed(request, registry, revision_id)
        where.require(Action.RECORD_COMMITTEE_DECISION)
        values = _decision_values(form)
        errors: list[FormError] = []
        if values["utfall"] not in {o.value for o in DecisionOutcome}:
            errors.append(FormError("utfall", "Välj nämndens beslut."))
        decided_on = date_field(values["beslutsdatum"], "beslutsdatum", "Beslutsdatum", errors)
        if errors:
            return _decision_page(
                request, registry, where, status_code=400, form=values, errors=errors
            )
        command = {
            "body": DecisionBody.COMMITTEE.value,
            "outcome": values["utfall"],
            "decided_on": decided_on,
            "case_number": values["diarienummer"] or None,
            "minutes_ref": values["paragraf"] or None,
        }
        try:
            registry.record_decision(
                revision_id,
                command,
                # No version: based on nothing, so stale rather than unchecked.
                expected_version=number(form, "version") or 0,
                actor=where.actor,
            )
        except StaleVersion:
            seen = number(form, "beslut_sedda") or 0
            return _decision_page(
                request,
                registry,
                where,
                status_code=409,
                form=values,
                stale={
                    "seen_status": text(form, "status"),
                    "new_decisions": where.revision.decisions[seen:],
                },
            )
        except IllegalTransition as exc:
            message = str(exc)
            if "conditions_response" in message:
                message = (
                    "Nämnden kan inte godkänna versionen förrän kommunstyrelsens villkor för "
                    "den föregående planen är besvarade i utkastet."
                )
            return _decision_page(
                request,
                registry,
                where,
                status_code=409,
                form=values,
                errors=[FormError(None, message)],
            )
        except ValidationError as exc:
            return _decision_page(
                request, registry, where, status_code=400, form=values, errors=_library_errors(exc)
            )
        return Redirect(f"/revisioner/{revision_id}?sparat=namndbeslut#kedja", status_code=303)

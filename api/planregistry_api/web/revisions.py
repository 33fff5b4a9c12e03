"""`/revisioner/{id}`: a revision laid out like the plan document, and the centre's actions.

The page follows the plan people know: sections in order, the situation picture, the
activity tables grouped by level (title, responsible, partners, follow-up method), the
follow-up per period, decisions, reviews and the completeness findings.

The central role records its review and the city executive board's decision here.
Each form carries the revision's version as the page showed it; the library refuses a
write against an older one (`StaleVersion`), and the page then shows what changed
since and keeps what was typed, so the person decides whether to save anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id
from planregistry_api.web.chain import previous_conditions, revision_chain
from planregistry_api.web.documents import document_download, document_rows
from planregistry_api.web.forms import FormError, actor_of, number, text
from planregistry_api.web.pages import QueryId, page
from planregistry_domain.errors import IllegalTransition, StaleVersion, ValidationError
from planregistry_domain.policy import Action, Scope, Verdict, judge
from planregistry_domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    FollowUpStatus,
    ReviewOutcome,
    RevisionStatus,
)

BOARD_OUTCOMES = [
    (o.value, o.label)
    for o in (
        DecisionOutcome.APPROVED,
        DecisionOutcome.APPROVED_WITH_CONDITIONS,
        DecisionOutcome.RETURNED,
        DecisionOutcome.REJECTED,
    )
]
# Form field id → the command field the library names in its errors.
DECISION_FIELDS = {
    "outcome": "utfall",
    "decided_on": "beslutsdatum",
    "case_number": "diarienummer",
    "minutes_ref": "paragraf",
    "conditions": "villkor",
}
NOTICES = {
    "beslut": "Kommunstyrelsens beslut är registrerat.",
    "granskning": "Granskningen är sparad.",
    "namndbeslut": "Nämndens beslut är registrerat.",
    "ny-version": "Nästa års revision är startad som ett utkast, med innehållet från den godkända.",
}


def _library_errors(exc: ValidationError) -> list[FormError]:
    """The library's validation errors placed beside the field they are about."""
    placed = []
    for error in exc.errors:
        name = error.path.removeprefix("$.").split(".")[0].split("[")[0]
        placed.append(FormError(DECISION_FIELDS.get(name), str(error.message)))
    if placed:
        return placed
    text = str(exc)
    # A rule of the lifecycle names no field; its wording does.
    field = "villkor" if "villkor" in text else "beslutsdatum" if "Beslutsdatum" in text else None
    return [FormError(field, text)]


def revision_page(
    request: Request[Any, Any, Any],
    registry: Registry,
    revision_id: int,
    *,
    status_code: int = 200,
    decision_form: dict[str, Any] | None = None,
    review_form: dict[str, Any] | None = None,
    errors: list[FormError] | None = None,
    stale: dict[str, Any] | None = None,
) -> Template:
    actor = actor_of(request)
    revision = registry.get_revision(revision_id, actor=actor)
    plan = registry.get_plan(revision.plan_id, actor=actor)
    organisation = registry.get_organization(plan.organization_id, actor=actor)
    programme = registry.get_programme(plan.programme_id, actor=actor)
    findings = registry.completeness(revision_id, actor=actor)
    reviews = list(registry.list_reviews(revision_id, actor=actor))
    documents = document_rows(registry.list_documents(revision_id, actor=actor), revision)
    follow_ups = {
        activity.id: list(registry.list_follow_ups(activity.id, actor=actor))
        for activity in revision.activities
    }
    periods = sorted({f.period for reports in follow_ups.values() for f in reports})
    by_period = [
        (
            period,
            [
                (
                    activity,
                    next(
                        (f for f in reversed(follow_ups[activity.id]) if f.period == period), None
                    ),
                )
                for activity in revision.activities
            ],
        )
        for period in periods
    ]
    levels = [
        (term, [a for a in revision.activities if a.level == term.key]) for term in programme.levels
    ]
    known_levels = {t.key for t in programme.levels}
    other = [a for a in revision.activities if a.level not in known_levels]
    scope = Scope(municipality=organisation.municipality, organization=organisation.id)
    may_review = judge(actor, Action.REVIEW, scope) is Verdict.ALLOW
    may_decide = judge(actor, Action.RECORD_BOARD_DECISION, scope) is Verdict.ALLOW
    notice = NOTICES.get(request.query_params.get("sparat", ""))
    return page(
        request,
        "revisions/show.html",
        status_code=status_code,
        title=f"{organisation.name}: version {revision.number}",
        revision=revision,
        plan=plan,
        organisation=organisation,
        programme=programme,
        levels=levels,
        other_activities=other,
        themes={t.key: t.label for t in programme.themes},
        questions={q.key: q.text for q in programme.survey_questions},
        environments={t.key: t.label for t in programme.police_environments},
        findings=findings,
        reviews=reviews,
        documents=documents,
        by_period=by_period,
        statuses=FollowUpStatus,
        may_review=may_review,
        may_decide=may_decide and revision.status is RevisionStatus.AWAITING_BOARD,
        may_decide_later=may_decide and revision.status is RevisionStatus.DRAFT,
        outcomes=BOARD_OUTCOMES,
        review_outcomes=[(o.value, o.label) for o in ReviewOutcome],
        conditions=registry.conditions_to_answer(revision_id, actor=actor),
        decision_form=decision_form or {},
        review_form=review_form or {},
        errors=errors or [],
        stale=stale,
        notice=notice,
        seen_decisions=len(revision.decisions),
        chain=revision_chain(
            revision, plan, reviews, actor, scope, previous_conditions(registry, revision, actor)
        ),
    )


class RevisionController(Controller):
    path = "/revisioner/{revision_id:int}"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_PLAN), sync_to_thread=True, name="web:revision")
    def show(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template:
        return revision_page(request, registry, revision_id)

    @get(
        "/dokument/{document_id:int}",
        opt=requires(Action.READ_PLAN),
        sync_to_thread=True,
        name="web:document",
    )
    def document(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        document_id: Id,
    ) -> Response[bytes]:
        """The document under its original name; one of another revision is not here."""
        return document_download(registry, actor_of(request), revision_id, document_id)

    @get("/andringar", opt=requires(Action.READ_PLAN), sync_to_thread=True, name="web:diff")
    def changes(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        mot: QueryId = None,
    ) -> Template:
        actor = actor_of(request)
        revision = registry.get_revision(revision_id, actor=actor)
        plan = registry.get_plan(revision.plan_id, actor=actor)
        organisation = registry.get_organization(plan.organization_id, actor=actor)
        others = [r for r in plan.revisions if r.id != revision_id]
        diff = registry.diff_revisions(mot, revision_id, actor=actor) if mot else None
        against = next((r for r in others if r.id == mot), None)
        return page(
            request,
            "revisions/diff.html",
            title=f"{organisation.name}: ändringar i version {revision.number}",
            revision=revision,
            organisation=organisation,
            others=others,
            diff=diff,
            against=against,
        )

    @post(
        "/beslut",
        opt=requires(Action.RECORD_BOARD_DECISION),
        name="web:board-decision",
    )
    async def record_board_decision(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._board_decision, request, registry, revision_id, form)

    @staticmethod
    def _board_decision(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, form: Any
    ) -> Template | Redirect:
        actor = actor_of(request)
        values = {
            name: text(form, name)
            for name in ("utfall", "beslutsdatum", "diarienummer", "paragraf", "villkor")
        }
        version = number(form, "version")
        errors: list[FormError] = []
        if values["utfall"] not in {v for v, _l in BOARD_OUTCOMES}:
            errors.append(FormError("utfall", "Välj kommunstyrelsens beslut."))
        decided_on: dt.date | None = None
        if not values["beslutsdatum"]:
            errors.append(FormError("beslutsdatum", "Ange beslutsdatum."))
        else:
            try:
                decided_on = dt.date.fromisoformat(values["beslutsdatum"])
            except ValueError:
                errors.append(
                    FormError(
                        "beslutsdatum",
                        "Beslutsdatum måste vara ett riktigt datum, till exempel 2017-05-18.",
                    )
                )
        if errors:
            return revision_page(
                request, registry, revision_id, status_code=400, decision_form=values, errors=errors
            )
        command = {
            "body": DecisionBody.CITY_EXECUTIVE_BOARD.value,
            "outcome": values["utfall"],
            "decided_on": decided_on,
            "case_number": values["diarienummer"] or None,
            "minutes_ref": values["paragraf"] or None,
            "conditions": values["villkor"] or None,
        }
        try:
            registry.record_decision(revision_id, command, expected_version=version, actor=actor)
        except StaleVersion:
            return revision_page(
                request,
                registry,
                revision_id,
                status_code=409,
                decision_form=values,
                stale={
                    "seen_status": text(form, "status"),
                    "seen_decisions": number(form, "beslut_sedda") or 0,
                },
            )
        except IllegalTransition as exc:
            return revision_page(
                request,
                registry,
                revision_id,
                status_code=409,
                decision_form=values,
                errors=[FormError(None, str(exc))],
            )
        except ValidationError as exc:
            return revision_page(
                request,
                registry,
                revision_id,
                status_code=400,
                decision_form=values,
                errors=_library_errors(exc),
            )
        return Redirect(f"/revisioner/{revision_id}?sparat=beslut#beslut", status_code=303)

    @post("/granskning", opt=requires(Action.REVIEW), name="web:review")
    async def review(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._review, request, registry, revision_id, form)

    @staticmethod
    def _review(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, form: Any
    ) -> Template | Redirect:
        actor = actor_of(request)
        values = {
            name: text(form, name)
            for name in ("aterkoppling", "granskningsutfall", "begaran", "expertorgan")
        }
        feedback = values["aterkoppling"]
        outcome = values["granskningsutfall"] or ReviewOutcome.COMMENTS.value
        errors: list[FormError] = []
        if outcome not in {o.value for o in ReviewOutcome}:
            errors.append(FormError("granskningsutfall", "Välj granskningens utfall."))
        if not feedback:
            errors.append(FormError("aterkoppling", "Skriv granskningens återkoppling."))
        if not errors:
            review = {
                "feedback": feedback,
                "outcome": outcome,
                "requests": [r.strip() for r in values["begaran"].splitlines() if r.strip()],
                "expert_body": values["expertorgan"] or None,
            }
            try:
                registry.add_review(revision_id, review, actor=actor)
            except ValidationError as exc:
                errors.append(FormError("aterkoppling", str(exc)))
        if errors:
            return revision_page(
                request,
                registry,
                revision_id,
                status_code=400,
                review_form=values,
                errors=errors,
            )
        return Redirect(
            f"/revisioner/{revision_id}?sparat=granskning#granskningar", status_code=303
        )

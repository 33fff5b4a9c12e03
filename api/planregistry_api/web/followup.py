"""`/revisioner/{id}/uppfoljning`: the follow-up of every activity, one table per period.

Each period is its own form: a status and a comment per activity, saved at once
(`Registry.report_period`: every report or none). The form carries the period's
version as the page showed it; when someone else reported the period since, the save
is refused, the page lists what they reported and keeps what this person typed.
Reports are never changed, only added: the table shows the latest one per activity
and who made it, and an activity left as it was is not reported again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from litestar import Controller, Request, get, post
from litestar.concurrency import sync_to_thread
from litestar.response import Redirect, Template

from planregistry import Registry
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import Id
from planregistry_api.web.cycle_forms import Placed, placed
from planregistry_api.web.forms import FormError, number, text
from planregistry_api.web.kept_forms import KEPT_COOKIE, KeepExpiredForms, restore
from planregistry_api.web.pages import Query, page
from planregistry_domain.errors import IllegalTransition, StaleVersion, ValidationError
from planregistry_domain.model import Activity, FollowUp
from planregistry_domain.policy import Action
from planregistry_domain.vocabulary import FollowUpStatus, RevisionStatus

PERIOD = re.compile(r"^(\d{4})-(T1|T2|VB)$")
PARTS = {"T1": "tertialrapport 1", "T2": "tertialrapport 2", "VB": "verksamhetsberättelse"}
MAX_COMMENT = 10_000


@dataclass
class Row:
    activity: Activity
    latest: FollowUp | None
    earlier: list[FollowUp]  # the period's reports before the latest, newest first
    status_field: str
    comment_field: str
    status: str
    comment: str


@dataclass
class Period:
    key: str
    label: str
    anchor: str
    version: int
    rows: list[Row]
    errors: list[FormError] = field(default_factory=list)
    changed: list[tuple[Activity, FollowUp]] = field(default_factory=list)
    stale: bool = False


def period_label(key: str) -> str:
    year, part = key.split("-")
    return f"{year}, {PARTS[part]}"


def _field(period: str, kind: str, activity_id: int) -> str:
    return f"p{period}-{kind}-{activity_id}"


def _default_periods(cycle_year: int, this_year: int) -> list[str]:
    """The periods of the year being followed up, and last year's annual report."""
    year = max(cycle_year, this_year)
    periods = [f"{year}-T1", f"{year}-T2", f"{year}-VB"]
    if year - 1 >= cycle_year:
        periods.insert(0, f"{year - 1}-VB")
    return periods


def _periods(
    where: Placed,
    reports: dict[int, list[FollowUp]],
    shown: list[str],
    *,
    typed: dict[str, dict[str, str]] | None = None,
) -> list[Period]:
    activities = where.revision.activities
    periods = []
    for key in shown:
        in_period = {a.id: [f for f in reports[a.id] if f.period == key] for a in activities}
        version = max((f.id for fs in in_period.values() for f in fs), default=0)
        rows = []
        for activity in activities:
            latest = in_period[activity.id][-1] if in_period[activity.id] else None
            status_field = _field(key, "status", activity.id)
            comment_field = _field(key, "kommentar", activity.id)
            mine = (typed or {}).get(key)
            rows.append(
                Row(
                    activity=activity,
                    latest=latest,
                    earlier=in_period[activity.id][-2::-1],
                    status_field=status_field,
                    comment_field=comment_field,
                    status=mine[status_field]
                    if mine is not None
                    else (latest.status.value if latest else ""),
                    comment=mine[comment_field]
                    if mine is not None
                    else ((latest.comment or "") if latest else ""),
                )
            )
        periods.append(Period(key, period_label(key), f"period-{key}", version, rows))
    return periods


def follow_up_page(
    request: Request[Any, Any, Any],
    registry: Registry,
    where: Placed,
    *,
    status_code: int = 200,
    extra: str | None = None,
    typed: dict[str, dict[str, str]] | None = None,
    errors: list[FormError] | None = None,
    stale: tuple[str, int] | None = None,
    restored: bool = False,
) -> Template:
    """The page; `typed` keeps a refused period's input, `stale` = (period, version the
    form was based on) lists the reports made since, if any."""
    revision = where.revision
    reports = {
        a.id: list(registry.list_follow_ups(a.id, actor=where.actor)) for a in revision.activities
    }
    reported = {f.period for fs in reports.values() for f in fs}
    wanted = set(reported)
    if revision.status is RevisionStatus.APPROVED:  # the plan in force: report its year
        wanted |= set(_default_periods(revision.cycle_year, registry.today().year))
    if extra:
        wanted.add(extra)
    periods = _periods(where, reports, sorted(wanted), typed=typed)
    errors = errors or []
    for period in periods:
        if typed and period.key in typed:
            period.errors = errors
        if stale and period.key == stale[0] and period.version != stale[1]:
            period.stale = True
            period.changed = [
                (a, f)
                for a in revision.activities
                for f in reports[a.id]
                if f.period == period.key and f.id > stale[1]
            ]
    notice_period = request.query_params.get("sparat")
    this_year = registry.today().year
    return page(
        request,
        "cycle/follow_up.html",
        status_code=status_code,
        title=f"Uppföljning – {where.organisation.name}, version {revision.number}",
        revision=revision,
        organisation=where.organisation,
        periods=periods,
        statuses=[(s.value, s.label) for s in FollowUpStatus],
        may_report=where.may(Action.REPORT_FOLLOW_UP)
        and revision.status is RevisionStatus.APPROVED,
        errors=errors,
        restored=restored,
        notice=(
            f"Uppföljningen för {period_label(notice_period)} är sparad."
            if notice_period and PERIOD.match(notice_period)
            else None
        ),
        choices=[
            (f"{year}-{part}", period_label(f"{year}-{part}"))
            for year in range(max(this_year, revision.cycle_year) + 1, revision.cycle_year - 1, -1)
            for part in PARTS
        ],
    )


def _typed(form: Any, period: str, activities: list[Activity]) -> dict[str, str]:
    return {
        key: text(form, key)
        for a in activities
        for key in (_field(period, "status", a.id), _field(period, "kommentar", a.id))
    }


class FollowUpController(Controller):
    path = "/revisioner/{revision_id:int}/uppfoljning"
    include_in_schema = False
    middleware = (KeepExpiredForms(),)

    @get("/", opt=requires(Action.READ_PLAN), sync_to_thread=True, name="web:follow-up")
    def show(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        revision_id: Id,
        period: Query = None,
    ) -> Template:
        where = placed(request, registry, revision_id)
        kept = restore(request, registry, where.actor)
        kept_period = text(kept, "period") if kept is not None else ""
        if kept is not None and PERIOD.match(kept_period):
            response = follow_up_page(
                request,
                registry,
                where,
                extra=kept_period,
                typed={kept_period: _typed(kept, kept_period, where.revision.activities)},
                stale=(kept_period, number(kept, "version") or 0),
                restored=True,
            )
            response.delete_cookie(KEPT_COOKIE, path="/")
            return response
        extra = period if period and PERIOD.match(period) else None
        return follow_up_page(request, registry, where, extra=extra)

    @post("/", opt=requires(Action.REPORT_FOLLOW_UP), name="web:report-follow-up")
    async def report(
        self, request: Request[Any, Any, Any], registry: RegistryDep, revision_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        return await sync_to_thread(self._report, request, registry, revision_id, form)

    @staticmethod
    def _report(
        request: Request[Any, Any, Any], registry: Registry, revision_id: int, form: Any
    ) -> Template | Redirect:
        where = placed(request, registry, revision_id)
        where.require(Action.REPORT_FOLLOW_UP)
        period = text(form, "period")
        if not PERIOD.match(period):
            return follow_up_page(
                request,
                registry,
                where,
                status_code=400,
                errors=[
                    FormError(None, "Perioden kunde inte tolkas. Välj en period och försök igen.")
                ],
            )
        activities = where.revision.activities
        typed = _typed(form, period, activities)
        valid = {s.value for s in FollowUpStatus}
        errors: list[FormError] = []
        for activity in activities:
            status_field = _field(period, "status", activity.id)
            comment_field = _field(period, "kommentar", activity.id)
            if typed[status_field] not in valid:
                errors.append(FormError(status_field, f"Välj status för ”{activity.title}”."))
            if len(typed[comment_field]) > MAX_COMMENT:
                errors.append(
                    FormError(
                        comment_field,
                        f"Kommentaren till ”{activity.title}” får vara högst {MAX_COMMENT} tecken.",
                    )
                )
        keep = {period: typed}
        if errors:
            return follow_up_page(
                request, registry, where, status_code=400, extra=period, typed=keep, errors=errors
            )
        latest: dict[int, FollowUp | None] = {}
        for activity in activities:
            earlier = registry.list_follow_ups(activity.id, period=period, actor=where.actor)
            latest[activity.id] = earlier.items[-1] if earlier.items else None
        reports: dict[int, dict[str, str | None]] = {}
        for activity in activities:
            status = typed[_field(period, "status", activity.id)]
            comment = typed[_field(period, "kommentar", activity.id)]
            before = latest[activity.id]
            if before and before.status.value == status and (before.comment or "") == comment:
                continue  # unchanged: reported already
            reports[activity.id] = {"status": status, "comment": comment or None}
        seen = number(form, "version") or 0  # no version: based on nothing, so stale
        try:
            registry.report_period(
                revision_id, period, reports, expected_version=seen, actor=where.actor
            )
        except StaleVersion:
            return follow_up_page(
                request,
                registry,
                where,
                status_code=409,
                extra=period,
                typed=keep,
                stale=(period, seen),
            )
        except IllegalTransition as exc:
            return follow_up_page(
                request,
                registry,
                where,
                status_code=409,
                extra=period,
                typed=keep,
                errors=[FormError(None, str(exc))],
            )
        except ValidationError as exc:
            return follow_up_page(
                request,
                registry,
                where,
                status_code=400,
                extra=period,
                typed=keep,
                errors=[FormError(None, str(exc))],
            )
        return Redirect(
            f"/revisioner/{revision_id}/uppfoljning?sparat={period}#period-{period}",
            status_code=303,
        )

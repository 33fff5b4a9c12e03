"""`/jamforelser`: the comparison views as charts, each with its data table beside it.

Every view is the library's comparison for the signed-in person; the chart's data is
a JSON block in the page (`<script type="application/json">`, data, never run), drawn
by the vendored Chart.js from `static/charts.js`, so the page keeps its strict
Content-Security-Policy. The table beside each chart carries the same figures (the
chart's text alternative), and the CSV and Excel downloads are one click away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get
from litestar.response import Template

from planregistry import Registry
from planregistry.views.formats import MEDIA_TYPES, ExportFormat, filename, render
from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.web.pages import Query, page
from planregistry_api.web.session import session_of
from planregistry_domain.actor import Actor
from planregistry_domain.comparisons import NOT_REPORTED, Basis, ComparisonView
from planregistry_domain.errors import NotFound
from planregistry_domain.policy import Action
from planregistry_domain.vocabulary import EnvironmentActivity, OrganizationKind

VIEWS: dict[str, tuple[str, str]] = {
    "tackning": ("Aktivitetstäckning", "Hur många aktiviteter varje organisation har per nivå."),
    "partner": ("Samverkanspartner", "Vilka partner organisationernas aktiviteter nämner."),
    "lagesbild": (
        "Lägesbilder",
        "Polisens bedömning av de extremistiska miljöerna, sida vid sida.",
    ),
    "uppfoljning": ("Uppföljning", "Hur långt aktiviteterna har kommit, per rapportperiod."),
}
BASES = {"senaste": Basis.LATEST, "gallande": Basis.IN_FORCE}


def _actor(request: Request[Any, Any, Any]) -> Actor:
    session = session_of(request)
    assert session is not None
    return session.actor


def _filters(
    view: str, typ: str | None, underlag: str | None, period: str | None
) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if typ in {k.value for k in OrganizationKind}:
        filters["kind"] = typ
    if view in ("tackning", "partner", "lagesbild"):
        filters["basis"] = BASES.get(underlag or "senaste", Basis.LATEST).value
    if view == "uppfoljning" and period:
        filters["period"] = period
    return filters


def _build(registry: Registry, view: str, filters: dict[str, Any], actor: Actor) -> ComparisonView:
    builders: dict[str, Callable[..., ComparisonView]] = {
        "tackning": registry.activity_coverage,
        "partner": registry.partner_matrix,
        "lagesbild": registry.situation_comparison,
        "uppfoljning": registry.follow_up_progress,
    }
    return builders[view](filters, actor=actor)


def _coverage(view: Any) -> dict[str, Any]:
    rows = [r for r in view.rows if r.revision is not None]
    levels = list(view.levels)
    return {
        "chart": {
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "labels": [r.organization_name for r in rows],
            "datasets": [
                {"label": t.label, "data": [r.levels.get(t.key, 0) for r in rows]} for t in levels
            ],
        },
        "caption": "Aktiviteter per nivå och organisation",
        "headers": ["Organisation", *(t.label for t in levels), "Totalt"],
        "rows": [
            [r.organization_name, *(r.levels.get(t.key, 0) for t in levels), r.activities]
            for r in rows
        ],
        "chart_label": "Stapeldiagram: aktiviteter per nivå för varje organisation med plan.",
    }


def _partners(view: Any) -> dict[str, Any]:
    top = list(view.partners)[:15]
    return {
        "chart": {
            "type": "bar",
            "horizontal": True,
            "stacked": False,
            "labels": [p.partner for p in top],
            "datasets": [
                {
                    "label": "Organisationer som nämner partnern",
                    "data": [p.organizations for p in top],
                }
            ],
        },
        "caption": "Samverkanspartner: antal organisationer och aktiviteter",
        "headers": ["Partner", "Organisationer", "Aktiviteter"],
        "rows": [[p.partner, p.organizations, p.activities] for p in view.partners],
        "chart_label": "Stapeldiagram: de vanligaste samverkanspartnerna, "
        "efter hur många organisationer som nämner dem.",
    }


def _situation(view: Any) -> dict[str, Any]:
    statuses = [*EnvironmentActivity]
    counts = []
    for environment in view.environments:
        tally = dict.fromkeys([s.value for s in statuses] + ["missing"], 0)
        for row in view.rows:
            if row.revision is None:
                continue
            column = next((c for c in row.police if c.environment == environment.key), None)
            key = column.status.value if column and column.status else "missing"
            tally[key] += 1
        counts.append((environment, tally))
    return {
        "chart": {
            "type": "bar",
            "horizontal": False,
            "stacked": True,
            "labels": [e.label for e, _t in counts],
            "datasets": [
                *({"label": s.label, "data": [t[s.value] for _e, t in counts]} for s in statuses),
                {"label": "Uppgift saknas", "data": [t["missing"] for _e, t in counts]},
            ],
        },
        "caption": "Polisens bedömning per miljö: antal organisationer",
        "headers": ["Miljö", *(s.label for s in statuses), "Uppgift saknas"],
        "rows": [[e.label, *(t[s.value] for s in statuses), t["missing"]] for e, t in counts],
        "chart_label": "Stapeldiagram: för varje extremistisk miljö, hur många organisationers "
        "lägesbilder bedömer den som aktiv, inte aktiv eller okänd.",
    }


def _follow_up(view: Any) -> dict[str, Any]:
    rows = [r for r in view.rows if r.revision is not None]
    statuses = list(view.statuses)
    label = {s.key: s.label for s in statuses}
    return {
        "chart": {
            "type": "bar",
            "horizontal": True,
            "stacked": True,
            "labels": [f"{r.organization_name} ({r.period})" for r in rows],
            "datasets": [
                {"label": label[s.key], "data": [r.counts.get(s.key, 0) for r in rows]}
                for s in statuses
            ],
        },
        "caption": "Aktiviteternas status per organisation och period",
        "headers": ["Organisation", "Period", *(s.label for s in statuses), "Aktiviteter"],
        "rows": [
            [
                r.organization_name,
                r.period,
                *(r.counts.get(s.key, 0) for s in statuses),
                r.activities,
            ]
            for r in rows
        ],
        "numeric_from": 2,
        "chart_label": "Stapeldiagram: för varje organisation och period, hur många aktiviteter "
        f"som har varje status (också {label.get(NOT_REPORTED, 'ej rapporterad').lower()}).",
    }


def script_json(data: Any) -> str:
    """JSON safe inside a `<script>` element: `<`, `>` and `&` as \\u escapes."""
    text = msgspec.json.encode(data).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


SHAPES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "tackning": _coverage,
    "partner": _partners,
    "lagesbild": _situation,
    "uppfoljning": _follow_up,
}


class ComparisonPagesController(Controller):
    path = "/jamforelser"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_COMPARISONS), sync_to_thread=False, name="web:cmp")
    def index(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "comparisons/index.html", title="Jämförelser", views=VIEWS)

    @get(
        "/{vy:str}",
        opt=requires(Action.READ_COMPARISONS),
        sync_to_thread=True,
        name="web:cmp-view",
    )
    def show(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        vy: str,
        typ: Query = None,
        underlag: Query = None,
        period: Query = None,
    ) -> Template | Response[bytes]:
        if vy not in VIEWS:
            raise NotFound("Jämförelsen", vy)
        filters = _filters(vy, typ, underlag, period)
        view = _build(registry, vy, filters, _actor(request))
        shape = SHAPES[vy](view)
        kept = {k: v for k, v in {"typ": typ, "underlag": underlag, "period": period}.items() if v}
        title, about = VIEWS[vy]
        return page(
            request,
            "comparisons/show.html",
            title=title,
            key=vy,
            about=about,
            view=view,
            shape=shape,
            chart_json=script_json(shape["chart"]),
            filters={"typ": typ or "", "underlag": underlag or "senaste", "period": period or ""},
            kinds=[(k.value, k.label) for k in OrganizationKind],
            uses_basis=vy in ("tackning", "partner", "lagesbild"),
            periods=list(getattr(view, "periods", [])),
            csv_href=f"/jamforelser/{vy}/csv?" + urlencode(kept),
            xlsx_href=f"/jamforelser/{vy}/xlsx?" + urlencode(kept),
        )

    @get(
        "/{vy:str}/{fmt:str}",
        opt=requires(Action.READ_COMPARISONS),
        sync_to_thread=True,
        name="web:cmp-export",
    )
    def export(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        vy: str,
        fmt: str,
        typ: Query = None,
        underlag: Query = None,
        period: Query = None,
    ) -> Response[bytes]:
        if vy not in VIEWS or fmt not in ("csv", "xlsx"):
            raise NotFound("Jämförelsen", f"{vy}.{fmt}")
        chosen = ExportFormat(fmt)
        view = _build(registry, vy, _filters(vy, typ, underlag, period), _actor(request))
        return Response(
            render(view, chosen),
            media_type=MEDIA_TYPES[chosen].split(";")[0],
            headers={"Content-Disposition": f'attachment; filename="{filename(view, chosen)}"'},
        )

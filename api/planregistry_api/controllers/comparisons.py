"""The central coordinator's comparison views, as JSON, CSV or Excel.

The format comes from `?format=json|csv|xlsx` or, without it, from `Accept`
(`application/json`, `text/csv`,
`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`); JSON when neither
says. CSV is UTF-8 with a byte-order mark, `;`-separated with decimal commas (Swedish
Excel); see `planregistry.views.formats`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeAlias, cast

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import QueryParameter

from planregistry import OrganizationKind
from planregistry.views.formats import MEDIA_TYPES, ExportFormat, filename, render
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.parameters import OptionalSlug
from planregistry_domain.comparisons import (
    Basis,
    ComparisonView,
    CoverageView,
    FollowUpProgress,
    PartnerMatrix,
    SituationComparison,
    StatusBoard,
)
from planregistry_domain.policy import Action

CycleYear = Annotated[
    int | None,
    QueryParameter(ge=2000, le=2100, description="Only this cycle year's revisions (see below)."),
]
Period = Annotated[
    str | None,
    QueryParameter(pattern=r"^\d{4}-(T1|T2|VB)$", description="Reporting period, e.g. `2018-T1`."),
]
Format = Annotated[
    ExportFormat | None,
    QueryParameter(
        name="format",
        description="json, csv or xlsx; overrides `Accept`. CSV: UTF-8 with BOM, `;`, decimal "
        "comma.",
    ),
]
KindFilter = Annotated[
    OrganizationKind | None, QueryParameter(description="district or specialist.")
]
BasisParameter = Annotated[
    Basis,
    QueryParameter(
        description="`in_force` (default): the revision in force; `latest`: the newest."
    ),
]

_BY_MEDIA_TYPE = {media_type.split(";")[0]: fmt for fmt, media_type in MEDIA_TYPES.items()}
_RESPONSES = problems.responses(400, 404, 406)
_FILTERS = (
    " Filters: `programme`, `kind`, `municipality`, `cycle_year` (a plan's revision of that "
    "cycle year instead of its current one). Answers JSON, CSV or Excel: see `format`."
)


@dataclass
class ViewOperation(Operation):
    """A view's OpenAPI operation: its 200 answers CSV and Excel as well as JSON."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if not isinstance(ok, OpenAPIResponse) or ok.content is None:
            return
        ok.content[MEDIA_TYPES[ExportFormat.CSV]] = OpenAPIMediaType(
            schema=Schema(
                type=OpenAPIType.STRING,
                description="UTF-8 with BOM, `;` between fields, decimal comma, Swedish headings.",
            )
        )
        ok.content[MEDIA_TYPES[ExportFormat.XLSX]] = OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        )


def negotiate(request: Request[Any, Any, Any], fmt: ExportFormat | None) -> ExportFormat:
    if fmt is not None:
        return fmt
    if not request.headers.get("accept"):
        return ExportFormat.JSON
    accepted = request.accept.best_match(list(_BY_MEDIA_TYPE))
    if accepted is None:
        raise HTTPException(
            status_code=406,
            detail="Jämförelserna finns som application/json, text/csv och "
            f"{MEDIA_TYPES[ExportFormat.XLSX]}.",
        )
    return _BY_MEDIA_TYPE[accepted]


def respond(
    request: Request[Any, Any, Any], fmt: ExportFormat | None, build: Callable[[], ComparisonView]
) -> Response[Any]:
    chosen = negotiate(request, fmt)
    view = build()
    headers = {"Vary": "Accept"}
    if chosen is not ExportFormat.JSON:
        headers["Content-Disposition"] = f'attachment; filename="{filename(view, chosen)}"'
    # Litestar adds "; charset=utf-8" to text/* itself.
    media_type = MEDIA_TYPES[chosen].split(";")[0]
    return Response(render(view, chosen), media_type=media_type, headers=headers)


def view_filters(
    programme: OptionalSlug = None,
    kind: KindFilter = None,
    municipality: OptionalSlug = None,
    cycle_year: CycleYear = None,
) -> dict[str, Any]:
    """The filters every view takes, as given (the library validates them)."""
    given: dict[str, Any] = {
        "programme": programme,
        "kind": kind,
        "municipality": municipality,
        "cycle_year": cycle_year,
    }
    return {name: value for name, value in given.items() if value is not None}


# A handler parameter named `filters` of this type receives `view_filters`' answer.
Filters: TypeAlias = NamedDependency[dict[str, Any]]


class ComparisonController(Controller):
    path = "/comparisons"
    tags = ("comparisons",)
    dependencies = {"filters": Provide(view_filters, sync_to_thread=False)}  # noqa: RUF012

    @get(
        "/status",
        operation_id="getStatusBoard",
        opt=requires(Action.READ_COMPARISONS),
        summary="Status board: every organisation's plan in force, draft, next due date",
        description="One row per organisation (and plan): the revision in force with its "
        "KS approval date, the open revision and its status, the next due date and "
        "whether it is overdue." + _FILTERS,
        sync_to_thread=True,
        responses=_RESPONSES,
        operation_class=ViewOperation,
    )
    def status_board(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        filters: Filters,
        fmt: Format = None,
    ) -> Response[StatusBoard]:
        build = partial(registry.status_board, filters, actor=actor)
        return cast(Response[StatusBoard], respond(request, fmt, build))

    @get(
        "/coverage",
        operation_id="getActivityCoverage",
        opt=requires(Action.READ_COMPARISONS),
        summary="Activity coverage: organisations × levels and × themes",
        description="Activities of each plan's basis revision, counted per activity level "
        "and per theme of the programme." + _FILTERS,
        sync_to_thread=True,
        responses=_RESPONSES,
        operation_class=ViewOperation,
    )
    def coverage(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        filters: Filters,
        basis: BasisParameter = Basis.IN_FORCE,
        fmt: Format = None,
    ) -> Response[CoverageView]:
        build = partial(registry.activity_coverage, {**filters, "basis": basis}, actor=actor)
        return cast(Response[CoverageView], respond(request, fmt, build))

    @get(
        "/partners",
        operation_id="getPartnerMatrix",
        opt=requires(Action.READ_COMPARISONS),
        summary="Partner matrix: organisations × partner actors",
        description="Activities of each plan's basis revision naming each partner; the "
        "partners named by most organisations first." + _FILTERS,
        sync_to_thread=True,
        responses=_RESPONSES,
        operation_class=ViewOperation,
    )
    def partners(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        filters: Filters,
        basis: BasisParameter = Basis.IN_FORCE,
        fmt: Format = None,
    ) -> Response[PartnerMatrix]:
        build = partial(registry.partner_matrix, {**filters, "basis": basis}, actor=actor)
        return cast(Response[PartnerMatrix], respond(request, fmt, build))

    @get(
        "/situation",
        operation_id="getSituationComparison",
        opt=requires(Action.READ_COMPARISONS),
        summary="Situation pictures side by side: survey shares and police assessments",
        description="Per organisation, each survey question's share of yes answers "
        "(yes / (yes + no), null where the plan gives no counts, with its finding) and the "
        "police assessment per extremist environment." + _FILTERS,
        sync_to_thread=True,
        responses=_RESPONSES,
        operation_class=ViewOperation,
    )
    def situation(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        filters: Filters,
        basis: BasisParameter = Basis.IN_FORCE,
        fmt: Format = None,
    ) -> Response[SituationComparison]:
        build = partial(registry.situation_comparison, {**filters, "basis": basis}, actor=actor)
        return cast(Response[SituationComparison], respond(request, fmt, build))

    @get(
        "/follow-up",
        operation_id="getFollowUpProgress",
        opt=requires(Action.READ_COMPARISONS),
        summary="Follow-up progress per reporting period",
        description="Per organisation and period, how many of the in-force revision's "
        "activities have each follow-up status (their latest report that period), and how "
        "many are not reported. Periods: `period`; else the programme's periods of "
        "`cycle_year`; else every period reported." + _FILTERS,
        sync_to_thread=True,
        responses=_RESPONSES,
        operation_class=ViewOperation,
    )
    def follow_up(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        filters: Filters,
        period: Period = None,
        fmt: Format = None,
    ) -> Response[FollowUpProgress]:
        build = partial(registry.follow_up_progress, {**filters, "period": period}, actor=actor)
        return cast(Response[FollowUpProgress], respond(request, fmt, build))

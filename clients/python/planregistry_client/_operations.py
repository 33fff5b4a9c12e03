"""Every operation of the API v1, described once for both clients.

Method names follow the library's `Registry` where they correspond, and so do their
parameters and bodies (a command struct from `planregistry` or a plain mapping).
Results are the library's own msgspec types, decoded straight from the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx
import msgspec

from planregistry_client._core import (
    Call,
    ETagCache,
    Listing,
    Resource,
    Session,
    activity_path,
    activity_resource,
    decode,
    encode,
    filename_of,
    operation,
    organization_path,
    organization_resource,
    paginated,
    query,
    revision_path,
    revision_resource,
    segment,
)
from planregistry_client._documents import DocumentOperations
from planregistry_domain import (
    Activity,
    ApiKey,
    AuditEntry,
    ComparisonFilter,
    CompletenessFinding,
    CoverageView,
    CreateActivity,
    CreateApiKey,
    CreateOrganization,
    CreatePlan,
    CreatePlanActor,
    CreateReview,
    CreateRevision,
    Decision,
    FollowUp,
    FollowUpProgress,
    IssuedApiKey,
    MapActorName,
    Organization,
    OrganizationKind,
    PartnerMatrix,
    Plan,
    PlanActor,
    PlanImport,
    Programme,
    PutSection,
    PutSituation,
    RecordDecision,
    ReportFollowUp,
    Review,
    Revision,
    RevisionDiff,
    RevisionStatus,
    Section,
    SituationComparison,
    SituationPicture,
    StatusBoard,
    UnmatchedName,
    UpdateActivity,
    UpdateOrganization,
    UpdatePlanActor,
    UpdateRevision,
    Written,
)
from planregistry_domain.actor_register import ACTOR_ETAG
from planregistry_domain.errors import FieldError
from planregistry_domain.errors import ValidationError as LibraryValidationError
from planregistry_domain.paging import Page
from planregistry_domain.wire import API_PREFIX, COMPARISON_FILTERS, etag, version_of

T = TypeVar("T")

Body = Mapping[str, Any]
"""A request body as a plain mapping; the server validates it as strictly as a struct."""

ComparisonName = Literal["status", "coverage", "partners", "situation", "follow-up"]
ExportFormat = Literal["csv", "xlsx"]
Filters = ComparisonFilter | Mapping[str, Any] | None


class Health(msgspec.Struct, kw_only=True):
    """`GET /health`: the API runs and reads its database; the server's version."""

    status: str
    version: str
    database: str


@dataclass(frozen=True)
class Export:
    """A comparison view as a file (CSV or Excel), as the server made it."""

    content: bytes
    media_type: str
    filename: str | None


class _Completeness(msgspec.Struct, kw_only=True):
    revision_id: int
    complete: bool
    findings: list[CompletenessFinding]


def _register_path(municipality: str, collection: str) -> str:
    return f"{API_PREFIX}/municipalities/{segment(municipality)}/{collection}"


def _actor_path(actor_id: int) -> str:
    return f"{API_PREFIX}/actors/{int(actor_id)}"


def _learn_actor(session: Session, actor: PlanActor, tag: str | None) -> None:
    session.etags.remember(_actor_path(actor.id), tag or etag(ACTOR_ETAG, actor.id, actor.version))


def _filter_params(view: str, filters: Filters) -> list[tuple[str, str]]:
    if filters is None:
        chosen = ComparisonFilter()
    elif isinstance(filters, ComparisonFilter):
        chosen = filters
    else:
        try:
            chosen = msgspec.convert(filters, ComparisonFilter)
        except msgspec.ValidationError as exc:
            raise LibraryValidationError(
                f"Ogiltigt filter: {exc}", [FieldError(path="filters", message=str(exc))]
            ) from None
    given = {name: getattr(chosen, name) for name in COMPARISON_FILTERS[view]}
    if given.get("basis") == ComparisonFilter().basis:
        del given["basis"]  # the default; leave the URL short
    return query(**given)


class Operations(DocumentOperations):
    """The API's operations; `Client` and `AsyncClient` both inherit them."""

    _session: Session

    @property
    def base_url(self) -> httpx.URL:
        return self._session.base_url

    @property
    def etags(self) -> ETagCache:
        """The ETags this client remembers, by resource path (`/api/v1/revisions/12`)."""
        return self._session.etags

    # --- Health and programmes -------------------------------------------------------

    @operation
    def health(self) -> Call[Health]:
        """`GET /health`: whether the API runs and reads its database (no credentials needed)."""
        return self._session.get(f"{API_PREFIX}/health", Health)

    @operation
    def list_programmes(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Call[Page[Programme]]:
        """One page of the programmes (riktlinjer/program)."""
        return self._programmes(limit).page(cursor)

    @paginated
    def iter_programmes(self, *, page_size: int | None = None) -> Listing[Programme]:
        """Every programme, page by page."""
        return self._programmes(page_size)

    def _programmes(self, page_size: int | None) -> Listing[Programme]:
        return self._session.listing(f"{API_PREFIX}/programmes", Programme, [], page_size)

    @operation
    def get_programme(self, programme_id: str) -> Call[Programme]:
        """A programme: its sections, levels, themes, survey questions and revision cycle."""
        return self._session.get(f"{API_PREFIX}/programmes/{segment(programme_id)}", Programme)

    # --- Organisations -----------------------------------------------------------------

    @operation
    def list_organizations(
        self,
        *,
        kind: OrganizationKind | str | None = None,
        municipality: str | None = None,
        modified_since: dt.datetime | None = None,
        valid_on: dt.date | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[Organization]]:
        """One page of organisations, by id; `next_cursor` leads to the next. Every
        organisation, merged or renamed away included, unless `valid_on` asks for those
        that existed on that day."""
        return self._organizations(kind, municipality, modified_since, limit, valid_on).page(cursor)

    @paginated
    def iter_organizations(
        self,
        *,
        kind: OrganizationKind | str | None = None,
        municipality: str | None = None,
        modified_since: dt.datetime | None = None,
        valid_on: dt.date | None = None,
        page_size: int | None = None,
    ) -> Listing[Organization]:
        """Every organisation matching the filters, page by page."""
        return self._organizations(kind, municipality, modified_since, page_size, valid_on)

    def _organizations(
        self,
        kind: OrganizationKind | str | None,
        municipality: str | None,
        modified_since: dt.datetime | None,
        page_size: int | None,
        valid_on: dt.date | None = None,
    ) -> Listing[Organization]:
        params = query(
            kind=kind, municipality=municipality, modified_since=modified_since, valid_on=valid_on
        )
        session = self._session
        return session.listing(
            f"{API_PREFIX}/organizations",
            Organization,
            params,
            page_size,
            learn=session.learn_organization,
        )

    @operation
    def create_organization(self, data: CreateOrganization | Body) -> Call[Organization]:
        """Create an organisation (central role)."""
        session = self._session
        return session.send(
            "POST",
            f"{API_PREFIX}/organizations",
            Organization,
            data,
            learn=session.learn_organization,
        )

    @operation
    def get_organization(self, org_id: str) -> Call[Organization]:
        """An organisation; its ETag is remembered for `update_organization`."""
        session = self._session
        return session.get(
            organization_path(org_id), Organization, learn=session.learn_organization
        )

    @operation
    def update_organization(
        self,
        org_id: str,
        changes: UpdateOrganization | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Organization]:
        """Change an organisation's fields given (central role); needs its ETag (see `Client`)."""
        session = self._session
        resource = organization_resource(org_id)
        guard = session.guard(resource, if_match=if_match, expected_version=expected_version)
        learn = session.learn_organization
        return session.send(
            "PATCH", resource.path, Organization, changes, learn=learn, precondition=guard
        )

    # --- The actors register ------------------------------------------------------------

    @operation
    def list_plan_actors(self, municipality: str) -> Call[list[PlanActor]]:
        """The municipality's actors register, by name (one page: the whole register)."""
        session = self._session

        def read(response: httpx.Response) -> list[PlanActor]:
            actors = decode(response.content, Page[PlanActor]).items
            for found in actors:
                _learn_actor(session, found, None)
            return actors

        return Call(method="GET", path=_register_path(municipality, "actors"), read=read)

    @operation
    def create_plan_actor(self, municipality: str, data: CreatePlanActor | Body) -> Call[PlanActor]:
        """Add an actor to the register (central role)."""
        session = self._session
        return session.send(
            "POST",
            _register_path(municipality, "actors"),
            PlanActor,
            data,
            learn=lambda a, tag: _learn_actor(session, a, tag),
        )

    @operation
    def get_plan_actor(self, actor_id: int) -> Call[PlanActor]:
        """An actor of the register; its ETag is remembered for the writes below."""
        session = self._session
        return session.get(
            _actor_path(actor_id), PlanActor, learn=lambda a, tag: _learn_actor(session, a, tag)
        )

    @operation
    def update_plan_actor(
        self,
        actor_id: int,
        changes: UpdatePlanActor | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[PlanActor]:
        """Change an actor's kind, name or aliases (central role); needs its ETag."""
        session = self._session
        resource = Resource(_actor_path(actor_id), ACTOR_ETAG, actor_id, PlanActor)
        guard = session.guard(resource, if_match=if_match, expected_version=expected_version)
        return session.send(
            "PATCH",
            resource.path,
            PlanActor,
            changes,
            learn=lambda a, tag: _learn_actor(session, a, tag),
            precondition=guard,
        )

    @operation
    def map_actor_name(
        self,
        actor_id: int,
        data: MapActorName | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[PlanActor]:
        """Map a name plans write to this actor, as an alias (central role); needs its ETag."""
        session = self._session
        resource = Resource(_actor_path(actor_id), ACTOR_ETAG, actor_id, PlanActor)
        guard = session.guard(resource, if_match=if_match, expected_version=expected_version)
        return session.send(
            "POST",
            f"{resource.path}/aliases",
            PlanActor,
            data,
            learn=lambda a, tag: _learn_actor(session, a, tag),
            precondition=guard,
        )

    @operation
    def unmatched_actor_names(self, municipality: str) -> Call[list[UnmatchedName]]:
        """Names the municipality's plans write that match no actor, most written first."""

        def read(response: httpx.Response) -> list[UnmatchedName]:
            return decode(response.content, Page[UnmatchedName]).items

        path = _register_path(municipality, "unmatched-actor-names")
        return Call(method="GET", path=path, read=read)

    # --- Plans and revisions -----------------------------------------------------------

    @operation
    def list_plans(
        self,
        org_id: str,
        *,
        programme: str | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[Plan]]:
        """One page of an organisation's plans."""
        return self._plans(org_id, programme, modified_since, limit).page(cursor)

    @paginated
    def iter_plans(
        self,
        org_id: str,
        *,
        programme: str | None = None,
        modified_since: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[Plan]:
        """Every plan of an organisation, page by page."""
        return self._plans(org_id, programme, modified_since, page_size)

    def _plans(
        self,
        org_id: str,
        programme: str | None,
        modified_since: dt.datetime | None,
        page_size: int | None,
    ) -> Listing[Plan]:
        params = query(programme=programme, modified_since=modified_since)
        return self._session.listing(f"{organization_path(org_id)}/plans", Plan, params, page_size)

    @operation
    def create_plan(self, org_id: str, data: CreatePlan | Body) -> Call[Plan]:
        """Create an organisation's plan under a programme (`{"programme_id": "vbe"}`)."""
        return self._session.send("POST", f"{organization_path(org_id)}/plans", Plan, data)

    @operation
    def get_plan(self, plan_id: int) -> Call[Plan]:
        """A plan with a summary of each of its revisions."""
        return self._session.get(f"{API_PREFIX}/plans/{int(plan_id)}", Plan)

    @operation
    def list_revisions(
        self,
        plan_id: int,
        *,
        status: RevisionStatus | str | None = None,
        cycle_year: int | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[Revision]]:
        """One page of a plan's revisions (whole), by number."""
        return self._revisions(plan_id, status, cycle_year, modified_since, limit).page(cursor)

    @paginated
    def iter_revisions(
        self,
        plan_id: int,
        *,
        status: RevisionStatus | str | None = None,
        cycle_year: int | None = None,
        modified_since: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[Revision]:
        """Every revision of a plan, page by page."""
        return self._revisions(plan_id, status, cycle_year, modified_since, page_size)

    def _revisions(
        self,
        plan_id: int,
        status: RevisionStatus | str | None,
        cycle_year: int | None,
        modified_since: dt.datetime | None,
        page_size: int | None,
    ) -> Listing[Revision]:
        session = self._session
        params = query(status=status, cycle_year=cycle_year, modified_since=modified_since)
        return session.listing(
            f"{API_PREFIX}/plans/{int(plan_id)}/revisions",
            Revision,
            params,
            page_size,
            learn=session.learn_revision,
        )

    @operation
    def create_revision(self, plan_id: int, data: CreateRevision | Body) -> Call[Revision]:
        """Start a plan's next revision: a draft copied from its approved one (keys kept)."""
        session = self._session
        return session.send(
            "POST",
            f"{API_PREFIX}/plans/{int(plan_id)}/revisions",
            Revision,
            data,
            learn=session.learn_revision,
        )

    @operation
    def get_revision(self, revision_id: int) -> Call[Revision]:
        """A revision with its content; its ETag (and its activities') is remembered."""
        session = self._session
        return session.get(revision_path(revision_id), Revision, learn=session.learn_revision)

    @operation
    def update_revision(
        self,
        revision_id: int,
        changes: UpdateRevision | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Revision]:
        """Change a draft's header fields (label, case numbers, section order…); needs its ETag."""
        session = self._session
        resource = revision_resource(revision_id)
        guard = session.guard(resource, if_match=if_match, expected_version=expected_version)
        learn = session.learn_revision
        return session.send(
            "PATCH", resource.path, Revision, changes, learn=learn, precondition=guard
        )

    @operation
    def put_section(
        self,
        revision_id: int,
        section_key: str,
        data: PutSection | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Written[Section]]:
        """Create or replace a section of a draft; needs the revision's ETag, returns the new."""
        return self._revision_part(
            "PUT",
            revision_id,
            f"sections/{segment(section_key)}",
            Section,
            data,
            if_match,
            expected_version,
        )

    @operation
    def put_situation(
        self,
        revision_id: int,
        data: PutSituation | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Written[SituationPicture]]:
        """Replace a draft's situation picture (lägesbild); needs the revision's ETag."""
        return self._revision_part(
            "PUT", revision_id, "situation", SituationPicture, data, if_match, expected_version
        )

    def _revision_part(
        self,
        method: str,
        revision_id: int,
        part: str,
        type_: type[T],
        data: msgspec.Struct | Body,
        if_match: str | None,
        expected_version: int | None,
    ) -> Call[Written[T]]:
        """A write to a part of a revision: what it stored and the revision's new version
        (its new ETag, remembered for the next write)."""
        session = self._session
        path = revision_path(revision_id)
        guard = session.guard(
            revision_resource(revision_id), if_match=if_match, expected_version=expected_version
        )

        def read(response: httpx.Response) -> Written[T]:
            tag = response.headers.get("etag")
            version = version_of(tag)
            if version is None:
                raise msgspec.ValidationError(f"the answer carries no ETag of {path}")
            session.etags.remember(path, tag)
            value = decode(response.content, type_)
            return Written(revision_id=revision_id, revision_version=version, value=value)

        return Call(
            method=method,
            path=f"{path}/{part}",
            read=read,
            content=encode(data),
            headers=guard.headers(),
            precondition=guard,
        )

    # --- Activities ----------------------------------------------------------------------

    @operation
    def list_activities(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[Activity]]:
        """One page of a revision's activities, in the plan's order."""
        return self._activities(revision_id, modified_since, limit).page(cursor)

    @paginated
    def iter_activities(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[Activity]:
        """Every activity of a revision, page by page."""
        return self._activities(revision_id, modified_since, page_size)

    def _activities(
        self, revision_id: int, modified_since: dt.datetime | None, page_size: int | None
    ) -> Listing[Activity]:
        session = self._session
        return session.listing(
            f"{revision_path(revision_id)}/activities",
            Activity,
            query(modified_since=modified_since),
            page_size,
            learn=session.learn_activity,
        )

    @operation
    def add_activity(self, revision_id: int, data: CreateActivity | Body) -> Call[Activity]:
        """Add an activity to a draft (no ETag needed; the revision's ETag changes)."""
        session = self._session

        def learn(activity: Activity, tag: str | None) -> None:
            session.learn_activity(activity, tag)
            session.etags.changed_part(activity_path(activity.id))

        return session.send(
            "POST", f"{revision_path(revision_id)}/activities", Activity, data, learn=learn
        )

    @operation
    def get_activity(self, activity_id: int) -> Call[Activity]:
        """An activity; its ETag is remembered for `update_activity` and `delete_activity`."""
        session = self._session
        return session.get(activity_path(activity_id), Activity, learn=session.learn_activity)

    @operation
    def update_activity(
        self,
        activity_id: int,
        changes: UpdateActivity | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Activity]:
        """Change an activity of a draft (`position` moves it); needs the activity's ETag."""
        session = self._session
        path = activity_path(activity_id)
        guard = session.guard(
            activity_resource(activity_id), if_match=if_match, expected_version=expected_version
        )

        def learn(activity: Activity, tag: str | None) -> None:
            session.learn_activity(activity, tag)
            session.etags.changed_part(path)

        return session.send("PATCH", path, Activity, changes, learn=learn, precondition=guard)

    @operation
    def delete_activity(
        self,
        activity_id: int,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[None]:
        """Remove an activity from a draft; needs the activity's ETag."""
        session = self._session
        path = activity_path(activity_id)
        guard = session.guard(
            activity_resource(activity_id), if_match=if_match, expected_version=expected_version
        )

        def forget(_nothing: None, _tag: str | None) -> None:
            session.etags.changed_part(path)
            session.etags.forget(path)

        return session.send("DELETE", path, None, learn=forget, precondition=guard)

    # --- Follow-up, decisions, reviews ---------------------------------------------------

    @operation
    def list_follow_ups(
        self,
        activity_id: int,
        *,
        period: str | None = None,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[FollowUp]]:
        """One page of an activity's follow-ups, in the order reported."""
        return self._follow_ups(activity_id, period, modified_since, limit).page(cursor)

    @paginated
    def iter_follow_ups(
        self,
        activity_id: int,
        *,
        period: str | None = None,
        modified_since: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[FollowUp]:
        """Every follow-up of an activity, page by page."""
        return self._follow_ups(activity_id, period, modified_since, page_size)

    def _follow_ups(
        self,
        activity_id: int,
        period: str | None,
        modified_since: dt.datetime | None,
        page_size: int | None,
    ) -> Listing[FollowUp]:
        return self._session.listing(
            f"{activity_path(activity_id)}/follow-ups",
            FollowUp,
            query(period=period, modified_since=modified_since),
            page_size,
        )

    @operation
    def report_follow_up(self, activity_id: int, data: ReportFollowUp | Body) -> Call[FollowUp]:
        """Report an activity's status for a period (`2018-T1`…); no ETag needed."""
        return self._session.send(
            "POST", f"{activity_path(activity_id)}/follow-ups", FollowUp, data
        )

    @operation
    def list_decisions(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[Decision]]:
        """One page of a revision's decisions, in the order recorded."""
        return self._decisions(revision_id, modified_since, limit).page(cursor)

    @paginated
    def iter_decisions(
        self,
        revision_id: int,
        *,
        modified_since: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[Decision]:
        """Every decision on a revision, page by page."""
        return self._decisions(revision_id, modified_since, page_size)

    def _decisions(
        self, revision_id: int, modified_since: dt.datetime | None, page_size: int | None
    ) -> Listing[Decision]:
        return self._session.listing(
            f"{revision_path(revision_id)}/decisions",
            Decision,
            query(modified_since=modified_since),
            page_size,
        )

    @operation
    def record_decision(
        self,
        revision_id: int,
        data: RecordDecision | Body,
        *,
        if_match: str | None = None,
        expected_version: int | None = None,
    ) -> Call[Written[Decision]]:
        """Record the committee's or the board's decision; needs the revision's ETag.

        Returns the decision (with `status_before` and `status_after`) and the revision's
        new version; its new ETag is remembered, ready for the next decision.
        """
        return self._revision_part(
            "POST", revision_id, "decisions", Decision, data, if_match, expected_version
        )

    @operation
    def list_reviews(self, revision_id: int) -> Call[list[Review]]:
        """A revision's reviews, oldest first, each with its completeness findings."""
        return self._items(f"{revision_path(revision_id)}/reviews", Review)

    @operation
    def add_review(self, revision_id: int, data: CreateReview | Body) -> Call[Review]:
        """Write central feedback on a revision (central role; no ETag needed)."""
        return self._session.send("POST", f"{revision_path(revision_id)}/reviews", Review, data)

    @operation
    def completeness(self, revision_id: int) -> Call[list[CompletenessFinding]]:
        """What the revision lacks against its programme; empty when it is complete."""

        def read(response: httpx.Response) -> list[CompletenessFinding]:
            return decode(response.content, _Completeness).findings

        return Call(method="GET", path=f"{revision_path(revision_id)}/completeness", read=read)

    @operation
    def diff_revisions(self, old_revision_id: int, new_revision_id: int) -> Call[RevisionDiff]:
        """What changed from one revision of a plan to another, with a Swedish changelog."""
        return self._session.get(
            f"{revision_path(new_revision_id)}/diff",
            RevisionDiff,
            params=query(against=int(old_revision_id)),
        )

    # --- Comparison views (central coordinator) ------------------------------------------

    @operation
    def status_board(self, filters: Filters = None) -> Call[StatusBoard]:
        """Every organisation: revision in force, KS date, open revision, next due, overdue."""
        return self._view("status", StatusBoard, filters)

    @operation
    def activity_coverage(self, filters: Filters = None) -> Call[CoverageView]:
        """Activities per organisation × level and × theme."""
        return self._view("coverage", CoverageView, filters)

    @operation
    def partner_matrix(self, filters: Filters = None) -> Call[PartnerMatrix]:
        """Activities per organisation × partner actor."""
        return self._view("partners", PartnerMatrix, filters)

    @operation
    def situation_comparison(self, filters: Filters = None) -> Call[SituationComparison]:
        """Situation pictures side by side: survey shares and police assessments."""
        return self._view("situation", SituationComparison, filters)

    @operation
    def follow_up_progress(self, filters: Filters = None) -> Call[FollowUpProgress]:
        """Follow-up status counts per organisation and reporting period."""
        return self._view("follow-up", FollowUpProgress, filters)

    @operation
    def export_comparison(
        self, view: ComparisonName, format: ExportFormat, filters: Filters = None
    ) -> Call[Export]:
        """A comparison view as the server's CSV (`;`, UTF-8 with BOM) or Excel file."""
        if view not in COMPARISON_FILTERS:
            raise ValueError(f"view must be one of {', '.join(COMPARISON_FILTERS)}, not {view!r}")
        if format not in ("csv", "xlsx"):
            raise ValueError(f"format must be 'csv' or 'xlsx', not {format!r}")

        def read(response: httpx.Response) -> Export:
            media_type = response.headers.get("content-type", "").split(";")[0].strip()
            return Export(
                content=response.content,
                media_type=media_type,
                filename=filename_of(response),
            )

        return Call(
            method="GET",
            path=f"{API_PREFIX}/comparisons/{view}",
            read=read,
            params=[*_filter_params(view, filters), ("format", format)],
            headers={"Accept": "*/*"},
        )

    def _view(self, view: ComparisonName, type_: type[T], filters: Filters) -> Call[T]:
        return self._session.get(
            f"{API_PREFIX}/comparisons/{view}", type_, params=_filter_params(view, filters)
        )

    # --- Audit trail and API keys (central role) ----------------------------------------

    @operation
    def list_audit(
        self,
        *,
        entity: str | None = None,
        entity_id: str | int | None = None,
        organization: str | None = None,
        actor_subject: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Call[Page[AuditEntry]]:
        """One page of the audit trail, oldest first (`actor_subject` is the `actor` filter)."""
        listing = self._audit(entity, entity_id, organization, actor_subject, since, until, limit)
        return listing.page(cursor)

    @paginated
    def iter_audit(
        self,
        *,
        entity: str | None = None,
        entity_id: str | int | None = None,
        organization: str | None = None,
        actor_subject: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        page_size: int | None = None,
    ) -> Listing[AuditEntry]:
        """The audit trail, oldest first, page by page."""
        return self._audit(entity, entity_id, organization, actor_subject, since, until, page_size)

    def _audit(
        self,
        entity: str | None,
        entity_id: str | int | None,
        organization: str | None,
        actor_subject: str | None,
        since: dt.datetime | None,
        until: dt.datetime | None,
        page_size: int | None,
    ) -> Listing[AuditEntry]:
        params = query(
            entity=entity,
            entity_id=entity_id,
            organization=organization,
            actor=actor_subject,
            since=since,
            until=until,
        )
        return self._session.listing(f"{API_PREFIX}/audit", AuditEntry, params, page_size)

    @operation
    def list_api_keys(self) -> Call[list[ApiKey]]:
        """The municipality's API keys, revoked ones too; never their secrets."""
        return self._items(f"{API_PREFIX}/api-keys", ApiKey)

    @operation
    def create_api_key(self, data: CreateApiKey | Body) -> Call[IssuedApiKey]:
        """Issue an API key; its `token` is in this answer only: store it."""
        return self._session.send("POST", f"{API_PREFIX}/api-keys", IssuedApiKey, data)

    @operation
    def revoke_api_key(self, key_id: str) -> Call[None]:
        """Revoke an API key at once (revoking a revoked key changes nothing)."""
        return self._session.send("DELETE", f"{API_PREFIX}/api-keys/{segment(key_id)}", None)

    @operation
    def create_plan_import(
        self,
        org_id: str,
        content: bytes,
        filename: str,
        *,
        cycle_year: int | None = None,
        programme_id: str | None = None,
    ) -> Call[tuple[PlanImport, bool]]:
        """Upload a plan document (.docx, PDF with text, OCR text) and get its proposal,
        and whether it is new: the same document again gives the stored import back
        (`False`), as `Registry.create_plan_import` does."""
        form = {
            name: str(value)
            for name, value in (("cycle_year", cycle_year), ("programme_id", programme_id))
            if value is not None
        }
        request = httpx.Request(
            "POST", "http://upload", files={"file": (filename, content)}, data=form
        )
        return Call(
            method="POST",
            path=f"{organization_path(org_id)}/plan-imports",
            read=lambda response: (
                decode(response.content, PlanImport),
                response.status_code == 201,
            ),
            content=request.read(),
            headers={"Content-Type": request.headers["content-type"]},
        )

    @operation
    def list_plan_imports(self, org_id: str) -> Call[list[PlanImport]]:
        """The organisation's plan imports, newest first."""
        return self._items(f"{organization_path(org_id)}/plan-imports", PlanImport)

    @operation
    def get_plan_import(self, import_id: int) -> Call[PlanImport]:
        """A plan import with its proposal."""
        return self._session.get(f"{API_PREFIX}/plan-imports/{int(import_id)}", PlanImport)

    @operation
    def apply_plan_import(self, import_id: int, *, cycle_year: int | None = None) -> Call[Revision]:
        """Apply a plan import as a new draft revision (its ETag is remembered)."""
        session = self._session
        call = session.send(
            "POST",
            f"{API_PREFIX}/plan-imports/{int(import_id)}/apply",
            Revision,
            learn=session.learn_revision,
        )
        return Call(
            method=call.method,
            path=call.path,
            read=call.read,
            params=query(cycle_year=cycle_year),
        )

    def _items(self, path: str, item: type[T]) -> Call[list[T]]:
        """A collection the API answers in one page (reviews, API keys), as a list."""

        def read(response: httpx.Response) -> list[T]:
            page: Page[T] = decode(response.content, Page[item])  # type: ignore[valid-type]
            return page.items

        return Call(method="GET", path=path, read=read)

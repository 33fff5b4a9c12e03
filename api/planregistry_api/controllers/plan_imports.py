"""Plan imports: upload a plan document, read what it would become, apply it as a draft.

`POST /organizations/{org_id}/plan-imports` takes the file as `multipart/form-data`
(field `file`, at most `MAX_UPLOAD_BYTES`) and answers 201 with the stored proposal, or
200 with the one already stored when the organisation uploaded the same document
(same SHA-256) before. `GET /plan-imports/{import_id}` reads it again;
`POST /plan-imports/{import_id}/apply` writes it as a new draft revision (201, Location
of the revision), refused with 409 while the plan has an open draft or when it was
applied already. A file that cannot be read answers 422 (`unreadable-document`,
`document-too-large`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter

from planregistry import PlanImport, Revision
from planregistry.importing import Limits
from planregistry_api import problems
from planregistry_api.access import requires
from planregistry_api.auth import ActorDep
from planregistry_api.dependencies import RegistryDep
from planregistry_api.openapi import LOCATION_HEADER
from planregistry_api.pagination import Envelope, paginated
from planregistry_api.parameters import Id, Slug
from planregistry_domain.paging import Page
from planregistry_domain.policy import Action
from planregistry_domain.wire import API_PREFIX

MAX_UPLOAD_BYTES = Limits().max_bytes
CycleYear = Annotated[int | None, QueryParameter(ge=2000, le=2100)]


@dataclass
class PlanUpload:
    """The upload form: the document, and optionally the plan's year and programme."""

    file: UploadFile
    cycle_year: int | None = None
    programme_id: str | None = None


class PlanImportController(Controller):
    path = "/"
    tags = ("plan-imports",)

    @post(
        "/organizations/{org_id:str}/plan-imports",
        operation_id="createPlanImport",
        opt=requires(Action.EDIT_DRAFT),
        summary="Upload a plan document (.docx, PDF with text, OCR text) for a proposal",
        description="The proposal lists sections, activities, the situation picture, the "
        "passages whose Swedish letters were restored, and findings (what could not be "
        "placed, with page and line). Nothing is written to the plan until it is applied. "
        "The same document (by SHA-256) uploaded again answers 200 with the stored import.",
        sync_to_thread=True,
        request_max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 413, 422),
    )
    def create_plan_import(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        org_id: Slug,
        data: Annotated[PlanUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[PlanImport]:
        content = data.file.file.read(MAX_UPLOAD_BYTES + 1)
        plan_import, created = registry.create_plan_import(
            org_id,
            content,
            data.file.filename or "dokument",
            programme_id=data.programme_id,
            cycle_year=data.cycle_year,
            actor=actor,
        )
        return Response(
            plan_import,
            status_code=201 if created else 200,
            headers={"Location": f"{API_PREFIX}/plan-imports/{plan_import.id}"},
        )

    @get(
        "/organizations/{org_id:str}/plan-imports",
        operation_id="listPlanImports",
        opt=requires(Action.READ_PLAN),
        summary="List an organisation's plan imports, newest first",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def list_plan_imports(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        org_id: Slug,
    ) -> Response[Envelope[PlanImport]]:
        # An organisation has a handful of imports: all of them in one page.
        page = Page(items=registry.list_plan_imports(org_id, actor=actor))
        return paginated(page, request)

    @get(
        "/plan-imports/{import_id:int}",
        operation_id="getPlanImport",
        opt=requires(Action.READ_PLAN),
        summary="Read a plan import and its proposal",
        sync_to_thread=True,
        responses=problems.responses(400, 404),
    )
    def get_plan_import(self, registry: RegistryDep, actor: ActorDep, import_id: Id) -> PlanImport:
        return registry.get_plan_import(import_id, actor=actor)

    @post(
        "/plan-imports/{import_id:int}/apply",
        operation_id="applyPlanImport",
        opt=requires(Action.EDIT_DRAFT),
        summary="Apply a plan import as a new draft revision",
        description="Runs the same steps as a draft edited by hand, in one transaction: "
        "the plan (made if the organisation has none under the programme), a new revision, "
        "its sections, situation picture and activities. `cycle_year` is needed when the "
        "document does not say its year. 409 while the plan has an open draft, or when the "
        "import was applied before.",
        sync_to_thread=True,
        response_headers=[LOCATION_HEADER],
        responses=problems.responses(400, 404, 409, 422),
    )
    def apply_plan_import(
        self,
        registry: RegistryDep,
        actor: ActorDep,
        import_id: Id,
        cycle_year: CycleYear = None,
    ) -> Response[Revision]:
        revision = registry.apply_plan_import(import_id, cycle_year=cycle_year, actor=actor)
        return Response(
            revision,
            status_code=201,
            headers={"Location": f"{API_PREFIX}/revisions/{revision.id}"},
        )

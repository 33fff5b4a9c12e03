"""The OpenAPI document's frame: info, tags, where it is served, shared headers."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from litestar import Router
from litestar.datastructures import ResponseHeader
from litestar.handlers.http_handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
    Tag,
)

from planregistry_api.access import (
    PUBLIC,
    declared_actions,
    describe_access,
    is_public,
    route_handlers,
)
from planregistry_api.docs import SwaggerPage, only_known_documentation
from planregistry_api.openapi_exact import command_structs, exact_command_schemas, exact_operation
from planregistry_api.problems import description
from planregistry_domain.wire import API_PREFIX

if TYPE_CHECKING:
    from litestar import Litestar

SCHEMA_PATH = f"{API_PREFIX}/schema"

LOCATION_HEADER = ResponseHeader(
    name="Location",
    documentation_only=True,
    description="Where the created resource (or the collection listing it) is read.",
)

TAGS = [
    Tag(name="health", description="Is the service up, and its database reachable."),
    Tag(name="programmes", description="Programmes (riktlinjer) a plan answers to."),
    Tag(name="organizations", description="Organisations (förvaltning + nämnd)."),
    Tag(name="plans", description="An organisation's plan (handlingsplan) under a programme."),
    Tag(
        name="revisions",
        description="A plan's yearly revisions and their content: sections and the "
        "situation picture (lägesbild).",
    ),
    Tag(name="activities", description="A revision's activities (åtgärder)."),
    Tag(name="follow-ups", description="Follow-up (uppföljning) of an activity per period."),
    Tag(name="decisions", description="Committee and city executive board decisions."),
    Tag(name="reviews", description="Central review (granskning) and completeness."),
    Tag(name="audit", description="The audit trail of every write (central role)."),
    Tag(name="api-keys", description="API keys for city systems (central role)."),
    Tag(
        name="plan-imports",
        description="Existing plans brought in from Word, PDF or OCR text: a proposal to "
        "review, then applied as a draft revision.",
    ),
]

DESCRIPTION = """\
The registry of local action plans against violent extremism (lokala handlingsplaner mot
våldsbejakande extremism).

* Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type`
  under `https://planregistry.se/problems/`.
* Every editable resource (organisation, revision, activity) has a strong `ETag`; a write
  carries it as `If-Match` (missing: 428, outdated: 412). A revision's ETag changes with
  any change to its parts.
* Every operation but `getHealth` and this document needs credentials: a JWT as
  `Authorization: Bearer <token>` (claims `sub`, `name`, `municipality`, `roles`: one of
  `central`, `coordinator`, `reader`, and `organization` for a coordinator), or an API key
  as `X-API-Key`. Without them: 401. The caller sees its own municipality only; what it
  may not see answers 404, what it sees but may not do answers 403. Each operation names
  the policy action it performs and the roles the policy allows.
* Bodies are `application/json` (else 415), UTF-8 and nested at most 32 levels (else 400).
  Beyond what this document states, 422 comes only from rules on stored data or across
  fields (see the 422 responses). A PATCH that changes nothing keeps the ETag.
* Every response carries `X-Request-ID` (the caller's, when sane, or a new one); the audit
  trail records it with each write.
* Collections answer `{"items", "next_cursor", "links": {"next"}}` and a `Link: rel="next"`
  header; pass `cursor` to read on, `limit` (1–500, default 50) to size pages and
  `modified_since` (RFC 3339) for an incremental sync.
"""


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="planregistry API",
        version="1.0.0",
        description=DESCRIPTION,
        tags=TAGS,
        # Public: the document describes the API, never its data.
        openapi_router=Router(
            SCHEMA_PATH,
            route_handlers=[],
            include_in_schema=False,
            opt=PUBLIC,
            guards=[only_known_documentation],
        ),
        # Swagger UI from the app's own files (planregistry_api.docs), no CDN.
        render_plugins=[SwaggerPage(SCHEMA_PATH)],
    )


def complete_openapi(app: Litestar) -> None:
    """Add what Litestar's generator leaves out, before the document is first served.

    Commands refuse unknown fields, so their schemas say `additionalProperties: false`
    (clients and fuzzers then know an extra field is an error); a response header
    needs a schema to be valid OpenAPI. Each operation's access comes from its route's
    declared policy: public ones need no credentials (`security: []`); the others can
    answer 401 and 403 and say which roles the policy allows.
    """
    openapi = app.openapi_schema
    _name_envelopes(openapi)
    strict = {cls.__name__ for cls in command_structs()}
    for name, schema in (openapi.components.schemas or {}).items():
        if name in strict:
            schema.additional_properties = False
    exact_command_schemas(openapi)
    handlers = {
        handler.operation_id: handler
        for _path, handler in route_handlers(app)
        if isinstance(handler.operation_id, str)
    }
    for path, path_item in (openapi.paths or {}).items():
        for method in ("get", "put", "post", "patch", "delete"):
            operation: Operation | None = getattr(path_item, method)
            if operation is None:
                continue
            # The health check is the one operation the rate limits never count.
            exact_operation(operation, rate_limited=path != f"{API_PREFIX}/health")
            handler = handlers.get(operation.operation_id or "")
            if handler is not None:
                _document_access(operation, handler)
            for response in (operation.responses or {}).values():
                if not isinstance(response, OpenAPIResponse):
                    continue
                for header in (response.headers or {}).values():
                    if isinstance(header, OpenAPIHeader) and header.schema is None:
                        header.schema = Schema(type=OpenAPIType.STRING)


_ENVELOPE = re.compile(r"^Envelope_(?:[\w.]+\.)?(?P<item>\w+)_$")


def _name_envelopes(openapi: OpenAPI) -> None:
    """Name the one generic page envelope per item, `ActivityPage`… (Litestar names a
    generic after its module path, which is no part of the contract)."""
    schemas = openapi.components.schemas if openapi.components else None
    if not schemas:
        return
    renamed = {old: f"{m['item']}Page" for old in schemas if (m := _ENVELOPE.match(old))}
    for old, new in renamed.items():
        schema = schemas.pop(old)
        if isinstance(schema, Schema):
            schema.title = new
        schemas[new] = schema
    prefix = "#/components/schemas/"
    _retarget(openapi, {prefix + old: prefix + new for old, new in renamed.items()})


def _retarget(node: object, refs: dict[str, str]) -> None:
    if isinstance(node, Reference):
        node.ref = refs.get(node.ref, node.ref)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            _retarget(getattr(node, item.name), refs)
    elif isinstance(node, dict):
        for value in node.values():
            _retarget(value, refs)
    elif isinstance(node, list):
        for value in node:
            _retarget(value, refs)


def _document_access(operation: Operation, handler: HTTPRouteHandler) -> None:
    if is_public(handler):
        operation.security = []
        return
    responses = operation.responses if operation.responses is not None else {}
    problem = responses.get("500")
    content = problem.content if isinstance(problem, OpenAPIResponse) else None
    media = dict(content or {})
    for status in (401, 403):
        responses.setdefault(
            str(status),
            OpenAPIResponse(
                description=description(status),
                content={k: OpenAPIMediaType(schema=v.schema) for k, v in media.items()},
                headers={"WWW-Authenticate": _WWW_AUTHENTICATE} if status == 401 else None,
            ),
        )
    operation.responses = dict(sorted(responses.items()))
    access = describe_access(declared_actions(handler))
    text = operation.description
    operation.description = f"{text}\n\n{access}" if text else access


_WWW_AUTHENTICATE = OpenAPIHeader(
    schema=Schema(type=OpenAPIType.STRING),
    description='`Bearer realm="planregistry"`, with `error="invalid_token"` when the '
    "credentials sent were not accepted.",
)

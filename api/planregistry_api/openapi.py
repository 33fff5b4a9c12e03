"""The OpenAPI document's frame: info, tags, where it is served, shared headers."""

from __future__ import annotations

import inspect

import msgspec
from litestar.datastructures import ResponseHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
    Tag,
)

from planregistry.domain import commands

API_PREFIX = "/api/v1"
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
]

DESCRIPTION = """\
The registry of local action plans against violent extremism (lokala handlingsplaner mot
våldsbejakande extremism).

* Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type`
  under `https://planregistry.se/problems/`.
* Every editable resource (organisation, revision, activity) has a strong `ETag`; a write
  carries it as `If-Match` (missing: 428, outdated: 412). A revision's ETag changes with
  any change to its parts.
* Collections answer `{"items", "next_cursor", "links": {"next"}}` and a `Link: rel="next"`
  header; pass `cursor` to read on, `limit` (1–500, default 50) to size pages and
  `modified_since` (RFC 3339) for an incremental sync.
"""


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="planregistry API",
        version="1.0.0",
        description=DESCRIPTION,
        path=SCHEMA_PATH,
        tags=TAGS,
        render_plugins=[
            SwaggerRenderPlugin(path=["/", "/swagger"]),
            RedocRenderPlugin(path="/redoc"),
        ],
    )


def complete_openapi(openapi: OpenAPI) -> None:
    """Add what Litestar's generator leaves out, before the document is first served.

    Commands refuse unknown fields, so their schemas say `additionalProperties: false`
    (clients and fuzzers then know an extra field is an error); a response header
    needs a schema to be valid OpenAPI.
    """
    strict = {
        name
        for name, cls in inspect.getmembers(commands, inspect.isclass)
        if issubclass(cls, msgspec.Struct) and cls.__struct_config__.forbid_unknown_fields
    }
    for name, schema in (openapi.components.schemas or {}).items():
        if name in strict:
            schema.additional_properties = False
    for path_item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "patch", "delete"):
            operation: Operation | None = getattr(path_item, method)
            for response in (operation.responses or {}).values() if operation else ():
                if not isinstance(response, OpenAPIResponse):
                    continue
                for header in (response.headers or {}).values():
                    if isinstance(header, OpenAPIHeader) and header.schema is None:
                        header.schema = Schema(type=OpenAPIType.STRING)

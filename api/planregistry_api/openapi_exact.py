"""The OpenAPI document says exactly what the server enforces.

Litestar's generator drops constraints it cannot place: item constraints of arrays
(`partners` items are names of 1–300 characters), bounds beside `UNSET` (`position`
≥ 0), caps on item counts. The commands are validated by msgspec, so their schemas are
taken from msgspec's own JSON Schema of each command rather than from Litestar's reading
of it. Beside them: `If-Match` is required wherever it is sent (the server answers 428
without it), an API key's role is never `system` (refused by the Registry), and every
operation taking a JSON body can answer 400 (unreadable JSON) and 415 (not JSON).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

import msgspec
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    Schema,
)

from planregistry_api.problems import description
from planregistry_domain import activity_details, actor_register, board, commands, documents
from planregistry_domain.vocabulary import Role

_REFS = "#/components/schemas/{name}"
# Roles an API key may be given (`Registry.create_api_key` refuses `system`).
KEY_ROLES = [role.value for role in Role if role is not Role.SYSTEM]


# The modules whose strict structs (unknown fields refused) are request bodies or parts.
COMMAND_MODULES = (commands, board, actor_register, documents, activity_details)


def command_structs() -> list[type[msgspec.Struct]]:
    """Every struct a request body is decoded into: they refuse unknown fields."""
    return [
        cls
        for module in COMMAND_MODULES
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, msgspec.Struct)
        and cls.__module__ == module.__name__
        and cls.__struct_config__.forbid_unknown_fields
    ]


def exact_command_schemas(openapi: OpenAPI) -> None:
    """Each command's component schema as msgspec validates it."""
    schemas = openapi.components.schemas if openapi.components else None
    if schemas is None:
        return
    structs = command_structs()
    _refs, components = msgspec.json.schema_components(structs, ref_template=_REFS)
    for name, component in components.items():
        converted = _schema(component)
        if name in schemas and isinstance(converted, Schema) and converted.properties:
            schemas[name] = converted
    for name in ("CreateApiKey", "ApiKey"):  # a key asked for, and a key as it is shown
        key = schemas.get(name)
        if isinstance(key, Schema) and key.properties:
            key.properties["role"] = Schema(type=OpenAPIType.STRING, enum=KEY_ROLES)


def exact_operation(operation: Operation, *, rate_limited: bool) -> None:
    """`If-Match` required; 400 and 415 documented where a JSON body is read; 503 (the
    database out of reach) everywhere and 429 wherever requests are counted."""
    _document_statuses(operation, ("503", "429") if rate_limited else ("503",))
    for parameter in operation.parameters or []:
        if isinstance(parameter, Parameter) and parameter.name.lower() == "if-match":
            parameter.required = True
            parameter.schema = Schema(type=OpenAPIType.STRING, min_length=1)
    body = operation.request_body
    content = getattr(body, "content", None) or {}
    if "application/json" not in content:
        return
    _document_statuses(operation, ("400", "415"))


def _document_statuses(operation: Operation, statuses: tuple[str, ...]) -> None:
    """Each status as a problem answer, in the operation's order of statuses."""
    responses = operation.responses if operation.responses is not None else {}
    problem = responses.get("500")
    media = problem.content if isinstance(problem, OpenAPIResponse) else None
    for status in statuses:
        responses.setdefault(
            status,
            OpenAPIResponse(
                description=description(int(status)),
                content={k: OpenAPIMediaType(schema=v.schema) for k, v in (media or {}).items()},
            ),
        )
    operation.responses = dict(sorted(responses.items()))


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_RENAMED = {"not": "schema_not", "$defs": None}


def _schema(node: dict[str, Any]) -> Schema | Reference:
    """A JSON Schema (as msgspec writes it) as Litestar's OpenAPI objects."""
    if "$ref" in node:
        return Reference(ref=node["$ref"])
    fields: dict[str, Any] = {}
    for key, value in node.items():
        name = _RENAMED.get(key, _CAMEL.sub("_", key).lower())
        if name is None:
            continue
        if name == "properties":
            value = {k: _schema(v) for k, v in value.items()}
        elif name in ("items", "schema_not", "additional_properties") and isinstance(value, dict):
            value = _schema(value)
        elif name in ("any_of", "one_of", "all_of", "prefix_items"):
            value = [_schema(v) for v in value]
        elif name == "type":
            value = (
                [OpenAPIType(v) for v in value] if isinstance(value, list) else OpenAPIType(value)
            )
        elif name == "format":
            value = OpenAPIFormat(value)
        fields[name] = value
    return Schema(**fields)

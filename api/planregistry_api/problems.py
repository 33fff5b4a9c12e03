"""RFC 9457 problem details: every error the API answers, mapped in this one place.

Each library exception class has one status and one stable `type` URI built from its
`type_slug`; Litestar's own errors (routing, malformed or oversized bodies, parameter
validation) are answered in the same shape. A 5xx never carries internal details.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ExceptionHandlersMap
from msgspec import UNSET, Struct, UnsetType

from planregistry_domain.errors import (
    Conflict,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    PlanRegistryError,
    StaleVersion,
    ValidationError,
)
from planregistry_domain.wire import PROBLEM_JSON, problem_type

WWW_AUTHENTICATE = 'Bearer realm="planregistry"'

logger = logging.getLogger("planregistry_api")


class FieldProblem(Struct, kw_only=True):
    """One invalid input: a JSON path into the body (`$.themes[1]`) or `query.<parameter>`."""

    path: str
    message: str


class ProblemDetails(Struct, kw_only=True, omit_defaults=True):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldProblem] | UnsetType = UNSET
    current_status: str | UnsetType = UNSET
    allowed: list[str] | UnsetType = UNSET


# Checked along the exception's MRO, so a subclass (StaleVersion, ReadOnly) finds its own
# entry before its base's.
LIBRARY_STATUS: dict[type[PlanRegistryError], HTTPStatus] = {
    NotFound: HTTPStatus.NOT_FOUND,
    ValidationError: HTTPStatus.UNPROCESSABLE_ENTITY,
    StaleVersion: HTTPStatus.PRECONDITION_FAILED,
    Conflict: HTTPStatus.CONFLICT,
    IllegalTransition: HTTPStatus.CONFLICT,
    PermissionDenied: HTTPStatus.FORBIDDEN,
    PlanRegistryError: HTTPStatus.BAD_REQUEST,
}

# Litestar's and the API's own errors: slug and Swedish title, as the library's have.
HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Felaktig begäran"),
    401: ("unauthorized", "Inloggning krävs"),
    403: ("forbidden", "Åtkomst nekad"),
    404: ("not-found", "Hittades inte"),
    405: ("method-not-allowed", "Metoden är inte tillåten"),
    406: ("not-acceptable", "Formatet kan inte levereras"),
    413: ("content-too-large", "Begäran är för stor"),
    414: ("uri-too-long", "Adressen är för lång"),
    415: ("unsupported-media-type", "Formatet stöds inte"),
    422: ("validation", "Ogiltiga uppgifter"),
    428: ("precondition-required", "If-Match krävs"),
    429: ("too-many-requests", "För många förfrågningar"),
    431: ("header-fields-too-large", "Huvudfälten är för stora"),
    500: ("internal-error", "Internt fel"),
    503: ("unavailable", "Tjänsten är inte tillgänglig"),
}
INVALID_PARAMETER = ("invalid-parameter", "Ogiltig parameter")


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response[ProblemDetails]:
    body = ProblemDetails(
        type=problem_type(slug),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        **extensions,
    )
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def library_error(request: Request[Any, Any, Any], exc: PlanRegistryError) -> Response[Any]:
    status = next(LIBRARY_STATUS[c] for c in type(exc).__mro__ if c in LIBRARY_STATUS)
    extensions: dict[str, Any] = {}
    slug, title = exc.type_slug, exc.title
    if isinstance(exc, ValidationError):
        errors = [FieldProblem(path=e.path, message=e.message) for e in exc.errors]
        # A bad parameter is a bad request, not unprocessable content. The library names
        # a parameter plainly and a body field by JSON path; without a body, it can only
        # be about the parameters.
        about_body = request.route_handler.parsed_data_field is not None
        if (errors and not any(e.path.startswith("$") for e in errors)) or not about_body:
            status = HTTPStatus.BAD_REQUEST
            slug, title = INVALID_PARAMETER
            # The parameters the API hands the library (filters, paging) are all in the
            # query; name them as Litestar's own parameter errors do.
            for error in errors:
                error.path = f"query.{error.path}"
            if errors:
                extensions["errors"] = errors
        else:
            extensions["errors"] = errors or [FieldProblem(path="$", message=exc.detail)]
    if isinstance(exc, IllegalTransition):
        extensions["current_status"] = exc.current
        extensions["allowed"] = list(exc.allowed)
    return problem_response(request, status, slug, title, exc.detail, **extensions)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500:
        return server_error(request, exc)
    if isinstance(exc, ValidationException):
        return _validation_exception(request, exc)
    slug, title = HTTP_PROBLEMS.get(status) or _generic(status)
    detail = _detail(request, exc, title)
    headers = dict(exc.headers or {})
    if status == 401:
        # RFC 9110: a 401 names the scheme to authenticate with.
        headers.setdefault("WWW-Authenticate", WWW_AUTHENTICATE)
    return problem_response(request, status, slug, title, detail, headers=headers or None)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 500:
        logger.exception("Unexpected error on %s %s", request.method, request.url.path)
    slug, title = HTTP_PROBLEMS.get(status) or _generic(status)
    detail = "Ett oväntat fel inträffade; det är loggat." if status == 500 else title
    return problem_response(request, status, slug, title, detail)


def _validation_exception(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Litestar's own validation: a body that does not fit (422) or a bad parameter (400)."""
    messages = exc.extra if isinstance(exc.extra, list) else []
    errors: list[FieldProblem] = []
    in_body = False
    for message in messages:
        source, key = message.get("source"), str(message.get("key", ""))
        source = getattr(source, "value", source)  # Litestar's ParamType enum
        if source == "body":
            in_body = True
            path = "$" if key in ("", "data") else f"$.{key}"
        else:
            key = _wire_name(request, key)
            path = f"{source}.{key}" if source else key
        errors.append(FieldProblem(path=path, message=str(message.get("message", ""))))
    if in_body:
        slug, title = HTTP_PROBLEMS[422]
        status = 422
    else:
        slug, title = INVALID_PARAMETER
        status = 400
    detail = "; ".join(f"{e.path}: {e.message}" for e in errors) or title
    return problem_response(request, status, slug, title, detail, errors=errors)


def _wire_name(request: Request[Any, Any, Any], key: str) -> str:
    """A parameter as the client names it (`format`), not the handler's argument (`fmt`)."""
    parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    alias = getattr(parameter.kwarg_definition, "name", None) if parameter else None
    return alias if isinstance(alias, str) and alias else key


def _detail(request: Request[Any, Any, Any], exc: HTTPException, title: str) -> str:
    if exc.status_code == 404:
        return f"Det finns ingen resurs på {request.url.path}."
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("allow", "")
        return f"{request.method} är inte tillåten på {request.url.path}; tillåtna: {allowed}."
    if exc.status_code == 413:
        limit = request.route_handler.resolve_request_max_body_size()
        return f"Innehållet får vara högst {limit} byte."
    generic = exc.detail in ("", HTTPStatus(exc.status_code).phrase)
    return title if generic else exc.detail


def _generic(status: int) -> tuple[str, str]:
    phrase = HTTPStatus(status).phrase
    return phrase.lower().replace(" ", "-").replace("'", ""), phrase


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    PlanRegistryError: library_error,
    HTTPException: http_error,
    Exception: server_error,
}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problems an operation can answer (500 always)."""
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_JSON,
            generate_examples=False,
        )
        for status in sorted({*statuses, 500})
    }


_DESCRIPTIONS = {
    400: "Malformed request: unreadable JSON, or a query/header parameter that is invalid "
    "(`invalid-parameter`, with `errors`).",
    401: "No valid credentials (`unauthorized`): send `Authorization: Bearer <JWT>` or "
    "`X-API-Key`. The `WWW-Authenticate` header names the scheme.",
    403: "The caller may see the resource but not do this (`forbidden`).",
    404: "No such resource, or one the caller may not see (`not-found`).",
    406: "None of the formats `Accept` asks for can be produced (`not-acceptable`).",
    409: "Conflicts with what is stored (`conflict`), or not possible in the revision's "
    "status (`illegal-transition`, `read-only`, with `current_status` and `allowed`).",
    412: "`If-Match` does not name the current version (`stale-version`): read it again.",
    413: "The request body is larger than the limit (`content-too-large`).",
    415: "The body is not sent as `Content-Type: application/json` (`unsupported-media-type`).",
    422: "The body does not validate (`validation`, with `errors` listing each field): "
    "against this document, or against rules that depend on stored data and so cannot be "
    "written into it (an activity's `level` and `themes` and a situation's questions and "
    "environments are the programme's, `section_order` names each of the revision's "
    "sections once, only a coordinator key names an organisation and it must, survey "
    "counts add up to at most the respondents).",
    428: "The write needs `If-Match` with the resource's ETag (`precondition-required`).",
    429: "Too many requests from this caller or address (`too-many-requests`): wait the "
    "seconds `Retry-After` gives; `RateLimit` and `RateLimit-Policy` say what is left.",
    500: "Unexpected failure (`internal-error`); no details are disclosed.",
    503: "The database cannot be reached (`unavailable`): try again after `Retry-After` seconds.",
}


def description(status: int) -> str:
    """What a problem status means in this API, as the OpenAPI document says it."""
    return _DESCRIPTIONS[status]


NOT_MODIFIED = {
    304: ResponseSpec(
        data_container=None,
        description="Not modified: the `If-None-Match` tag is still current.",
    )
}

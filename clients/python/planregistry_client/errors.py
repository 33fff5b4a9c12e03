"""The client's exceptions: the API's problem details as the library's own exception types.

Every error answer of the API (RFC 9457 problem details) is raised as an `ApiError`, and
the ones the library also raises are subclasses of *both* the client class and the
library's class, so one `except` serves a script whether it talks to a `Registry` or to
the API:

    planregistry_domain.errors.PlanRegistryError
    ├── ApiError                  any error answer: .status, .problem, .method, .url
    │   ├── NotFound              404, also what the caller may not see  (planregistry.NotFound)
    │   ├── ValidationError       422 / 400, .errors by field     (planregistry.ValidationError)
    │   ├── Conflict              409                                    (planregistry.Conflict)
    │   │   └── StaleVersion      412, with the current version      (planregistry.StaleVersion)
    │   ├── IllegalTransition     409, .current, .allowed       (planregistry.IllegalTransition)
    │   │   └── ReadOnly          409 read-only                          (planregistry.ReadOnly)
    │   ├── PermissionDenied      403                            (planregistry.PermissionDenied)
    │   ├── Unauthorized          401: no or invalid credentials
    │   ├── PreconditionRequired  428: a write without If-Match
    │   └── ServerError           5xx
    ├── TransportError            no answer: connection refused, reset, DNS…
    │   └── Timeout               no answer in time
    └── UnexpectedResponse        an answer this client cannot read (another API version?)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import msgspec
from msgspec import Struct, field

from planregistry_domain import errors as library
from planregistry_domain.errors import FieldError, PlanRegistryError
from planregistry_domain.wire import PROBLEM_JSON, problem_slug, version_of

if TYPE_CHECKING:
    from planregistry_domain import Activity, Organization, Revision


class Problem(Struct, kw_only=True):
    """RFC 9457 problem details as the API sends them (`application/problem+json`)."""

    type: str = "about:blank"
    title: str = ""
    status: int = 0
    detail: str = ""
    instance: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    current_status: str | None = None
    allowed: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """The last part of `type`: `not-found`, `stale-version`, `validation`…"""
        return problem_slug(self.type)


class ApiError(PlanRegistryError):
    """An error answer of the API. `detail` is the server's text (Swedish)."""

    status: int
    problem: Problem
    method: str
    url: str
    request_id: str | None

    def __init__(
        self, problem: Problem, *, method: str, url: str, request_id: str | None = None
    ) -> None:
        # The library classes' own constructors take other arguments; skip them.
        PlanRegistryError.__init__(self, problem.detail or problem.title)
        self.status = problem.status
        self.problem = problem
        self.method = method
        self.url = url
        self.request_id = request_id

    def __str__(self) -> str:
        where = f"{self.status} {self.problem.slug} on {self.method} {self.url}"
        if self.request_id:
            where += f", request id {self.request_id}"
        return f"{self.detail} ({where})"


class NotFound(ApiError, library.NotFound):
    """404: no such resource, or one the caller may not see. `key` is the path's last part."""

    def __init__(
        self, problem: Problem, *, method: str, url: str, request_id: str | None = None
    ) -> None:
        super().__init__(problem, method=method, url=url, request_id=request_id)
        path = httpx.URL(url).path
        self.entity = path
        self.key = path.rstrip("/").rpartition("/")[2]


class ValidationError(ApiError, library.ValidationError):
    """422 (a body that does not validate) or 400 `invalid-parameter`; `.errors` names fields."""

    def __init__(
        self, problem: Problem, *, method: str, url: str, request_id: str | None = None
    ) -> None:
        super().__init__(problem, method=method, url=url, request_id=request_id)
        self.errors = tuple(problem.errors)

    def __str__(self) -> str:
        fields = "; ".join(f"{e.path}: {e.message}" for e in self.errors)
        return super().__str__() + (f" [{fields}]" if fields else "")


class Conflict(ApiError, library.Conflict):
    """409: the request contradicts what is stored (a duplicate id, a second open draft…)."""


class StaleVersion(Conflict, library.StaleVersion):
    """412: someone changed the resource since the version this write was based on.

    The client never retries: it reads the resource once more and hands it over, as
    `current_resource` (an `Organization`, `Revision` or `Activity`) with `current` (its
    version) and `current_etag`. Look at what changed, then write again with
    `if_match=exc.current_etag` (or read it with `get_…`, which remembers the new ETag).
    `expected` is the version the refused write named. The client forgets the stale
    ETag it held, so repeating the same call unchanged does not overwrite anything.
    """

    current_resource: Organization | Revision | Activity | None
    current_etag: str | None

    def __init__(
        self,
        problem: Problem,
        *,
        method: str,
        url: str,
        request_id: str | None = None,
        entity: str = "",
        key: object = None,
        sent_etag: str | None = None,
        current_resource: Organization | Revision | Activity | None = None,
        current_etag: str | None = None,
    ) -> None:
        super().__init__(problem, method=method, url=url, request_id=request_id)
        self.entity = entity
        self.key = key
        self.expected = version_of(sent_etag) or 0
        self.current_resource = current_resource
        self.current_etag = current_etag
        if current_resource is not None:
            self.current = current_resource.version
        else:
            self.current = version_of(current_etag) or 0

    def __str__(self) -> str:
        text = super().__str__()
        if self.current_resource is not None:
            text += f"; current version {self.current} (ETag {self.current_etag})"
        return text


class IllegalTransition(ApiError, library.IllegalTransition):
    """409: the revision's status does not allow this; `.current` and `.allowed` say why."""

    def __init__(
        self, problem: Problem, *, method: str, url: str, request_id: str | None = None
    ) -> None:
        super().__init__(problem, method=method, url=url, request_id=request_id)
        self.current = problem.current_status or ""
        self.allowed = tuple(problem.allowed)


class ReadOnly(IllegalTransition, library.ReadOnly):
    """409 `read-only`: only a draft revision's content changes."""


class PermissionDenied(ApiError, library.PermissionDenied):
    """403: the caller may see the resource but not do this."""


class Unauthorized(ApiError):
    """401: no credentials, or a token/API key that is invalid, expired or revoked."""


class PreconditionRequired(ApiError):
    """428: a write needs `If-Match`, and the client knew no ETag for the resource.

    Read the resource first (`get_…`; the client remembers its ETag) or pass
    `if_match=` / `expected_version=`.
    """


class ServerError(ApiError):
    """5xx: the server failed or cannot reach its database; nothing to fix in the request."""


class TransportError(PlanRegistryError):
    """No answer from the API: it could not be reached, or the connection failed."""

    def __init__(self, detail: str, *, method: str, url: str) -> None:
        super().__init__(detail)
        self.method = method
        self.url = url


class Timeout(TransportError):
    """The API did not answer within the client's timeout."""


class UnexpectedResponse(PlanRegistryError):
    """An answer the client cannot read as the type it expected (another API version?)."""

    def __init__(self, detail: str, *, method: str, url: str, status: int) -> None:
        super().__init__(detail)
        self.method = method
        self.url = url
        self.status = status


_BY_SLUG: dict[str, type[ApiError]] = {
    "not-found": NotFound,
    "validation": ValidationError,
    "invalid-parameter": ValidationError,
    "conflict": Conflict,
    "stale-version": StaleVersion,
    "illegal-transition": IllegalTransition,
    "read-only": ReadOnly,
    "forbidden": PermissionDenied,
    "unauthorized": Unauthorized,
    "precondition-required": PreconditionRequired,
}
_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    412: StaleVersion,
    422: ValidationError,
    428: PreconditionRequired,
}
_PROBLEM = msgspec.json.Decoder(Problem)


def problem_of(response: httpx.Response) -> Problem:
    """The answer's problem details; made up from the status when the body has none."""
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if media_type in (PROBLEM_JSON, "application/json"):
        try:
            problem = _PROBLEM.decode(response.content)
        except msgspec.MsgspecError:
            pass
        else:
            problem.status = problem.status or response.status_code
            return problem
    text = response.text.strip() if media_type.startswith("text/") else ""
    detail = text[:500] or f"{response.status_code} {response.reason_phrase}"
    if response.is_redirect:
        detail = (
            f"{response.status_code} {response.reason_phrase}: the server redirects to "
            f"{response.headers.get('location')}; set base_url to the address it names."
        )
    return Problem(title=response.reason_phrase, status=response.status_code, detail=detail)


def error_class(problem: Problem) -> type[ApiError]:
    by_slug = _BY_SLUG.get(problem.slug)
    if by_slug is not None:
        return by_slug
    if problem.status >= 500:
        return ServerError
    return _BY_STATUS.get(problem.status, ApiError)


def api_error(response: httpx.Response) -> ApiError:
    """The exception for an error answer (a 412 without the current version attached)."""
    problem = problem_of(response)
    cls = error_class(problem)
    return cls(
        problem,
        method=response.request.method,
        url=str(response.request.url),
        request_id=response.headers.get("x-request-id"),
    )

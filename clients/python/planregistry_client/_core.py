"""What the synchronous and the asynchronous client share: everything but the I/O.

An operation is written once, as a method of `Operations` that *describes* a request
(a `Call`: method, path, query, body, headers, how to read the answer). The
`operation` and `paginated` decorators turn it into a method of both clients: on a
`Client` it sends the call with `httpx.Client` and returns the result, on an
`AsyncClient` it returns a coroutine (or an async iterator) doing the same with
`httpx.AsyncClient`. Each client implements only `_execute` and `_pages`; mypy sees the
operation's own signature on both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.message
import enum
import functools
import inspect
import platform
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload
from urllib.parse import quote

import httpx
import msgspec

from planregistry_client import errors
from planregistry_domain import Activity, Organization, Revision
from planregistry_domain import __version__ as library_version
from planregistry_domain.paging import Page
from planregistry_domain.wire import (
    ACTIVITY,
    API_PREFIX,
    API_VERSION,
    ORGANIZATION,
    REVISION,
    etag,
)

__version__ = library_version
"""The client's version: it ships with the domain, the library and the API, so it is theirs."""

DEFAULT_TIMEOUT = 10.0
DEFAULT_USER_AGENT = (
    f"planregistry-client/{__version__} (api {API_VERSION}; python {platform.python_version()}; "
    f"httpx {httpx.__version__})"
)
DEFAULT_RETRIES = 2
"""How many times a request that failed on the way (no answer) is sent again, when that is
safe (see `RetryPolicy`)."""
DEFAULT_RETRY_BACKOFF = 0.25
"""Seconds before the first retry; each further one waits twice as long (at most 5 s)."""
IDEMPOTENCY_KEY = "Idempotency-Key"
ETAG_CACHE_SIZE = 10_000
"""How many resources' ETags a client remembers (least recently used are forgotten)."""

JSON = "application/json"
_PROBLEM_JSON = "application/problem+json"

T = TypeVar("T")
P = ParamSpec("P")

Token = str | Callable[[], str]
"""A bearer token, or a function returning the current one (called for every request)."""


# --- ETags ---------------------------------------------------------------------------


class ETagCache:
    """The ETag of each resource the client has read or written, by its path.

    Reads remember it (from the `ETag` header, or from the `version` of resources read
    inside another one, such as a revision's activities); writes send it as `If-Match`
    and remember the new one. A change to an activity also changes its revision, so the
    revision's tag is forgotten then: read the revision again before changing it.
    """

    def __init__(self, maxsize: int = ETAG_CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self._tags: OrderedDict[str, str] = OrderedDict()
        self._parents: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()  # a sync Client may be shared by threads

    def get(self, path: str) -> str | None:
        with self._lock:
            tag = self._tags.get(path)
            if tag is not None:
                self._tags.move_to_end(path)
            return tag

    def remember(self, path: str, tag: str | None) -> None:
        """Remember a resource's tag; None (an answer without one) forgets it."""
        with self._lock:
            if tag is None:
                self._tags.pop(path, None)
                return
            self._tags[path] = tag
            self._tags.move_to_end(path)
            while len(self._tags) > self.maxsize:
                self._tags.popitem(last=False)

    def forget(self, path: str) -> None:
        with self._lock:
            self._tags.pop(path, None)

    def link(self, child: str, parent: str) -> None:
        """`child` is part of `parent`: a change to the child changes the parent."""
        with self._lock:
            self._parents[child] = parent
            self._parents.move_to_end(child)
            while len(self._parents) > self.maxsize:
                self._parents.popitem(last=False)

    def changed_part(self, child: str) -> None:
        """The child changed (or is gone): the parent's tag is no longer current."""
        with self._lock:
            parent = self._parents.get(child)
            if parent is not None:
                self._tags.pop(parent, None)

    def clear(self) -> None:
        with self._lock:
            self._tags.clear()
            self._parents.clear()

    def __len__(self) -> int:
        return len(self._tags)

    def __contains__(self, path: object) -> bool:
        return path in self._tags


def organization_path(org_id: str) -> str:
    return f"{API_PREFIX}/organizations/{segment(org_id)}"


def revision_path(revision_id: int) -> str:
    return f"{API_PREFIX}/revisions/{int(revision_id)}"


def activity_path(activity_id: int) -> str:
    return f"{API_PREFIX}/activities/{int(activity_id)}"


@dataclass(frozen=True)
class Resource:
    """A resource with an ETag: its path, what its tags name, and its type when read."""

    path: str
    kind: str
    key: object
    type_: type[Any]


def organization_resource(org_id: str) -> Resource:
    return Resource(organization_path(org_id), ORGANIZATION, org_id, Organization)


def revision_resource(revision_id: int) -> Resource:
    return Resource(revision_path(revision_id), REVISION, revision_id, Revision)


def activity_resource(activity_id: int) -> Resource:
    return Resource(activity_path(activity_id), ACTIVITY, activity_id, Activity)


def segment(value: str) -> str:
    """A path segment, escaped so that no value can reach another path."""
    return quote(str(value), safe="")


# --- Calls: one request, described -------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Precondition:
    """A write's `If-Match`: which resource it guards and how to read its current state."""

    path: str
    kind: str
    key: object
    sent: str | None
    # The resource read again after a 412, without touching the ETag cache.
    refetch: Callable[[], Call[tuple[Any, str | None]]]

    def headers(self) -> dict[str, str]:
        return {} if self.sent is None else {"If-Match": self.sent}


@dataclass(frozen=True, kw_only=True)
class Call(Generic[T]):
    """One HTTP request and how to turn its successful answer into a `T`."""

    method: str
    path: str
    read: Callable[[httpx.Response], T]
    params: list[tuple[str, str]] = field(default_factory=list)
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    precondition: Precondition | None = None

    def result(self, response: httpx.Response) -> T:
        """The result, or the API's error raised as the matching exception."""
        if response.is_success:
            try:
                return self.read(response)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                raise errors.UnexpectedResponse(
                    f"The answer to {self.method} {response.request.url} is not what this "
                    f"client (planregistry-client {__version__}, API {API_VERSION}) expects: "
                    f"{exc}. Is the server another version?",
                    method=self.method,
                    url=str(response.request.url),
                    status=response.status_code,
                ) from exc
        error = errors.api_error(response)
        if isinstance(error, errors.PreconditionRequired) and self.precondition is not None:
            error.detail += (
                f" The client holds no ETag for {self.precondition.path}: read it first "
                "(get_…), or pass if_match= or expected_version=."
            )
            error.args = (error.detail,)
        raise error

    def stale(self, response: httpx.Response, current: tuple[Any, str | None] | None) -> Exception:
        """The 412 as `StaleVersion`, with the resource as it is now (when it could be read)."""
        assert self.precondition is not None
        problem = errors.problem_of(response)
        resource, current_tag = current if current is not None else (None, None)
        return errors.StaleVersion(
            problem,
            method=response.request.method,
            url=str(response.request.url),
            request_id=response.headers.get("x-request-id"),
            entity=self.precondition.kind,
            key=self.precondition.key,
            sent_etag=self.precondition.sent,
            current_resource=resource,
            current_etag=current_tag,
        )


@dataclass(frozen=True, kw_only=True)
class Listing(Generic[T]):
    """A paginated collection with its filters: `page(cursor)` is the call for one page."""

    page: Callable[[str | None], Call[Page[T]]]


# --- Wire helpers ----------------------------------------------------------------------

_encoder = msgspec.json.Encoder()
_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def encode(body: msgspec.Struct | Mapping[str, Any]) -> bytes:
    """A command struct or a plain mapping as JSON (the server validates it strictly)."""
    return _encoder.encode(body)


def decode(content: bytes, type_: type[T]) -> T:
    decoder = _decoders.get(type_)
    if decoder is None:
        decoder = _decoders[type_] = msgspec.json.Decoder(type_)
    result: T = decoder.decode(content)
    return result


def query(**values: object) -> list[tuple[str, str]]:
    """Query parameters, leaving out the None ones; dates as RFC 3339, enums by value."""
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        params.append((name, str(value)))
    return params


def filename_of(response: httpx.Response) -> str | None:
    disposition = response.headers.get("content-disposition")
    if not disposition:
        return None
    message = email.message.Message()
    message["content-disposition"] = disposition
    name = message.get_filename()
    return None if name is None else str(name)


_TRAILING_PREFIX = re.compile(rf"{re.escape(API_PREFIX)}/?$")


def root_url(base_url: str | httpx.URL) -> httpx.URL:
    """The server's root: `https://host/prefix` (an `/api/v1` at the end is dropped)."""
    url = httpx.URL(str(base_url))
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL, not {str(base_url)!r}")
    return url.copy_with(path=_TRAILING_PREFIX.sub("", url.path).rstrip("/") or "/")


# --- Retrying what is safe to retry ------------------------------------------------------

# Nothing reached the server: any request may be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_IN_FLIGHT = "idempotency-key-in-flight"


@dataclass(frozen=True)
class RetryPolicy:
    """When a request that got no answer is sent again, and how long to wait first.

    Retried: any request that never reached the server (the connection could not be
    made), and, after any failure on the way (a dropped connection, a timeout), only
    requests whose repetition changes nothing more: GET, PUT and DELETE; PATCH with
    `If-Match` (a second one is refused as stale, never applied twice); POST with an
    `Idempotency-Key` (the server answers a repeat with the first answer). A POST whose
    key the server still reports as in flight (409) is retried too. At most `retries`
    times, waiting `backoff` seconds and twice as long each further time (at most 5 s).
    """

    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_RETRY_BACKOFF
    max_delay: float = 5.0

    def __post_init__(self) -> None:
        if self.retries < 0 or self.backoff < 0:
            raise ValueError("retries and retry_backoff must not be negative")

    def delay(
        self,
        call: Call[Any],
        retry: int,
        *,
        error: httpx.TransportError | None = None,
        response: httpx.Response | None = None,
    ) -> float | None:
        """Seconds to wait before sending `call` again, or None not to send it again."""
        if retry >= self.retries:
            return None
        if error is not None:
            if not (isinstance(error, _NOT_SENT) or repeatable(call)):
                return None
        elif response is None or not _in_flight(call, response):
            return None
        return float(min(self.max_delay, self.backoff * 2**retry))


def repeatable(call: Call[Any]) -> bool:
    """Whether sending `call` twice has the effect of sending it once."""
    if call.method in _SAFE_METHODS:
        return True
    if call.method == "PATCH":
        return "If-Match" in call.headers
    return call.method == "POST" and IDEMPOTENCY_KEY in call.headers


def _in_flight(call: Call[Any], response: httpx.Response) -> bool:
    if response.status_code != 409 or IDEMPOTENCY_KEY not in call.headers:
        return False
    if not response.headers.get("content-type", "").startswith(_PROBLEM_JSON):
        return False
    try:
        kind = msgspec.json.decode(response.content).get("type", "")
    except (msgspec.DecodeError, AttributeError):
        return False
    return isinstance(kind, str) and kind.endswith("/" + _IN_FLIGHT)


# --- The shared state of a client ------------------------------------------------------


class Session:
    """Base URL, credentials, headers and the ETag cache: one client's state."""

    def __init__(
        self,
        base_url: str | httpx.URL,
        *,
        token: Token | None,
        api_key: str | None,
        timeout: float | httpx.Timeout | None,
        user_agent: str | None,
        retries: int = DEFAULT_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        idempotency_keys: bool = True,
    ) -> None:
        if token is not None and api_key is not None:
            raise ValueError("Give token or api_key, not both (the API refuses both at once).")
        self.base_url = root_url(base_url)
        self.token = token
        self.api_key = api_key
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.user_agent = f"{user_agent} {DEFAULT_USER_AGENT}" if user_agent else DEFAULT_USER_AGENT
        self.etags = ETagCache()
        self.retry = RetryPolicy(retries=retries, backoff=retry_backoff)
        self.idempotency_keys = idempotency_keys

    def prepare(self, call: Call[T]) -> Call[T]:
        """The call as it is sent, every time: a POST gets an `Idempotency-Key` of its own
        (unless the caller gave one, or the client was made with `idempotency_keys=False`),
        so that sending it again after a lost answer cannot create twice."""
        if call.method != "POST" or not self.idempotency_keys or IDEMPOTENCY_KEY in call.headers:
            return call
        headers = {**call.headers, IDEMPOTENCY_KEY: str(uuid.uuid4())}
        return dataclasses.replace(call, headers=headers)

    def httpx_options(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "timeout": self.timeout,
            "headers": {"User-Agent": self.user_agent, "Accept": JSON},
            "follow_redirects": False,
        }

    def auth_headers(self) -> dict[str, str]:
        if self.api_key is not None:
            return {"X-API-Key": self.api_key}
        if self.token is not None:
            token = self.token() if callable(self.token) else self.token
            return {"Authorization": f"Bearer {token}"}
        return {}

    def request_args(self, call: Call[Any]) -> dict[str, Any]:
        headers = {**self.auth_headers(), **call.headers}
        if call.content is not None:
            headers.setdefault("Content-Type", JSON)
        return {
            "method": call.method,
            # Relative to the base URL, so a server under a path prefix works.
            "url": call.path.lstrip("/"),
            "params": call.params or None,
            "content": call.content,
            "headers": headers,
        }

    def transport_error(self, call: Call[Any], exc: httpx.TransportError) -> errors.TransportError:
        base = str(self.base_url).rstrip("/")
        url = f"{base}{call.path}"
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        may_have_applied = call.method != "GET" and not isinstance(
            exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
        )
        consequence = (
            " The change may or may not have been applied: read the resource before trying again."
            if may_have_applied
            else ""
        )
        if isinstance(exc, httpx.TimeoutException):
            seconds = {
                httpx.ConnectTimeout: self.timeout.connect,
                httpx.ReadTimeout: self.timeout.read,
                httpx.WriteTimeout: self.timeout.write,
                httpx.PoolTimeout: self.timeout.pool,
            }.get(type(exc))
            within = f" within {seconds:g} s" if seconds is not None else " in time"
            return errors.Timeout(
                f"planregistry at {base} did not answer {call.method} {call.path}"
                f"{within} ({reason}).{consequence}",
                method=call.method,
                url=url,
            )
        return errors.TransportError(
            f"Could not reach planregistry at {base} for {call.method} {call.path} "
            f"({reason}).{consequence}",
            method=call.method,
            url=url,
        )

    # Building calls -------------------------------------------------------------------

    def get(
        self,
        path: str,
        type_: type[T],
        *,
        params: list[tuple[str, str]] | None = None,
        learn: Callable[[T, str | None], None] | None = None,
    ) -> Call[T]:
        def read(response: httpx.Response) -> T:
            value = decode(response.content, type_)
            if learn is not None:
                learn(value, response.headers.get("etag"))
            return value

        return Call(method="GET", path=path, read=read, params=params or [])

    def send(
        self,
        method: str,
        path: str,
        type_: type[T] | None,
        body: msgspec.Struct | Mapping[str, Any] | None = None,
        *,
        learn: Callable[[T, str | None], None] | None = None,
        precondition: Precondition | None = None,
    ) -> Call[T]:
        def read(response: httpx.Response) -> T:
            value: T = None if type_ is None else decode(response.content, type_)  # type: ignore[assignment]
            if learn is not None:
                learn(value, response.headers.get("etag"))
            return value

        return Call(
            method=method,
            path=path,
            read=read,
            content=None if body is None else encode(body),
            headers={} if precondition is None else precondition.headers(),
            precondition=precondition,
        )

    def guard(
        self, resource: Resource, *, if_match: str | None, expected_version: int | None
    ) -> Precondition:
        """The `If-Match` of a write: given, built from a version, or the remembered one."""
        if if_match is not None and expected_version is not None:
            raise ValueError("Give if_match or expected_version, not both.")
        path, kind, key, type_ = resource.path, resource.kind, resource.key, resource.type_
        if if_match is not None:
            sent: str | None = if_match
        elif expected_version is not None:
            sent = etag(kind, key, expected_version)
        else:
            sent = self.etags.get(path)

        def refetch() -> Call[tuple[Any, str | None]]:
            def read(response: httpx.Response) -> tuple[Any, str | None]:
                return decode(response.content, type_), response.headers.get("etag")

            return Call(method="GET", path=path, read=read)

        return Precondition(path=path, kind=kind, key=key, sent=sent, refetch=refetch)

    # Learning ETags from what was read -------------------------------------------------

    def learn_organization(self, organization: Organization, tag: str | None = None) -> None:
        path = organization_path(organization.id)
        self.etags.remember(path, tag or etag(ORGANIZATION, organization.id, organization.version))

    def learn_revision(self, revision: Revision, tag: str | None = None) -> None:
        path = revision_path(revision.id)
        self.etags.remember(path, tag or etag(REVISION, revision.id, revision.version))
        for activity in revision.activities:
            self.learn_activity(activity)

    def learn_activity(self, activity: Activity, tag: str | None = None) -> None:
        path = activity_path(activity.id)
        self.etags.remember(path, tag or etag(ACTIVITY, activity.id, activity.version))
        self.etags.link(path, revision_path(activity.revision_id))

    def learn_page(
        self, learn: Callable[[Any, str | None], None]
    ) -> Callable[[Page[Any], str | None], None]:
        def each(page: Page[Any], _tag: str | None) -> None:
            for item in page.items:
                learn(item, None)

        return each

    def listing(
        self,
        path: str,
        item: type[T],
        params: list[tuple[str, str]],
        page_size: int | None,
        learn: Callable[[Any, str | None], None] | None = None,
    ) -> Listing[T]:
        def page(cursor: str | None) -> Call[Page[T]]:
            paging = query(limit=page_size, cursor=cursor)
            return self.get(
                path,
                Page[item],  # type: ignore[valid-type]
                params=[*params, *paging],
                learn=None if learn is None else self.learn_page(learn),
            )

        return Listing(page=page)


# --- Sync and async from one definition ----------------------------------------------


class SyncRunner:
    """What a synchronous client implements: send a call, walk a listing."""

    _session: Session

    def _execute(self, call: Call[T]) -> T:
        raise NotImplementedError

    def _pages(self, listing: Listing[T]) -> Iterator[T]:
        raise NotImplementedError


class AsyncRunner:
    """What an asynchronous client implements: the same, awaited."""

    _session: Session

    async def _execute(self, call: Call[T]) -> T:
        raise NotImplementedError

    def _pages(self, listing: Listing[T]) -> AsyncIterator[T]:
        raise NotImplementedError


def _public_signature(function: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1:]  # without `self`
    return signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)


class operation(Generic[P, T]):
    """A method of both clients from one description: a `Call[T]` per invocation.

    On a `Client` the method returns `T`; on an `AsyncClient` it returns an awaitable `T`.
    """

    def __init__(self, describe: Callable[Concatenate[Any, P], Call[T]]) -> None:
        self.describe = describe
        self.__name__ = describe.__name__
        self.__qualname__ = describe.__qualname__
        self.__doc__ = describe.__doc__
        self.__signature__ = _public_signature(describe)

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any]) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, instance: AsyncRunner, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is None:
            return self
        describe = self.describe
        if isinstance(instance, AsyncRunner):
            runner = instance

            async def run_async(*args: P.args, **kwargs: P.kwargs) -> T:
                return await runner._execute(describe(runner, *args, **kwargs))

            return _dress(run_async, describe)
        if isinstance(instance, SyncRunner):
            sync_runner = instance

            def run(*args: P.args, **kwargs: P.kwargs) -> T:
                return sync_runner._execute(describe(sync_runner, *args, **kwargs))

            return _dress(run, describe)
        raise TypeError(f"{self.__name__} belongs to Client or AsyncClient")

    def __repr__(self) -> str:
        return f"<operation {self.__name__}{inspect.signature(self.describe)}>"


class paginated(Generic[P, T]):
    """An iterator over a paginated collection, following `next_cursor` page by page.

    On a `Client` it is an `Iterator[T]`; on an `AsyncClient` an `AsyncIterator[T]`.
    Pages are read as the iteration reaches them.
    """

    def __init__(self, describe: Callable[Concatenate[Any, P], Listing[T]]) -> None:
        self.describe = describe
        self.__name__ = describe.__name__
        self.__qualname__ = describe.__qualname__
        self.__doc__ = describe.__doc__
        self.__signature__ = _public_signature(describe)

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, instance: SyncRunner, owner: type[Any]) -> Callable[P, Iterator[T]]: ...

    @overload
    def __get__(self, instance: AsyncRunner, owner: type[Any]) -> Callable[P, AsyncIterator[T]]: ...

    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is None:
            return self
        describe = self.describe
        if isinstance(instance, SyncRunner | AsyncRunner):
            runner = instance

            def walk(*args: P.args, **kwargs: P.kwargs) -> Any:
                return runner._pages(describe(runner, *args, **kwargs))

            return _dress(walk, describe)
        raise TypeError(f"{self.__name__} belongs to Client or AsyncClient")

    def __repr__(self) -> str:
        return f"<paginated {self.__name__}{inspect.signature(self.describe)}>"


def _dress(function: Callable[..., Any], describe: Callable[..., Any]) -> Any:
    """The bound operation with the description's name, docstring and signature (sans self)."""
    functools.update_wrapper(function, describe)
    del function.__wrapped__  # type: ignore[attr-defined]
    function.__signature__ = _public_signature(describe)  # type: ignore[attr-defined]
    return function


def check_cursor_progress(seen: set[str], cursor: str | None) -> None:
    """A cursor served twice would loop for ever: stop with a clear error instead."""
    if cursor is None:
        return
    if cursor in seen:
        raise errors.UnexpectedResponse(
            f"The server returned the cursor {cursor!r} twice; stopping the iteration.",
            method="GET",
            url="",
            status=200,
        )
    seen.add(cursor)

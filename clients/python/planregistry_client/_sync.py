"""`Client`: the operations over `httpx.Client`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any, Self, TypeVar

import httpx

from planregistry_client import errors
from planregistry_client._board import BoardOperations
from planregistry_client._core import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_TIMEOUT,
    Call,
    Listing,
    Session,
    SyncRunner,
    Token,
    check_cursor_progress,
)
from planregistry_client._operations import Operations

T = TypeVar("T")


class Client(Operations, BoardOperations, SyncRunner):
    """A synchronous client of the planregistry API v1.

    `base_url` is the server's address (`https://planregistry.example.se`; an `/api/v1`
    at its end is accepted). Authenticate with a bearer `token` (a JWT, or a function
    returning the current one) or a city system's `api_key` (`prk_…`). `timeout` is in
    seconds (or an `httpx.Timeout`); `user_agent` names your tool and is sent before the
    client's own (`planregistry-client/<version>`). `transport` replaces httpx's (tests,
    proxies, custom TLS).

    Use it as a context manager, or call `close()`. ETags are handled for you: a read
    remembers the resource's ETag and a later change sends it as `If-Match`; if someone
    else changed the resource meanwhile the write raises `StaleVersion` carrying the
    current version — nothing is overwritten and nothing is retried.

    A request that gets no answer (the connection failed or dropped) is sent again up to
    `retries` times (default 2), `retry_backoff` seconds apart and doubling, when that is
    safe: always if it never reached the server, otherwise only reads, PUT, DELETE,
    PATCH with `If-Match` and POST. Every POST carries an `Idempotency-Key` generated
    for it (`idempotency_keys=False` turns that off, and with it retrying POSTs), so the
    server answers a repeat with the first answer instead of creating twice.
    """

    def __init__(
        self,
        base_url: str | httpx.URL,
        *,
        token: Token | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        retries: int = DEFAULT_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        idempotency_keys: bool = True,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._session = Session(
            base_url,
            token=token,
            api_key=api_key,
            timeout=timeout,
            user_agent=user_agent,
            retries=retries,
            retry_backoff=retry_backoff,
            idempotency_keys=idempotency_keys,
        )
        self._http = httpx.Client(transport=transport, **self._session.httpx_options())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<planregistry_client.Client {self.base_url}>"

    # The two things a runner does; everything else is shared with AsyncClient.

    def _send(self, call: Call[Any]) -> httpx.Response:
        """Send the call, again when that is safe and it got no answer (`RetryPolicy`)."""
        retry = 0
        while True:
            try:
                response = self._http.request(**self._session.request_args(call))
            except httpx.TransportError as exc:
                delay = self._session.retry.delay(call, retry, error=exc)
                if delay is None:
                    raise self._session.transport_error(call, exc) from exc
            else:
                delay = self._session.retry.delay(call, retry, response=response)
                if delay is None:
                    return response
            retry += 1
            time.sleep(delay)

    def _execute(self, call: Call[T]) -> T:
        call = self._session.prepare(call)
        response = self._send(call)
        if response.status_code == 412 and call.precondition is not None:
            # Never retried: the stale tag is dropped and the current state handed over.
            self._session.etags.forget(call.precondition.path)
            try:
                current = self._execute(call.precondition.refetch())
            except errors.NotFound:
                raise
            except (errors.ApiError, errors.TransportError, errors.UnexpectedResponse):
                current = None
            raise call.stale(response, current)
        return call.result(response)

    def _pages(self, listing: Listing[T]) -> Iterator[T]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = self._execute(listing.page(cursor))
            yield from page.items
            cursor = page.next_cursor
            if cursor is None:
                return
            check_cursor_progress(seen, cursor)

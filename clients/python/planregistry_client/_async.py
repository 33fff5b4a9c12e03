"""`AsyncClient`: the operations over `httpx.AsyncClient`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Self, TypeVar

import httpx

from planregistry_client import errors
from planregistry_client._board import BoardOperations
from planregistry_client._core import (
    DEFAULT_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_TIMEOUT,
    AsyncRunner,
    Call,
    Listing,
    Session,
    Token,
    check_cursor_progress,
)
from planregistry_client._operations import Operations

T = TypeVar("T")


class AsyncClient(Operations, BoardOperations, AsyncRunner):
    """The asynchronous client: the same methods as `Client`, awaited.

    `iter_…` methods return async iterators (`async for revision in client.iter_revisions(…)`).
    Use it as an async context manager, or `await client.aclose()`. Retries and
    idempotency keys work as in `Client` (`retries`, `retry_backoff`, `idempotency_keys`).
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
        transport: httpx.AsyncBaseTransport | None = None,
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
        self._http = httpx.AsyncClient(transport=transport, **self._session.httpx_options())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<planregistry_client.AsyncClient {self.base_url}>"

    async def _send(self, call: Call[Any]) -> httpx.Response:
        """Send the call, again when that is safe and it got no answer (`RetryPolicy`)."""
        retry = 0
        while True:
            try:
                response = await self._http.request(**self._session.request_args(call))
            except httpx.TransportError as exc:
                delay = self._session.retry.delay(call, retry, error=exc)
                if delay is None:
                    raise self._session.transport_error(call, exc) from exc
            else:
                delay = self._session.retry.delay(call, retry, response=response)
                if delay is None:
                    return response
            retry += 1
            # Imported here: importing the client loads no asyncio for sync users.
            import asyncio

            await asyncio.sleep(delay)

    async def _execute(self, call: Call[T]) -> T:
        call = self._session.prepare(call)
        response = await self._send(call)
        if response.status_code == 412 and call.precondition is not None:
            self._session.etags.forget(call.precondition.path)
            try:
                current = await self._execute(call.precondition.refetch())
            except errors.NotFound:
                raise
            except (errors.ApiError, errors.TransportError, errors.UnexpectedResponse):
                current = None
            raise call.stale(response, current)
        return call.result(response)

    async def _pages(self, listing: Listing[T]) -> AsyncIterator[T]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = await self._execute(listing.page(cursor))
            for item in page.items:
                yield item
            cursor = page.next_cursor
            if cursor is None:
                return
            check_cursor_progress(seen, cursor)

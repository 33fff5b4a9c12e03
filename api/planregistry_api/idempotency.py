"""`Idempotency-Key` on POST: a retried request gets the first answer, not a second effect.

A client that sends a POST with `Idempotency-Key: <1–255 visible ASCII characters>`
may send it again (after a timeout, a lost connection) without creating twice:

- the same key with the same request (method, path, query, Content-Type and body)
  within 24 hours gets the stored answer again: its status, body and the headers that
  matter (`Location`, `ETag`, `Content-Type`…), marked `Idempotent-Replayed: true`;
- the same key with another request is `422` (`idempotency-key-reused`);
- the same key while the first request is still running is `409`
  (`idempotency-key-in-flight`): try again a little later.

Keys are per credential (a token's `sub`, an API key's id): two callers never see each
other's answers. Answers are stored in the database (`planregistry.storage.idempotency`),
so every API process shares them. 5xx answers (and 401, 429) are not stored: the request
did not happen, or may be sent again as it is. Without the header a POST is what it was.

An answer that holds a secret shown once (a new API key's token; routes that say so with
`opt=SECRET_ANSWER`) is kept without its body, for the secret is stored nowhere: a
repeat gets `409` (`secret-shown-once`) with the first answer's `Location` instead.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import msgspec
from litestar.concurrency import sync_to_thread
from litestar.enums import ParamType, ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Schema,
)
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from planregistry.storage.idempotency import Answer, IdempotencyStore, Outcome
from planregistry_api.dependencies import REGISTRY_STATE_KEY
from planregistry_api.problems import ProblemDetails
from planregistry_domain.actor import Actor
from planregistry_domain.wire import API_PREFIX, PROBLEM_JSON, problem_type

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# What a replay repeats of the first answer; the rest (request id, security headers,
# caching) is the replay's own.
KEPT_HEADERS = frozenset(
    {"content-type", "location", "etag", "last-modified", "content-disposition", "link"}
)
NOT_KEPT_STATUSES = frozenset({401, 408, 429})
SECRET_ANSWER_KEY = "answer_holds_secret"
SECRET_ANSWER: dict[str, Any] = {SECRET_ANSWER_KEY: True}
# The largest body read to fingerprint a request (the plan-import upload is 20 MB).
MAX_BODY = 32 * 1024 * 1024


class IdempotencyMiddleware(ASGIMiddleware):
    """Runs after authentication: the key is scoped to the authenticated caller."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        given = _header(scope, b"idempotency-key")
        user: Any = scope.get("user")
        if (
            given is None
            or scope.get("method") != "POST"
            or not scope["path"].startswith(API_PREFIX)
            or not isinstance(user, Actor)
        ):
            await next_app(scope, receive, send)
            return
        key = given.strip()
        if not _KEY.match(key):
            detail = f"{HEADER} ska vara 1–255 synliga ASCII-tecken (t.ex. ett UUID)."
            await _problem(send, scope, 400, "bad-request", "Felaktig begäran", detail)
            return
        body, more = await _read_body(receive)
        if more:
            detail = "Begäran är för stor för att kunna upprepas säkert."
            await _problem(send, scope, 413, "content-too-large", "Begäran är för stor", detail)
            return
        registry = scope["app"].state[REGISTRY_STATE_KEY]
        store = IdempotencyStore(registry.engine, registry.now)
        credential = user.subject
        claim = await sync_to_thread(store.claim, credential, key, _fingerprint(scope, body))
        if claim.outcome is Outcome.MISMATCH:
            detail = (
                f"{HEADER} {key!r} har redan använts för en annan begäran; "
                "använd en ny nyckel för en ny begäran."
            )
            await _problem(
                send, scope, 422, "idempotency-key-reused", "Nyckeln är redan använd", detail
            )
            return
        if claim.outcome is Outcome.IN_FLIGHT:
            detail = f"En begäran med {HEADER} {key!r} behandlas fortfarande; försök igen strax."
            await _problem(
                send, scope, 409, "idempotency-key-in-flight", "Begäran pågår redan", detail
            )
            return
        if claim.outcome is Outcome.REPLAY:
            assert claim.answer is not None
            if _holds_secret(scope) and claim.answer.status < 300:
                detail = (
                    f"Begäran med {HEADER} {key!r} är redan utförd; svaret innehöll en hemlighet "
                    "som bara visas en gång och inte sparas. Återkalla det som skapades "
                    "(Location) och skapa ett nytt om hemligheten gick förlorad."
                )
                location = claim.answer.headers.get("location")
                extra = {"location": location} if location else {}
                await _problem(
                    send,
                    scope,
                    409,
                    "secret-shown-once",
                    "Hemligheten visas bara en gång",
                    detail,
                    extra,
                )
                return
            await _send_answer(send, claim.answer, replayed=True)
            return
        await self._run_first(scope, body, send, next_app, store, credential, key)

    @staticmethod
    async def _run_first(
        scope: Scope,
        body: bytes,
        send: Send,
        next_app: ASGIApp,
        store: IdempotencyStore,
        credential: str,
        key: str,
    ) -> None:
        status = 0
        headers: dict[str, str] = {}
        chunks: list[bytes] = []
        held: list[Message] = []
        settled = False
        replayed = False

        async def replay_body() -> ReceiveMessage:
            nonlocal replayed
            if replayed:
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def settle() -> None:
            """Store the answer (or free the key) before the caller sees any of it, so
            that a retry sent the moment the answer is lost finds it stored."""
            nonlocal settled
            settled = True
            if status == 0 or status >= 500 or status in NOT_KEPT_STATUSES:
                await sync_to_thread(store.release, credential, key)
                return
            kept = b"" if _holds_secret(scope) and status < 300 else b"".join(chunks)
            await sync_to_thread(store.complete, credential, key, Answer(status, headers, kept))

        async def capture(message: Message) -> None:
            nonlocal status
            if settled:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    lowered = name.decode("latin-1").lower()
                    if lowered in KEPT_HEADERS:
                        headers[lowered] = value.decode("latin-1")
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
            await settle()
            for waiting in held:
                await send(waiting)
            held.clear()

        try:
            await next_app(scope, replay_body, capture)
        except BaseException:
            if not settled:
                await sync_to_thread(store.release, credential, key)
            raise
        if not settled:
            await settle()
            for waiting in held:
                await send(waiting)


def _holds_secret(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return bool(handler is not None and handler.opt.get(SECRET_ANSWER_KEY))


def _header(scope: Scope, name: bytes) -> str | None:
    for header, value in scope.get("headers", ()):
        if header.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole body, and whether it was cut off at MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _fingerprint(scope: Scope, body: bytes) -> str:
    return fingerprint(
        str(scope.get("method", "")),
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        _header(scope, b"content-type") or "",
        body,
    )


def fingerprint(method: str, path: str, query: str, content_type: str, body: bytes) -> str:
    """What makes two requests the same request: method, path, query, type and body."""
    digest = hashlib.sha256()
    for part in (method, path, query, content_type):
        # Paths arrive decoded and may hold any character: UTF-8 keeps them apart.
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
    digest.update(body)
    return digest.hexdigest()


async def _send_answer(send: Send, answer: Answer, *, replayed: bool) -> None:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers.items()]
    if replayed:
        headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


async def _problem(
    send: Send,
    scope: Scope,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
    body = ProblemDetails(
        type=problem_type(slug), title=title, status=status, detail=detail, instance=scope["path"]
    )
    answer = Answer(
        status, {"content-type": PROBLEM_JSON, **(headers or {})}, msgspec.json.encode(body)
    )
    await _send_answer(send, answer, replayed=False)


# --- The OpenAPI document ----------------------------------------------------------------

HEADER_DESCRIPTION = (
    "Optional. A key of your choosing (1–255 visible ASCII characters, e.g. a UUID) that "
    "makes retrying this POST safe: the same key with the same request within 24 hours "
    "answers the first answer again (`Idempotent-Replayed: true`) without a second "
    "effect; the same key with another request is `422` (`idempotency-key-reused`); "
    "while the first request with the key is still running, `409` "
    "(`idempotency-key-in-flight`). Keys are per caller."
)


def document_idempotency_key(schema: OpenAPI) -> None:
    """Add the optional `Idempotency-Key` header parameter to every POST under the API."""
    for path, item in (schema.paths or {}).items():
        operation = getattr(item, "post", None)
        if not path.startswith(API_PREFIX) or not isinstance(operation, Operation):
            continue
        parameters = list(operation.parameters or [])
        if any(getattr(p, "name", None) == HEADER for p in parameters):
            continue
        parameters.append(
            Parameter(
                name=HEADER,
                param_in=ParamType.HEADER,
                required=False,
                description=HEADER_DESCRIPTION,
                schema=Schema(
                    type=OpenAPIType.STRING, min_length=1, max_length=255, pattern=r"^[!-~]+$"
                ),
            )
        )
        operation.parameters = parameters
        _document_refusals(operation)


_REFUSALS = {
    "409": "A request with the same `Idempotency-Key` is still running "
    "(`idempotency-key-in-flight`).",
    "422": "The `Idempotency-Key` was used for another request (`idempotency-key-reused`).",
}


def _document_refusals(operation: Operation) -> None:
    responses = operation.responses or {}
    problem = next(
        (r for r in responses.values() if isinstance(r, OpenAPIResponse) and r.content), None
    )
    for status, text in _REFUSALS.items():
        known = responses.get(status)
        if isinstance(known, OpenAPIResponse):
            if text not in known.description:
                known.description = f"{known.description} {text}".strip()
        elif problem is not None and problem.content is not None:
            content = {t: m for t, m in problem.content.items() if "problem" in t}
            responses[status] = OpenAPIResponse(description=text, content=content or None)
    operation.responses = responses

"""Request bodies are read as strict JSON against the handler's command type.

Litestar converts bodies with msgspec's lax rules (`"2017"` → 2017, `"true"` → True);
our contract is the commands' JSON Schema, so a string where a number belongs is
refused (422) rather than guessed at. Runs before Litestar parses the body itself, and
refuses what Litestar would let through or fail on: a body that is not declared as
`application/json` (415), bytes that are not UTF-8 and JSON nested deeper than
`MAX_NESTING` (400; no command is nested more than a few levels, and a deep enough
body would exhaust the decoder's stack).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException

from planregistry_domain.errors import ValidationError
from planregistry_domain.validation import coerce

JSON_MEDIA_TYPE = "application/json"
MAX_NESTING = 32


class UnsupportedMediaType(ClientException):
    status_code = 415


async def check_body_strictly(request: Request[Any, Any, Any]) -> None:
    data_field = request.route_handler.parsed_data_field
    if data_field is None or _is_form(data_field.kwarg_definition):
        return  # an upload form (plan imports) is not JSON
    _require_json_media_type(request.headers.get("content-type"))
    body = await request.body()  # Enforces request_max_body_size (413).
    raw = decode_json(body)
    # ValidationError (422) naming each field's path; the text types refuse U+0000 too.
    try:
        coerce(data_field.annotation, raw)
    except ValidationError:
        # `2039.0` is an integer to JSON Schema (and so to the OpenAPI document); msgspec's
        # strict mode wants `2039`. Looked at only when the body fails, so others pay nothing.
        integral, changed = _integral_floats_as_ints(raw)
        if not changed:
            raise
        coerce(data_field.annotation, integral)


def decode_json(body: bytes) -> Any:
    """The body as JSON values; 400 for anything that is not UTF-8 JSON of sane depth."""
    try:
        raw = msgspec.json.decode(body)
    except RecursionError:
        raise _too_deep() from None
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        # msgspec reports invalid UTF-8 in a string as a UnicodeDecodeError.
        reason = "den är inte UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise ClientException(f"Innehållet är inte giltig JSON: {reason}.") from None
    # Fewer brackets than the limit cannot nest past it: most bodies skip the walk.
    if body.count(b"[") + body.count(b"{") > MAX_NESTING and _depth(raw) > MAX_NESTING:
        raise _too_deep()
    return raw


def _integral_floats_as_ints(value: Any) -> tuple[Any, bool]:
    """The value with every integral float (`2039.0`) an int, and whether there was one."""
    if isinstance(value, float) and value.is_integer():
        return int(value), True
    if isinstance(value, dict):
        pairs = {key: _integral_floats_as_ints(item) for key, item in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(c for _, c in pairs.values())
    if isinstance(value, list):
        items = [_integral_floats_as_ints(item) for item in value]
        return [v for v, _ in items], any(c for _, c in items)
    return value, False


def _require_json_media_type(content_type: str | None) -> None:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        given = f"`{media_type}`" if media_type else "ingen Content-Type"
        raise UnsupportedMediaType(
            f"Innehållet måste skickas som {JSON_MEDIA_TYPE} (Content-Type), inte {given}."
        )


def _too_deep() -> ClientException:
    return ClientException(f"Innehållet är nästlat djupare än {MAX_NESTING} nivåer.")


def _depth(value: Any) -> int:
    """Levels of arrays and objects (0 for a scalar); stops counting past the limit."""
    deepest = 0
    level: list[Any] = [value]
    while level and deepest <= MAX_NESTING:
        containers = [v for v in level if isinstance(v, dict | list)]
        if not containers:
            break
        deepest += 1
        level = [item for c in containers for item in (c.values() if isinstance(c, dict) else c)]
    return deepest


def _is_form(definition: object) -> bool:
    return getattr(definition, "media_type", None) in (
        RequestEncodingType.MULTI_PART,
        RequestEncodingType.URL_ENCODED,
    )

"""Request bodies are read as strict JSON against the handler's command type.

Litestar converts bodies with msgspec's lax rules (`"2017"` → 2017, `"true"` → True);
our contract is the commands' JSON Schema, so a string where a number belongs is
refused (422) rather than guessed at. Runs before Litestar parses the body itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException

from planregistry_domain.errors import FieldError, ValidationError
from planregistry_domain.validation import coerce


async def check_body_strictly(request: Request[Any, Any, Any]) -> None:
    data_field = request.route_handler.parsed_data_field
    if data_field is None or _is_form(data_field.kwarg_definition):
        return  # an upload form (plan imports) is not JSON
    body = await request.body()  # Enforces request_max_body_size (413).
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise ClientException(f"Innehållet är inte giltig JSON: {exc}.") from None
    coerce(data_field.annotation, raw)  # ValidationError (422) naming each field's path.
    # PostgreSQL text cannot hold U+0000: refuse it here rather than fail in the driver.
    nul = [FieldError(path=p, message="Text may not contain U+0000") for p in _nul_paths(raw)]
    if nul:
        raise ValidationError("Texten innehåller ett NUL-tecken (U+0000).", nul)


def _is_form(definition: object) -> bool:
    return getattr(definition, "media_type", None) is RequestEncodingType.MULTI_PART


def _nul_paths(value: Any, path: str = "$") -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]")

"""Validating a command (a struct or a plain mapping) against its type and constraints.

Pure msgspec: the library's use cases validate every command with `coerce`, and the
HTTP API reads request bodies strictly with the same function.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import msgspec

from planregistry_domain.errors import FieldError, ValidationError

C = TypeVar("C", bound=msgspec.Struct)

_PATH = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.S)


def coerce(command_type: type[C], data: C | Mapping[str, Any]) -> C:
    """Validate a command (a struct or a plain mapping) against its type and constraints.

    A struct built in Python skips msgspec's constraint checks, so it is round-tripped
    through builtins to apply them; every failure becomes `ValidationError`.
    """
    raw = msgspec.to_builtins(data) if isinstance(data, msgspec.Struct) else data
    try:
        command = msgspec.convert(raw, command_type)
    except msgspec.ValidationError as exc:
        raise _all_field_errors(command_type, raw, exc) from None
    # PostgreSQL cannot store NUL in text; refuse it here rather than fail in the driver.
    nul_path = _path_of_nul(msgspec.to_builtins(command), "$")
    if nul_path is not None:
        message = "Texten innehåller ett otillåtet tecken (NUL)"
        raise ValidationError(
            f"Ogiltiga uppgifter: {message} ({nul_path}).",
            [FieldError(path=nul_path, message=message)],
        )
    return command


def _path_of_nul(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _path_of_nul(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _path_of_nul(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def validation_error(exc: msgspec.ValidationError) -> ValidationError:
    error = _field_error(exc)
    return ValidationError(f"Ogiltiga uppgifter: {error.message} ({error.path}).", [error])


def _all_field_errors(
    command_type: type[Any], raw: Any, first: msgspec.ValidationError
) -> ValidationError:
    """msgspec stops at the first bad field; name every one, each at its own path."""
    errors = field_errors(command_type, raw) or [_field_error(first)]
    listed = "; ".join(f"{e.message} ({e.path})" for e in errors)
    return ValidationError(f"Ogiltiga uppgifter: {listed}.", errors)


def field_errors(annotation: Any, raw: Any, path: str = "$") -> list[FieldError]:
    """Every field of `raw` that does not fit `annotation`: missing, unknown or invalid.

    Walks structs (field by field) and lists (item by item) so that one bad field does
    not hide the next; whatever cannot be split further (a constraint on the whole
    object, a union) is reported as msgspec reports it. Runs only once a conversion
    has failed, so valid input pays nothing for it.
    """
    try:
        msgspec.convert(raw, annotation)
    except msgspec.ValidationError as exc:
        whole = _field_error(exc, path)
    else:
        return []
    inner = _unwrapped(annotation)
    if isinstance(inner, type) and issubclass(inner, msgspec.Struct) and isinstance(raw, dict):
        errors: list[FieldError] = []
        known: set[str] = set()
        for field in msgspec.structs.fields(inner):
            known.add(field.encode_name)
            where = f"{path}.{field.encode_name}"
            if field.encode_name in raw:
                errors.extend(field_errors(field.type, raw[field.encode_name], where))
            elif field.required:
                message = f"Object missing required field `{field.encode_name}`"
                errors.append(FieldError(path=where, message=message))
        if inner.__struct_config__.forbid_unknown_fields:
            errors.extend(
                FieldError(path=f"{path}.{key}", message=f"Object contains unknown field `{key}`")
                for key in raw
                if key not in known
            )
        return errors or [whole]
    if get_origin(inner) is list and isinstance(raw, list):
        (item_type,) = get_args(inner)
        errors = [
            e for i, item in enumerate(raw) for e in field_errors(item_type, item, f"{path}[{i}]")
        ]
        return errors or [whole]
    return [whole]


def _unwrapped(annotation: Any) -> Any:
    """The type under `Annotated[...]` and `X | None` (None is valid on its own)."""
    if get_origin(annotation) is Annotated:
        return _unwrapped(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrapped(members[0])
    return annotation


def _field_error(exc: msgspec.ValidationError, base: str = "$") -> FieldError:
    """msgspec's error as a FieldError; its path (relative to `base`) names the field.

    msgspec reports an unknown or missing field at the object holding it; the field
    itself is the better path.
    """
    match = _PATH.match(str(exc))
    message = match.group("message") if match else str(exc)
    path = (match.group("path") if match else None) or "$"
    path = base + path[1:]
    named = _NAMED_FIELD.match(message)
    if named:
        path = f"{path}.{named['name']}"
    return FieldError(path=path, message=message)


_NAMED_FIELD = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`")

"""The checked-in schemas: `schemas/openapi.json` and one JSON Schema per public domain type.

`planregistry schemas` writes them and `planregistry schemas --check` fails when they
differ from what the code generates; a test does the same comparison.
"""

from __future__ import annotations

import enum
import json
import secrets
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import create_engine

import planregistry
from planregistry import Registry

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def public_domain_types() -> dict[str, type]:
    """Every struct and enum the library exports, by name (generic ones have no one schema)."""
    types: dict[str, type] = {}
    for name in planregistry.__all__:
        value = getattr(planregistry, name)
        if not isinstance(value, type) or vars(value).get("__parameters__"):
            continue
        if issubclass(value, msgspec.Struct | enum.Enum):
            types[name] = value
    return dict(sorted(types.items()))


def domain_schema(cls: type) -> dict[str, Any]:
    schema = msgspec.json.schema(cls)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": cls.__name__, **schema}


def openapi_document() -> dict[str, Any]:
    from planregistry_api.app import create_app
    from planregistry_api.token_keys import TokenKeys

    # The document depends on neither the data nor the key: neither is ever used.
    keys = TokenKeys.from_secret(secrets.token_urlsafe(48))
    with Registry(create_engine("sqlite://")) as unused:
        return create_app(unused, keys=keys).openapi_schema.to_schema()


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def generate() -> dict[str, str]:
    """Relative path → file content, for everything under `schemas/`."""
    files = {"openapi.json": render(openapi_document())}
    for name, cls in public_domain_types().items():
        files[f"domain/{name}.json"] = render(domain_schema(cls))
    return files


def differences(directory: Path, files: dict[str, str]) -> list[str]:
    """Paths that are missing, stale, or no longer generated."""
    stale = [
        path
        for path, content in files.items()
        if not (directory / path).is_file() or (directory / path).read_text("utf-8") != content
    ]
    extra = [
        str(p.relative_to(directory))
        for p in sorted((directory / "domain").glob("*.json"))
        if str(p.relative_to(directory)) not in files
    ]
    return sorted(stale + extra)


def write(directory: Path, files: dict[str, str]) -> list[str]:
    changed = differences(directory, files)
    for path in changed:
        target = directory / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[path], "utf-8")
        else:
            target.unlink()
    return changed

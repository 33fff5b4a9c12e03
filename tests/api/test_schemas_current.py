"""The checked-in schemas/ are what the code generates (`planregistry schemas` rewrites them)."""

from __future__ import annotations

from pathlib import Path

from planregistry_api import schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def test_checked_in_schemas_are_current() -> None:
    stale = schemas.differences(SCHEMAS, schemas.generate())
    assert not stale, f"Out of date, run `planregistry schemas`: {', '.join(stale)}"


def test_every_public_domain_type_has_a_schema() -> None:
    names = {p.stem for p in (SCHEMAS / "domain").glob("*.json")}
    assert {"Organization", "Revision", "CreateActivity", "RevisionStatus"} <= names
    assert names == set(schemas.public_domain_types())


def test_command_schemas_refuse_unknown_fields() -> None:
    generated = schemas.generate()
    assert '"additionalProperties": false' in generated["domain/UpdateRevision.json"]
    openapi = schemas.openapi_document()
    assert openapi["components"]["schemas"]["UpdateRevision"]["additionalProperties"] is False
    assert "additionalProperties" not in openapi["components"]["schemas"]["Revision"]

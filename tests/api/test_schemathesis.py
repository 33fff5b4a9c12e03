"""Schemathesis drives every operation of the served OpenAPI against the app (SQLite, demo).

It checks that no request, valid or not, makes a 5xx, and that every response conforms
to the document: status code, content type, headers and body schema. Every request
carries a central coordinator's token for Stockholm (the demo's municipality).

The schema is loaded when the module is collected (schemathesis' lazy `from_fixture`
does not run under pytest 9: it sets `node._nodeid`, which pytest 9 no longer has), so
the app is built then over a database file that the module fixture creates before the
first request; the engine connects only on first use.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry_api import create_app
from tests.api.support import KEYS, bearer

# Only a name at import: nothing is created unless the tests run (collecting leaves no trace).
_DATABASE = Path(tempfile.gettempdir()) / f"planregistry-schemathesis-{uuid.uuid4().hex}.sqlite3"
_REGISTRY = Registry.open(f"sqlite:///{_DATABASE}")

schema = schemathesis.openapi.from_asgi(
    "/api/v1/schema/openapi.json", create_app(_REGISTRY, keys=KEYS, rate_limits={})
)


@pytest.fixture(scope="module", autouse=True)
def demo_database(sqlite_template: Path) -> Iterator[None]:
    shutil.copyfile(sqlite_template, _DATABASE)
    load_demo(_REGISTRY)
    yield
    _REGISTRY.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{_DATABASE}{suffix}").unlink(missing_ok=True)


@pytest.mark.property
@pytest.mark.schemathesis
@schema.parametrize()
@settings(  # max_examples comes from the hypothesis profile (tests/conftest.py)
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case) -> None:
    # Schemathesis fills in the document's security schemes with made-up credentials;
    # send one valid token instead.
    for name in list(case.headers or {}):
        if name.lower() in ("authorization", "x-api-key"):
            del case.headers[name]
    response = case.call_and_validate(
        headers=bearer("central"),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
    # The token is valid: nothing is refused for want of credentials.
    assert response.status_code != 401, response.text

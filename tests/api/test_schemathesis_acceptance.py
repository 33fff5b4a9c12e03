"""The OpenAPI document says exactly what the server accepts and refuses.

Schemathesis generates requests that are valid by the served document (they must not be
refused as invalid: no 400, 415 or 422) and requests that break it (they must be refused
with a 4xx), under each credential scheme the document names: a bearer token and an API
key, each a central coordinator's for Stockholm over the demo data. The budget is small
(a few examples per operation), so the run stays quick; `test_schemathesis.py` does the
longer conformance run.

Statuses a valid request may still get: 404 (a generated id that does not exist), 409
(the revision's state), 412 (a generated `If-Match` that is not the current version),
and 422 from exactly the rules the document names as beyond it, because they depend on
stored data or tie fields together (see the 422 response's description).
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
from schemathesis import CheckContext
from schemathesis.config import SchemathesisConfig
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry_api import create_app
from planregistry_domain.commands import CreateApiKey
from planregistry_domain.vocabulary import Role
from tests.api.support import KEYS, bearer

_DATABASE = Path(tempfile.gettempdir()) / f"planregistry-acceptance-{uuid.uuid4().hex}.sqlite3"
_REGISTRY = Registry.open(f"sqlite:///{_DATABASE}")
_CONFIG = SchemathesisConfig.from_dict(
    {
        # Random valid and invalid requests only: the coverage phase's boundary cases per
        # parameter are many times the budget this quick run has.
        "phases": {"coverage": {"enabled": False}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "304", "401", "403", "404", "409", "412"]
            },
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "412",
                    "413",
                    "415",
                    "422",
                    "428",
                ]
            },
        },
    }
)
schema = schemathesis.openapi.from_asgi(
    "/api/v1/schema/openapi.json", create_app(_REGISTRY, keys=KEYS, rate_limits={}), config=_CONFIG
)
_API_KEY: list[str] = []  # the demo's key, issued when the database is made

pytestmark = pytest.mark.schemathesis


@pytest.fixture(scope="module", autouse=True)
def demo_database(sqlite_template: Path) -> Iterator[None]:
    shutil.copyfile(sqlite_template, _DATABASE)
    load_demo(_REGISTRY)
    issued = _REGISTRY.create_api_key(
        CreateApiKey(name="Ärendesystemet", role=Role.CENTRAL, municipality="stockholm")
    )
    _API_KEY.append(issued.token)
    yield
    _REGISTRY.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{_DATABASE}{suffix}").unlink(missing_ok=True)


# The library's refusals for the rules the document cannot hold (problem `detail`s).
RULES_BEYOND_THE_DOCUMENT = (
    "Aktiviteten följer inte programmets vokabulär.",
    "Lägesbilden följer inte programmets frågor och miljöer.",
    "section_order måste nämna varje avsnitt i revisionen exakt en gång",
    "Bara en samordnarnyckel gäller en organisation.",
    "En samordnarnyckel måste gälla en organisation.",
    # A document's declared media type is checked against its bytes.
    "Filen anges vara",
    # Each covered plan's outcome must be one the board gives (not `withdrawn`), and a
    # conditional approval must name its conditions.
    "Kommunstyrelsens beslut är inte giltigt.",
)


@schemathesis.check
def valid_data_accepted(ctx: CheckContext, response: Response, case: schemathesis.Case) -> None:
    """`positive_data_acceptance`, but for a refusal by a rule beyond the document."""
    if response.status_code == 422:
        detail = str(response.json().get("detail", ""))
        if detail.startswith(RULES_BEYOND_THE_DOCUMENT):
            return
    positive_data_acceptance(ctx, response, case)


def _validate(case: schemathesis.Case, credentials: dict[str, str]) -> None:
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.query:
        # A cursor is valid only as the server issued it; a made-up one is rightly refused.
        case.query.pop("cursor", None)
    for name in list(case.headers or {}):
        if name.lower() in ("authorization", "x-api-key"):
            del case.headers[name]
        elif name.lower() == "idempotency-key" and positive:
            # Generated keys repeat across cases with other bodies: rightly a 422 then.
            case.headers[name] = uuid.uuid4().hex
    response = case.call_and_validate(
        headers=credentials, checks=[valid_data_accepted, negative_data_rejection]
    )
    assert response.status_code != 401, response.text


_QUICK = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@_QUICK
def test_document_is_honest_with_a_bearer_token(case: schemathesis.Case) -> None:
    _validate(case, bearer("central"))


@schema.parametrize()
@_QUICK
def test_document_is_honest_with_an_api_key(case: schemathesis.Case) -> None:
    _validate(case, {"X-API-Key": _API_KEY[0]})

"""API fixtures: a TestClient over the app (`create_app`) on each database.

The clients send a central coordinator's token for Stockholm unless a test sends other
credentials (`support.bearer(...)`); the app verifies tokens with `support.KEYS`.

Building the app (routes, the OpenAPI document) costs far more than most tests, so each
test process builds it once (`shared_app`) and each test runs it over its own Registry.
That the app keeps no state of its own beyond its Registry is the design (several API
processes serve one database); `app_over` checks it still holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import create_engine

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry_api import create_app
from planregistry_api.dependencies import REGISTRY_STATE_KEY
from tests.api.support import KEYS, bearer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each of schemathesis' tests (one per API operation) an id of its own.

    Under pytest 9 schemathesis names them `test_…[GET /api/v1/…]` but leaves them one
    node id, so reports could not tell them apart and pytest-xdist would run only one.
    """
    for item in items:
        label = getattr(item, "operation_label", None)
        if isinstance(label, str) and "[" not in item.nodeid and hasattr(item, "_id"):
            item._id = item._id.with_params(label)


@pytest.fixture(scope="session")
def shared_app() -> Iterator[Litestar]:
    """The app with `support.KEYS`, over a Registry that is never queried; without rate
    limits, since every test of the process calls it as the same caller
    (tests/reliability/test_rate_limits.py tests them)."""
    with Registry(create_engine("sqlite://")) as unused:
        app = create_app(unused, keys=KEYS, rate_limits={})
        yield app


@contextmanager
def app_over(app: Litestar, registry: Registry) -> Iterator[Litestar]:
    """The shared app, serving this Registry until the block ends."""
    before = app.state[REGISTRY_STATE_KEY]
    keys = set(app.state.keys())
    app.state[REGISTRY_STATE_KEY] = registry
    try:
        yield app
    finally:
        app.state[REGISTRY_STATE_KEY] = before
    assert set(app.state.keys()) == keys, "the app keeps state of its own now"


@pytest.fixture
def client(registry: Registry, shared_app: Litestar) -> Iterator[TestClient[Litestar]]:
    """An empty registry but for the programme and the municipality (neither has an API)."""
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    with app_over(shared_app, registry) as app, TestClient(app) as test_client:
        test_client.headers.update(bearer("central"))
        yield test_client


@pytest.fixture
def demo_client(demo_registry: Registry, shared_app: Litestar) -> Iterator[TestClient[Litestar]]:
    """The demo data: the programme, Stockholm's 19 organisations, the seed plan (a draft)."""
    with app_over(shared_app, demo_registry) as app, TestClient(app) as test_client:
        test_client.headers.update(bearer("central"))
        yield test_client

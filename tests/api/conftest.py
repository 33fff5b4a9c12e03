"""API fixtures: a TestClient over `create_app(registry)` on each database.

The clients send a central coordinator's token for Stockholm unless a test sends other
credentials (`support.bearer(...)`); the app verifies tokens with `support.KEYS`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry_api import create_app
from tests.api.support import KEYS, bearer


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Litestar]]:
    """An empty registry but for the programme and the municipality (neither has an API)."""
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    with TestClient(create_app(registry, keys=KEYS)) as test_client:
        test_client.headers.update(bearer("central"))
        yield test_client


@pytest.fixture
def demo_client(demo_registry: Registry) -> Iterator[TestClient[Litestar]]:
    """The demo data: the programme, Stockholm's 19 organisations, the seed plan (a draft)."""
    with TestClient(create_app(demo_registry, keys=KEYS)) as test_client:
        test_client.headers.update(bearer("central"))
        yield test_client

"""Several API processes over one PostgreSQL database: what one writes, the other reads.

The API keeps no state of its own between requests, so two `planregistry serve`
processes (as behind a reverse proxy) answer alike: the same data, the same ETags, and
an ETag taken from one is a valid If-Match at the other.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry.storage import migrations
from planregistry_api.token_keys import TokenKeys, mint_token
from tests.api.support import ORGANIZATION, V1
from tests.conftest import PostgresServer
from tests.live_server import SECRET, serving

pytestmark = pytest.mark.postgres


def test_a_write_through_one_server_is_read_through_the_other(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.create_database()
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        registry.put_programme(VBE)
        registry.create_municipality(STOCKHOLM)
    token = mint_token(TokenKeys.from_secret(SECRET), role="central", subject="central.k")
    auth = {"Authorization": f"Bearer {token}"}
    org_path = f"{V1}/organizations/{ORGANIZATION['id']}"
    with (
        serving(url, log=tmp_path / "a.log") as a,
        serving(url, "--workers", "2", log=tmp_path / "b.log") as b,
        httpx.Client(base_url=a, headers=auth) as first,
        httpx.Client(base_url=b, headers=auth) as second,
    ):
        created = first.post(f"{V1}/organizations", json=ORGANIZATION)
        assert created.status_code == 201, created.text
        read = second.get(org_path)
        assert read.status_code == 200 and read.json()["name"] == ORGANIZATION["name"]
        assert read.headers["etag"] == created.headers["etag"]
        # The other server's ETag is a valid If-Match here; the change is seen there.
        changed = first.patch(
            org_path, json={"committee": "Ny nämnd"}, headers={"If-Match": read.headers["etag"]}
        )
        assert changed.status_code == 200, changed.text
        again = second.get(org_path)
        assert again.json()["committee"] == "Ny nämnd"
        assert again.headers["etag"] == changed.headers["etag"] != read.headers["etag"]
        # …and the stale one is refused by either.
        for client in (first, second):
            stale = client.patch(
                org_path, json={"committee": "X"}, headers={"If-Match": read.headers["etag"]}
            )
            assert stale.status_code == 412, stale.text
        # A plan created through one is listed by the other, and the trail has both writes.
        plan = second.post(f"{org_path}/plans", json={"programme_id": "vbe"})
        assert plan.status_code == 201, plan.text
        listed = first.get(f"{org_path}/plans").json()["items"]
        assert [p["id"] for p in listed] == [plan.json()["id"]]
        trail = first.get(f"{V1}/audit", params={"actor": "central.k"}).json()["items"]
        assert [(e["entity"], e["action"]) for e in trail] == [
            ("organization", "create"),
            ("organization", "update"),
            ("plan", "create"),
        ]

"""The status board page (HTML) against the JSON status view, on the same server.

    .venv/bin/python benchmarks/web_board.py [--orgs 1000] [--rounds 15]

Generates N organisations with `planregistry.benchdata` in a SQLite file, puts them all
in one municipality (so one central coordinator's board has N rows), starts
`planregistry serve` (granian, one worker) on a free loopback port, signs a browser
session in with a one-time link, and times, alternating in each round, `GET /` (the
board page, rendered) and `GET /api/v1/comparisons/status?format=json` (the same rows
as JSON, with a bearer token). Prints the medians and their ratio (target ≤ 2).
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.http_load import _free_port, _wait_ready

from planregistry import Actor, Registry, Role
from planregistry.benchdata import generate
from planregistry.storage import migrations
from planregistry_api.token_keys import TokenKeys, mint_token

BIN = Path(sys.executable).parent
SECRET = "planregistry-benchmark-secret-" + "b" * 32
MUNICIPALITY = "kommun-000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'bench.sqlite3'}"
        migrations.upgrade(url)
        engine = create_engine(url)
        started = time.perf_counter()
        generate(engine, args.orgs)
        with engine.begin() as conn:
            municipality = conn.execute(text("SELECT min(id) FROM municipalities")).scalar_one()
            conn.execute(text("UPDATE organizations SET municipality_id = :m"), {"m": municipality})
        engine.dispose()
        print(f"{args.orgs} organisations generated in {time.perf_counter() - started:.0f} s")
        central = Actor(
            subject="bench-central", name="Bench", role=Role.CENTRAL, municipality=municipality
        )
        with Registry.open(url) as registry:
            secret = registry.issue_sign_in_link(central)
        token = mint_token(
            TokenKeys.from_secret(SECRET),
            role="central",
            subject="bench",
            name="Bench",
            municipality=municipality,
        )
        port = _free_port()
        env = {**os.environ, "PLANREGISTRY_DATABASE_URL": url, "PLANREGISTRY_JWT_SECRET": SECRET}
        server = subprocess.Popen(
            [BIN / "planregistry", "serve", "--port", str(port)],
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, time.monotonic() + 60)
            run(base, secret, token, args.orgs, args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(base: str, link_secret: str, token: str, orgs: int, rounds: int) -> None:
    page = httpx.Client(base_url=base, timeout=60)
    signed_in = page.post(f"/inloggning/lank/{link_secret}", follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.status_code
    api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
    html = page.get("/")
    rows = html.text.count('<th scope="row">')
    data = api.get("/api/v1/comparisons/status", params={"format": "json"})
    assert html.status_code == 200 and data.status_code == 200
    assert rows == orgs == len(data.json()["rows"]), (rows, len(data.json()["rows"]))
    page_times: list[float] = []
    json_times: list[float] = []
    for _ in range(rounds):
        for client, path, params, times in (
            (page, "/", {}, page_times),
            (api, "/api/v1/comparisons/status", {"format": "json"}, json_times),
        ):
            started = time.perf_counter()
            answer = client.get(path, params=params)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200
    page_ms = statistics.median(page_times) * 1000
    json_ms = statistics.median(json_times) * 1000
    print(f"board page (HTML, {len(html.content) // 1024} KiB): {page_ms:.1f} ms")
    print(f"status view (JSON, {len(data.content) // 1024} KiB): {json_ms:.1f} ms")
    print(f"ratio page / JSON: {page_ms / json_ms:.2f} (median of {rounds} rounds, {orgs} rows)")


if __name__ == "__main__":
    main()

"""The cycle's pages on the demo plan (14 activities): render and save times.

    .venv/bin/python benchmarks/web_cycle.py [--rounds 15]

Loads the demo data into a SQLite file, approves Hässelby-Vällingby's revision, starts
`planregistry serve` (granian, one worker) on a free loopback port, signs a
coordinator's browser session in with a one-time link and times, in each round: the
revision page with its approval chain, the follow-up page (four periods of 14
activities), saving one period whole (14 reports, `Registry.report_period`) and, for
scale, the same revision as JSON from the API. Prints the medians. Figures only:
nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.http_load import _free_port, _wait_ready

from planregistry import Actor, Registry, Role
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations
from planregistry_api.token_keys import TokenKeys, mint_token

BIN = Path(sys.executable).parent
SECRET = "planregistry-benchmark-secret-" + "b" * 32
ORG = "hasselby-vallingby"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'bench.sqlite3'}"
        migrations.upgrade(url)
        coordinator = Actor(
            subject="bench",
            name="Bench",
            role=Role.COORDINATOR,
            municipality="stockholm",
            organization=ORG,
        )
        with Registry.open(url) as registry:
            load_demo(registry)
            (plan,) = registry.list_plans(ORG)
            revision_id = plan.revisions[0].id
            today = registry.today().isoformat()
            for body in ("committee", "city_executive_board"):
                registry.record_decision(
                    revision_id, {"body": body, "outcome": "approved", "decided_on": today}
                )
            secret = registry.issue_sign_in_link(coordinator)
        token = mint_token(
            TokenKeys.from_secret(SECRET),
            role="coordinator",
            subject="bench",
            name="Bench",
            municipality="stockholm",
            organization=ORG,
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
            run(base, secret, token, revision_id, args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _timed(
    times: list[float], call: Callable[..., httpx.Response], *args: Any, **kwargs: Any
) -> httpx.Response:
    started = time.perf_counter()
    answer = call(*args, **kwargs)
    times.append(time.perf_counter() - started)
    return answer


def run(base: str, link_secret: str, token: str, revision_id: int, rounds: int) -> None:
    page = httpx.Client(base_url=base, timeout=60)
    assert page.post(f"/inloggning/lank/{link_secret}").status_code == 303
    api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
    times: dict[str, list[float]] = {
        "revision page (with chain)": [],
        "follow-up page": [],
        "save a period (14 reports)": [],
        "revision as JSON (API)": [],
    }
    statuses = ["done", "ongoing"]
    for round_ in range(rounds):
        shown = _timed(times["revision page (with chain)"], page.get, f"/revisioner/{revision_id}")
        assert shown.status_code == 200 and 'id="kedja"' in shown.text
        form = _timed(times["follow-up page"], page.get, f"/revisioner/{revision_id}/uppfoljning")
        assert form.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        section = form.text.split('class="period-section" id="period-')[1]
        period = section.split('"')[0]
        version = re.search(r'name="version" value="(\d+)"', section)
        assert csrf and version
        data = {"csrf_token": csrf.group(1), "period": period, "version": version.group(1)}
        for field in re.findall(rf'name="(p{period}-status-\d+)"', section):
            data[field] = statuses[round_ % 2]
        saved = _timed(
            times["save a period (14 reports)"],
            page.post,
            f"/revisioner/{revision_id}/uppfoljning",
            data=data,
        )
        assert saved.status_code == 303, saved.status_code
        assert (
            _timed(
                times["revision as JSON (API)"], api.get, f"/api/v1/revisions/{revision_id}"
            ).status_code
            == 200
        )
    for name, values in times.items():
        print(f"{name}: {statistics.median(values) * 1000:.1f} ms (median of {rounds})")


if __name__ == "__main__":
    main()

"""The coordinator's pages: the workspace, the draft editor and a section save.

    .venv/bin/python benchmarks/web_drafts.py [--rounds 25]

Loads the demo data (Hässelby-Vällingby's draft: 11 sections, a situation picture, 14
activities) in a SQLite file, starts `planregistry serve` on a free loopback port,
signs a coordinator's browser session in with a one-time link and times, in each
round, the workspace, the editor's overview, the revision page (for reference) and
one section save (POST, alternating text, redirect not followed). Prints medians.
Figures only: nothing here asserts a time.
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
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.http_load import _free_port, _wait_ready

from planregistry import Actor, Registry, Role
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations

BIN = Path(sys.executable).parent
SECRET = "planregistry-benchmark-secret-" + "b" * 32


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'bench.sqlite3'}"
        migrations.upgrade(url)
        coordinator = Actor(
            subject="bench-coordinator",
            name="Bench",
            role=Role.COORDINATOR,
            municipality="stockholm",
            organization="hasselby-vallingby",
        )
        with Registry.open(url) as registry:
            load_demo(registry)
            (plan,) = registry.list_plans("hasselby-vallingby").items
            revision_id = plan.revisions[-1].id
            secret = registry.issue_sign_in_link(coordinator)
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
            run(base, secret, revision_id, args.rounds)
        finally:
            server.terminate()
            server.wait(timeout=30)


def run(base: str, link_secret: str, revision_id: int, rounds: int) -> None:
    client = httpx.Client(base_url=base, timeout=60)
    signed_in = client.post(f"/inloggning/lank/{link_secret}", follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.status_code
    pages = {
        "workspace": "/organisationer/hasselby-vallingby/arbetsyta",
        "editor overview": f"/revisioner/{revision_id}/redigera",
        "revision page (reference)": f"/revisioner/{revision_id}",
    }
    times: dict[str, list[float]] = {name: [] for name in [*pages, "section save"]}
    section = f"/revisioner/{revision_id}/redigera/avsnitt/collaboration"
    for round_ in range(rounds):
        for name, path in pages.items():
            started = time.perf_counter()
            answer = client.get(path)
            times[name].append(time.perf_counter() - started)
            assert answer.status_code == 200, (path, answer.status_code)
        form = client.get(section).text
        fields = {
            name: re.search(rf'name="{name}" value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
            for name in ("csrf_token", "version")
        }
        started = time.perf_counter()
        saved = client.post(
            section,
            data={**fields, "rubrik": "Samverkan", "text": f"Samverkan, omgång {round_}."},
            follow_redirects=False,
        )
        times["section save"].append(time.perf_counter() - started)
        assert saved.status_code == 303, saved.status_code
    for name, values in times.items():
        print(f"{name}: {statistics.median(values) * 1000:.1f} ms (median of {rounds})")


if __name__ == "__main__":
    main()

"""Screenshots of the web views for docs/: `python -m tests.web.make_screenshots docs`.

Serves the demo registry (with Hässelby-Vällingby's plan approved by its committee, so
the board decision form shows) and saves a few pages as PNG images.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations
from tests.web.browser import CHROMIUM, served, sign_in
from tests.web.conftest import committee_approves


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'planregistry.sqlite3'}"
        migrations.upgrade(url)
        with Registry.open(url) as registry:
            load_demo(registry)
            (plan,) = registry.list_plans("hasselby-vallingby")
            revision_id = plan.revisions[-1].id
            committee_approves(registry, revision_id)
            with served(url, Path(work)) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                sign_in(page, base, registry, "central")
                shots = {
                    "web-oversikt.png": "/",
                    "web-organisation.png": "/organisationer/hasselby-vallingby",
                    "web-revision.png": f"/revisioner/{revision_id}#aktiviteter",
                    "web-beslut.png": f"/revisioner/{revision_id}#beslut",
                    "web-jamforelse.png": "/jamforelser/lagesbild",
                }
                for name, path in shots.items():
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(target / name))
                browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))

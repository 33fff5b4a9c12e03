"""Browser fixtures: one served demo registry per module, Chromium, a page per test.

Browser tests need Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it when
missing); without it they are skipped with a message saying so (with
`PLANREGISTRY_REQUIRE_BROWSER=1` they fail instead).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations
from tests.web.browser import CHROMIUM, served

REQUIRE_BROWSER = os.environ.get("PLANREGISTRY_REQUIRE_BROWSER") == "1"


def awaiting_board(registry: Registry, org_id: str, label: str) -> int:
    """A small plan for `org_id` whose first revision its committee has approved."""
    plan = registry.create_plan(org_id, {"programme_id": "vbe"})
    revision = registry.create_revision(plan.id, {"label": label, "cycle_year": 2026})
    registry.add_activity(
        revision.id,
        {
            "title": "Utbildning för medarbetare om våldsbejakande extremism",
            "level": "preventing",
            "responsible": "Förvaltningen",
            "partners": ["Polis"],
            "follow_up_method": "Uppföljning i ILS",
        },
    )
    committee_approves(registry, revision.id)
    return revision.id


def committee_approves(registry: Registry, revision_id: int) -> None:
    registry.record_decision(
        revision_id,
        {
            "body": "committee",
            "outcome": "approved",
            "decided_on": dt.datetime.now(dt.UTC).date().isoformat(),
            "case_number": "1.2.3-100/2026",
            "minutes_ref": "§ 7",
        },
    )


class Site:
    """The served registry: its base URL and the library over the same database."""

    def __init__(self, base: str, registry: Registry) -> None:
        self.base = base
        self.registry = registry

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} saknas (apt-get install chromium); webbläsartesterna hoppas över."
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{workdir / 'planregistry.sqlite3'}"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        load_demo(registry)
        with served(url, workdir) as base:
            yield Site(base, registry)


# Module-scoped: while Playwright's sync API is open, its event loop runs in this thread,
# and any other test here that calls asyncio.run() would fail; a module's tests are done
# before another module's start.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} saknas.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(locale="sv-SE", base_url=site.base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert csp_errors == [], f"the page broke its own Content-Security-Policy: {csp_errors}"


@pytest.fixture
def screenshots() -> Path | None:
    """Where to save screenshots for docs/ (PLANREGISTRY_SCREENSHOTS=dir), else None."""
    target = os.environ.get("PLANREGISTRY_SCREENSHOTS")
    return Path(target) if target else None

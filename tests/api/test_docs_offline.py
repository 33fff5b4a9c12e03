"""The API documentation works without internet access: Swagger UI comes from the app.

Checked in a real browser (Debian's Chromium driven by Playwright) with every request
to anywhere but the loopback address aborted, as on a city network without internet.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planregistry_api.hardening import DOCS_CSP
from tests.api.support import V1, assert_problem
from tests.live_server import serving

CHROMIUM = Path("/usr/bin/chromium")


def test_the_documentation_page_loads_only_the_apps_own_files(client) -> None:
    page = client.get(f"{V1}/schema")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == DOCS_CSP
    assert "'unsafe-inline'" not in DOCS_CSP and "https:" not in DOCS_CSP
    html = page.text
    assert "<script>" not in html and "http" not in html.replace("http-equiv", "")
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "docs.js", "LICENSE"):
        answer = client.get(f"{V1}/schema/assets/{asset}")
        assert answer.status_code == 200 and answer.content, asset
    assert "Apache License" in client.get(f"{V1}/schema/assets/LICENSE").text
    assert client.get(f"{V1}/schema/swagger").text == html


@pytest.mark.parametrize(
    "path",
    ["elements", "redoc", "rapidoc", "openapi.yaml", "assets/nope.js", "assets/../app.py", "a/b"],
)
def test_every_other_documentation_path_is_a_problem_404(client, path: str) -> None:
    assert_problem(client.get(f"{V1}/schema/{path}"), 404, "not-found")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium from Debian (test tools cannot download a browser here)."""
    if not CHROMIUM.exists():
        if os.environ.get("PLANREGISTRY_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


def test_the_documentation_renders_with_the_network_cut_off(browser: Any, tmp_path: Path) -> None:
    with serving(f"sqlite:///{tmp_path / 'docs.sqlite3'}") as base:  # a new file: migrated
        page = browser.new_page()
        outside: list[str] = []
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def only_loopback(route: Any) -> None:
            host = route.request.url.split("/")[2].rsplit(":", 1)[0]
            if host in ("127.0.0.1", "localhost", "[::1]"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        page.goto(f"{base}{V1}/schema")
        page.wait_for_selector(".opblock", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/v1/health" in paths and "/api/v1/organizations/{org_id}/plans" in paths
        assert page.locator(".opblock").count() >= 30
        assert page.title() == "planregistry API – dokumentation"
        assert outside == []  # nothing was even attempted outside
        assert problems == []  # no script error, no Content-Security-Policy violation
        page.close()

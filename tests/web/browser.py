"""The browser-test harness: a real `planregistry serve`, Debian's Chromium, axe-core.

The server runs as a separate process on a free loopback port over a temporary SQLite
database with the demo data; the tests reach into the same database through the
library for what a person cannot do from the pages (a committee's decision recorded by
a district, one-time sign-in links).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from planregistry import Actor, Registry, Role
from tests.live_server import free_port as free_port
from tests.live_server import serving

CHROMIUM = Path("/usr/bin/chromium")
AXE_VERSION = "4.11.0"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA: what Swedish public-sector law requires.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SECRET = "planregistry-browser-tests-" + "s" * 32


@contextmanager
def served(
    database_url: str,
    workdir: Path,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """`planregistry serve` on a free loopback port, run in `workdir` and logging to
    `workdir/server.log`; yields its base URL."""
    with serving(
        database_url,
        env={"PLANREGISTRY_JWT_SECRET": SECRET, **(env or {})},
        log=workdir / "server.log",
        port=port,
        cwd=workdir,
    ) as base:
        yield base


def person(role: str, organization: str | None = None) -> Actor:
    names = {
        "central": "Central samordnare",
        "coordinator": "Samordnare",
        "reader": "Läsare",
    }
    return Actor(
        subject=f"browser-{role}" + (f"-{organization}" if organization else ""),
        name=names[role],
        role=Role(role),
        municipality="stockholm",
        organization=organization,
    )


def sign_in(page: Any, base: str, registry: Registry, role: str, org: str | None = None) -> None:
    """Sign the browser in as a person does: open a one-time link, press the button."""
    secret = registry.issue_sign_in_link(person(role, org))
    page.goto(f"{base}/inloggning/lank/{secret}")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    The engine is evaluated through the DevTools protocol, which the page's strict
    Content-Security-Policy does not govern; the page itself loads no inline script.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help, impact: v.impact, "
        "nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        AXE_TAGS,
    )
    return list(result)


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core ({page.url}): {violations}"

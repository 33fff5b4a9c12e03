"""OpenID Connect sign-in against an identity provider the test starts on loopback.

The provider is `oidc-provider-mock` (Authlib's server in a thread); the registry is a
real `planregistry serve` configured with `PLANREGISTRY_OIDC_*`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import expect

from planregistry import Registry
from planregistry.defaults.demo import load_demo
from planregistry.storage import migrations
from planregistry_api.token_keys import AuthConfigurationError
from planregistry_api.web.oidc import OidcSettings
from tests.web.browser import CHROMIUM, assert_accessible, free_port, served

GOOD = {
    "PLANREGISTRY_OIDC_ISSUER": "https://login.example.se",
    "PLANREGISTRY_OIDC_CLIENT_ID": "planregistry",
    "PLANREGISTRY_OIDC_CLIENT_SECRET": "hemlighet",
    "PLANREGISTRY_OIDC_REDIRECT_URI": "https://plan.example.se/inloggning/oidc/klar",
}


def test_without_settings_oidc_is_off_and_good_settings_are_read() -> None:
    assert OidcSettings.from_env({}) is None
    settings = OidcSettings.from_env({**GOOD, "PLANREGISTRY_OIDC_ROLES_CLAIM": "groups"})
    assert settings is not None and settings.claims["roles"] == "groups"
    assert settings.claims["organization"] == "organization"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PLANREGISTRY_OIDC_CLIENT_ID": ""}, "PLANREGISTRY_OIDC_CLIENT_ID"),
        ({"PLANREGISTRY_OIDC_CLIENT_SECRET": ""}, "PLANREGISTRY_OIDC_CLIENT_SECRET"),
        ({"PLANREGISTRY_OIDC_ISSUER": ""}, "PLANREGISTRY_OIDC_ISSUER"),
        ({"PLANREGISTRY_OIDC_ISSUER": "http://login.example.se"}, "PLANREGISTRY_OIDC_ISSUER"),
        (
            {"PLANREGISTRY_OIDC_REDIRECT_URI": "https://plan.example.se/annat"},
            "PLANREGISTRY_OIDC_REDIRECT_URI",
        ),
        ({"PLANREGISTRY_OIDC_SCOPES": "profile"}, "PLANREGISTRY_OIDC_SCOPES"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(change, named) -> None:
    with pytest.raises(AuthConfigurationError) as refused:
        OidcSettings.from_env({**GOOD, **change})
    assert named in refused.value.detail
    assert "\n" not in refused.value.detail


def test_serve_stops_at_start_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "planregistry"
    result = subprocess.run(
        [str(command), "serve", "--port", str(free_port())],
        env={
            "PATH": "/usr/bin:/bin",
            "PLANREGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "PLANREGISTRY_OIDC_ISSUER": "https://login.example.se",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PLANREGISTRY_OIDC_CLIENT_ID" in lines[0]


PEOPLE = [
    User(
        sub="anna.central",
        claims={"name": "Anna Central", "roles": ["central"], "municipality": "stockholm"},
    ),
    User(
        sub="erik.hv",
        claims={
            "name": "Erik Samordnare",
            "roles": ["coordinator"],
            "municipality": "stockholm",
            "organization": "hasselby-vallingby",
        },
    ),
    User(sub="utan.roll", claims={"name": "Utan Roll", "municipality": "stockholm"}),
]


@pytest.fixture(scope="module")
def oidc_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} saknas.")
    workdir = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{workdir / 'planregistry.sqlite3'}"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        load_demo(registry)
    port = free_port()
    with run_server_in_thread(user_claims=PEOPLE) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        env = {
            "PLANREGISTRY_OIDC_ISSUER": issuer,
            "PLANREGISTRY_OIDC_CLIENT_ID": "planregistry-test",
            "PLANREGISTRY_OIDC_CLIENT_SECRET": "test-secret",
            "PLANREGISTRY_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/inloggning/oidc/klar",
        }
        with served(url, workdir, port=port, env=env) as base:
            yield base


def _sign_in_at_provider(page, base: str, subject: str) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    with page.expect_request(re.compile(r"/oauth2/authorize|/authorize")) as sent:
        page.get_by_role("link", name="Logga in med stadens inloggning").click()
    query = parse_qs(urlsplit(sent.value.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    page.get_by_role("button", name=subject).click()


def test_a_person_signs_in_with_the_identity_provider(page, oidc_site: str) -> None:
    _sign_in_at_provider(page, oidc_site, "anna.central")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    expect(page.get_by_text("Anna Central")).to_be_visible()
    assert_accessible(page)


def test_a_coordinators_claims_bring_them_to_their_organisation(page, oidc_site: str) -> None:
    _sign_in_at_provider(page, oidc_site, "erik.hv")
    expect(page).to_have_url(re.compile(r"/organisationer/hasselby-vallingby/arbetsyta$"))


def test_claims_without_a_role_sign_no_one_in(page, oidc_site: str) -> None:
    _sign_in_at_provider(page, oidc_site, "utan.roll")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen misslyckades")
    expect(page.get_by_text(re.compile("Ditt konto kan inte användas här"))).to_be_visible()
    assert_accessible(page)
    page.goto(oidc_site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")

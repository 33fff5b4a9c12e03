"""`planregistry token`, `planregistry api-keys …` and the access `serve --demo` prints."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar.testing import TestClient

from planregistry import Registry
from planregistry.cli import main
from planregistry.defaults.stockholm import ORGANIZATIONS, STOCKHOLM
from planregistry.storage import migrations
from planregistry_api import create_app
from planregistry_api.token_keys import (
    JWKS_FILE_ENV,
    JWT_AUDIENCE_ENV,
    JWT_ISSUER_ENV,
    JWT_PUBLIC_KEY_ENV,
    JWT_SECRET_ENV,
    LOCAL_SECRET_FILE,
    TokenKeys,
)

ENV_SECRET = "a-configured-secret-" + "z" * 32


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no key source configured, and leaves none behind."""
    from planregistry.registry import DATABASE_URL_ENV

    names = (JWT_SECRET_ENV, JWT_PUBLIC_KEY_ENV, JWKS_FILE_ENV, JWT_ISSUER_ENV, JWT_AUDIENCE_ENV)
    for name in (*names, DATABASE_URL_ENV):
        monkeypatch.setenv(name, "-")  # recorded, so `serve`'s own changes are undone too
        monkeypatch.delenv(name)


def run(*args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result.stdout, result.stderr


def stockholm(tmp_path: Path, name: str = "r.sqlite3") -> str:
    """A registry holding Stockholm and its organisations: the callers tokens may name."""
    url = f"sqlite:///{tmp_path / name}"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        registry.create_municipality(STOCKHOLM)
        for organization in ORGANIZATIONS:
            registry.create_organization(organization)
    return url


def decode(token: str, secret: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(
        token, secret, algorithms=["HS256"], audience="planregistry", issuer="planregistry"
    )
    return claims


def test_token_uses_a_local_secret_made_on_first_use(tmp_path: Path) -> None:
    url = stockholm(tmp_path, "registry.sqlite3")
    out, _ = run("--database-url", url, "token", "--role", "central")
    secret_file = tmp_path / LOCAL_SECRET_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text().strip()
    claims = decode(out.strip(), secret)
    assert claims["roles"] == ["central"] and claims["municipality"] == "stockholm"
    assert claims["sub"] == "local-central" and claims["name"] == "Central samordnare"
    assert "organization" not in claims
    # The same file next time: tokens keep verifying.
    again, _ = run("--database-url", url, "token", "--role", "reader", "--ttl", "5")
    claims = decode(again.strip(), secret)
    assert int(str(claims["exp"])) - int(str(claims["iat"])) == 300
    assert secret_file.read_text().strip() == secret


def test_token_for_a_coordinator_needs_its_organisation(tmp_path: Path) -> None:
    url = stockholm(tmp_path)
    _, err = run("--database-url", url, "token", "--role", "coordinator", code=2)
    assert "--org" in err
    out, _ = run(
        "--database-url",
        url,
        "token",
        "--role",
        "coordinator",
        "--org",
        "hasselby-vallingby",
        "--municipality",
        "stockholm",
        "--subject",
        "karin",
        "--name",
        "Karin Kvist",
    )
    claims = decode(out.strip(), (tmp_path / LOCAL_SECRET_FILE).read_text().strip())
    assert claims["organization"] == "hasselby-vallingby"
    assert (claims["sub"], claims["name"], claims["roles"]) == (
        "karin",
        "Karin Kvist",
        ["coordinator"],
    )
    run("--database-url", url, "token", "--role", "system", code=2)


def test_the_environment_overrides_the_local_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(JWT_SECRET_ENV, ENV_SECRET)
    url = stockholm(tmp_path)
    with Registry.open(url) as registry:
        registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    out, _ = run("--database-url", url, "token", "--role", "reader", "--municipality", "goteborg")
    assert decode(out.strip(), ENV_SECRET)["municipality"] == "goteborg"
    assert not (tmp_path / LOCAL_SECRET_FILE).exists()
    # The API verifies it with the same environment.
    with Registry.open(url) as registry:
        migrations.upgrade(url)
        app = create_app(registry)
        with TestClient(app) as client:
            answer = client.get(
                "/api/v1/programmes", headers={"Authorization": f"Bearer {out.strip()}"}
            )
            assert answer.status_code == 200


def test_token_refuses_when_only_an_identity_provider_can_sign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    (tmp_path / "idp.pem").write_bytes(pem)
    monkeypatch.setenv(JWT_PUBLIC_KEY_ENV, str(tmp_path / "idp.pem"))
    _, err = run("--database-url", stockholm(tmp_path), "token", "--role", "central", code=1)
    assert "identitetsleverantören" in err


def test_a_secret_file_others_can_read_is_refused(tmp_path: Path) -> None:
    url = stockholm(tmp_path)
    run("--database-url", url, "token", "--role", "central")
    os.chmod(tmp_path / LOCAL_SECRET_FILE, 0o644)
    _, err = run("--database-url", url, "token", "--role", "central", code=1)
    assert "chmod 600" in err


def test_token_for_a_caller_who_cannot_exist_is_refused(tmp_path: Path) -> None:
    url = stockholm(tmp_path)
    with Registry.open(url) as registry:
        registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    refusals = {
        ("--role", "coordinator", "--org", "nowhere"): "Organisationen 'nowhere' finns inte",
        ("--role", "reader", "--municipality", "atlantis"): "Kommunen 'atlantis' finns inte",
        ("--role", "coordinator", "--org", "bromma", "--municipality", "goteborg"): (
            "Organisationen 'bromma' hör till 'stockholm', inte 'goteborg'"
        ),
    }
    for args, words in refusals.items():
        out, err = run("--database-url", url, "token", *args, code=1)
        assert out == "" and err.startswith("Fel: ") and words in err, (args, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_api_keys_create_list_revoke(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        registry.create_municipality(STOCKHOLM)
    out, err = run(
        "--database-url", url, "api-keys", "create", "--name", "Ärendesystemet", "--role", "reader"
    )
    token = out.strip()
    assert token.startswith("prk_") and "visas inte igen" in err
    with Registry.open(url) as registry:
        actor = registry.authenticate_api_key(token)
        assert actor is not None and actor.role.value == "reader"
        assert actor.municipality == "stockholm" and actor.name == "Ärendesystemet"
    _, key_id, secret = token.split("_", 2)  # the secret itself may contain "_"
    listed, _ = run("--database-url", url, "api-keys", "list")
    assert key_id in listed and "aktiv" in listed and secret not in listed
    revoked, _ = run("--database-url", url, "api-keys", "revoke", key_id)
    assert "återkallad" in revoked
    with Registry.open(url) as registry:
        assert registry.authenticate_api_key(token) is None
    listed, _ = run("--database-url", url, "api-keys", "list")
    assert "återkallad" in listed


def test_a_coordinator_key_needs_its_organisation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    migrations.upgrade(url)
    with Registry.open(url) as registry:
        registry.create_municipality(STOCKHOLM)
    result = CliRunner().invoke(
        main, ["--database-url", url, "api-keys", "create", "--name", "X", "--role", "coordinator"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("Fel: ") and "Traceback" not in result.stderr


def test_serve_demo_prints_ready_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import granian.server

    started: list[dict[str, object]] = []

    class NoServer:
        def __init__(self, target: str, **options: object) -> None:
            started.append({"target": target, **options})

        def serve(self) -> None:
            started.append({"secret": os.environ.get(JWT_SECRET_ENV)})

    monkeypatch.setattr(granian.server, "Server", NoServer)
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    out, _ = run("--database-url", url, "serve", "--demo", "--port", "8123")
    secret = (tmp_path / LOCAL_SECRET_FILE).read_text().strip()
    assert started[0]["target"] == "planregistry_api.app:create_app"
    assert started[-1]["secret"] == secret  # the workers verify with the local secret
    tokens = [word for word in out.split() if word.count(".") == 2 and word.startswith("eyJ")]
    central, district = (decode(t, secret) for t in tokens)
    assert central["roles"] == ["central"]
    assert district["organization"] == "hasselby-vallingby"
    assert "planregistry token --role" in out and "Authorization: Bearer" in out
    # The printed token opens the demo registry.
    with Registry.open(url) as registry:
        app = create_app(registry, keys=TokenKeys.from_secret(secret))
        with TestClient(app) as client:
            headers = {"Authorization": f"Bearer {tokens[1]}"}
            plans = client.get("/api/v1/organizations/hasselby-vallingby/plans", headers=headers)
            assert plans.status_code == 200 and plans.json()["items"]
    # The printed sign-in links: the central coordinator's and the demo plan's coordinator's,
    # each for the port served on; and how to make more for that port.
    links = re.findall(r"http://127\.0\.0\.1:8123(/inloggning/lank/\S+)", out)
    assert len(links) == 2
    assert "login-link --role central|coordinator|reader" in out
    assert "--base-url http://127.0.0.1:8123" in out
    with Registry.open(url) as registry:
        app = create_app(registry, keys=TokenKeys.from_secret(secret))
        with TestClient(app, base_url="http://127.0.0.1:8123") as client:
            landed = client.post(links[1], follow_redirects=False)
            assert landed.headers["location"] == "/"
            home = client.get("/", follow_redirects=True)
            assert str(home.url).endswith("/organisationer/hasselby-vallingby/arbetsyta")

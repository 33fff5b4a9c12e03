"""Configuration is checked before a command does anything: one Swedish line naming the
setting, exit code 1, no traceback (planregistry.settings)."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec

from planregistry.cli import main
from planregistry.storage import migrations
from planregistry_api.token_keys import (
    JWKS_FILE_ENV,
    JWT_AUDIENCE_ENV,
    JWT_ISSUER_ENV,
    JWT_PUBLIC_KEY_ENV,
    JWT_SECRET_ENV,
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        JWT_SECRET_ENV,
        JWT_PUBLIC_KEY_ENV,
        JWKS_FILE_ENV,
        JWT_ISSUER_ENV,
        JWT_AUDIENCE_ENV,
        "PLANREGISTRY_DATABASE_URL",
    ):
        monkeypatch.setenv(name, "-")  # recorded, so that `serve`'s own changes are undone
        monkeypatch.delenv(name)


def refused(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("Fel: "), line
    return line


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("inte en url", "är ingen databas-URL"),
        ("mysql://root@localhost/registry", "databastypen 'mysql' stöds inte"),
        ("postgresql://postgres@127.0.0.1:1/registry", "kan inte ansluta till postgresql"),
        ("sqlite:////no/such/directory/registry.sqlite3", "kan inte ansluta till sqlite"),
    ],
)
@pytest.mark.parametrize(
    "command", [("export",), ("demo",), ("db", "upgrade"), ("serve",), ("api-keys", "list")]
)
def test_a_bad_database_url_is_one_line_naming_the_setting(
    url: str, words: str, command: tuple[str, ...]
) -> None:
    line = refused("--database-url", url, *command)
    assert "PLANREGISTRY_DATABASE_URL (--database-url)" in line and words in line, line


@pytest.fixture
def ready_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    migrations.upgrade(url)
    return url


@pytest.mark.parametrize("command", [("serve",), ("token", "--role", "central")])
def test_bad_token_keys_are_one_line_naming_the_setting(
    ready_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv(JWT_SECRET_ENV, "för-kort")
    line = refused("--database-url", ready_url, *command)
    assert JWT_SECRET_ENV in line and "minst 32 tecken" in line
    monkeypatch.delenv(JWT_SECRET_ENV)

    monkeypatch.setenv(JWT_PUBLIC_KEY_ENV, str(tmp_path / "saknas.pem"))
    line = refused("--database-url", ready_url, *command)
    assert JWT_PUBLIC_KEY_ENV in line and "kan inte läsa" in line
    unreadable = tmp_path / "idp.pem"
    unreadable.write_text("inte en nyckel")
    monkeypatch.setenv(JWT_PUBLIC_KEY_ENV, str(unreadable))
    line = refused("--database-url", ready_url, *command)
    assert JWT_PUBLIC_KEY_ENV in line and "PEM" in line
    monkeypatch.delenv(JWT_PUBLIC_KEY_ENV)

    (tmp_path / "keys.json").write_text("{")
    monkeypatch.setenv(JWKS_FILE_ENV, str(tmp_path / "keys.json"))
    line = refused("--database-url", ready_url, *command)
    assert JWKS_FILE_ENV in line and "inte JSON" in line


def test_a_bad_pool_size_is_one_line_naming_the_setting(
    ready_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value in ("många", "0", "-3"):
        monkeypatch.setenv("PLANREGISTRY_DB_POOL_SIZE", value)
        line = refused("--database-url", ready_url, "serve")
        assert "PLANREGISTRY_DB_POOL_SIZE" in line and "heltal" in line
    monkeypatch.setenv("PLANREGISTRY_DB_POOL_SIZE", "3")
    result = CliRunner().invoke(main, ["--database-url", ready_url, "api-keys", "list"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_a_jwk_with_a_shared_secret_or_no_algorithm_stops_serve_in_one_line(
    ready_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alg: str
) -> None:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    entry = {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public)), "kid": "idp", "alg": alg}
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [entry]}))
    monkeypatch.setenv(JWKS_FILE_ENV, str(tmp_path / "jwks.json"))
    line = refused("--database-url", ready_url, "serve")
    assert JWKS_FILE_ENV in line and f"algoritmen '{alg}'" in line, line

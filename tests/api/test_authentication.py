"""Authentication: bearer tokens from each key source, API keys, and what every answer carries."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from litestar import Litestar
from litestar.testing import TestClient

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry_api import create_app
from planregistry_api.token_keys import (
    JWKS_FILE_ENV,
    JWT_AUDIENCE_ENV,
    JWT_ISSUER_ENV,
    JWT_PUBLIC_KEY_ENV,
    JWT_SECRET_ENV,
    AuthConfigurationError,
    TokenKeys,
)
from tests.api.conftest import app_over
from tests.api.support import KEYS, ORGANIZATION, V1, assert_problem, bearer

SECRET = KEYS.secret
assert SECRET is not None


def claims(**override: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    base: dict[str, Any] = {
        "iss": "planregistry",
        "aud": "planregistry",
        "sub": "anna",
        "name": "Anna Andersson",
        "iat": now,
        # Parametrised tokens are minted when the tests are collected: a slow run on a
        # busy machine must not outlive them before it reaches them.
        "exp": now + dt.timedelta(hours=2),
        "roles": ["central"],
        "municipality": "stockholm",
    }
    base.update(override)
    return {k: v for k, v in base.items() if v is not None}


def hs256(secret: str = SECRET, **override: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt.encode(claims(**override), secret, 'HS256')}"}


@pytest.fixture
def anonymous(registry: Registry, shared_app: Litestar):
    """A client that sends no credentials of its own."""
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    with app_over(shared_app, registry) as app, TestClient(app) as client:
        yield client


def refused(response, *, invalid: bool = True) -> dict[str, Any]:
    body = assert_problem(response, 401, "unauthorized")
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    assert ('error="invalid_token"' in challenge) is invalid
    return body


# --- Bearer tokens -------------------------------------------------------------------


def test_no_credentials_is_401_with_a_challenge(anonymous) -> None:
    body = refused(anonymous.get(f"{V1}/organizations"), invalid=False)
    assert "Authorization: Bearer" in body["detail"]
    refused(anonymous.post(f"{V1}/organizations", json=ORGANIZATION), invalid=False)
    refused(anonymous.get(f"{V1}/audit"), invalid=False)
    # Not a bearer scheme, or no token after it.
    for value in ("Basic YTpi", "Bearer ", "Token abc"):
        response = anonymous.get(f"{V1}/programmes", headers={"Authorization": value})
        refused(response, invalid=False)


def test_a_valid_token_is_accepted(anonymous) -> None:
    response = anonymous.get(f"{V1}/programmes", headers=hs256())
    assert response.status_code == 200
    # The scheme name is case-insensitive (RFC 9110).
    token = hs256()["Authorization"].split()[1]
    lower = {"Authorization": f"bearer {token}"}
    assert anonymous.get(f"{V1}/programmes", headers=lower).is_success


@pytest.mark.parametrize(
    ("why", "headers", "message"),
    [
        ("bad signature", hs256("another-secret-" + "x" * 32), "signatur"),
        ("wrong audience", hs256(aud="another-api"), "aud"),
        ("wrong issuer", hs256(iss="someone-else"), "iss"),
        ("no audience", hs256(aud=None), "anspråk"),
        ("no issuer", hs256(iss=None), "anspråk"),
        (
            "expired",
            hs256(
                iat=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
                exp=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
            ),
            "gått ut",
        ),
        ("no exp", hs256(exp=None), ""),
        ("role system", hs256(roles=["system"]), "system"),
        ("system among others", hs256(roles=["central", "System"]), "system"),
        ("no role", hs256(roles=[]), "rollerna"),
        ("unknown role only", hs256(roles=["admin"]), "rollerna"),
        ("two roles", hs256(roles=["reader", "coordinator"], organization="bromma"), "rollerna"),
        ("roles not a list", hs256(roles="central"), ""),
        ("coordinator without organisation", hs256(roles=["coordinator"]), "organisation"),
        ("no municipality", hs256(municipality=None), "kommun"),
        ("reserved subject", hs256(sub="system"), "sub"),
        ("api key subject", hs256(sub="api-key:abc"), "sub"),
        ("system subject with a space", hs256(sub=" system"), "sub"),
        ("system subject capitalised", hs256(sub="System"), "sub"),
        ("api key subject capitalised", hs256(sub="API-KEY:abc"), "sub"),
        ("subject with a control character", hs256(sub="anna\nbritt"), "sub"),
        ("an unknown role beside central", hs256(roles=["central", "admin"]), "rollerna"),
        ("a role that is not a string", hs256(roles=["central", 1]), ""),
        ("not a JWT", {"Authorization": "Bearer not.a.jwt"}, ""),
        (
            "alg none",
            {"Authorization": "Bearer " + jwt.encode(claims(), None, algorithm="none")},
            "",
        ),
    ],
)
def test_refused_tokens(anonymous, why: str, headers: dict[str, str], message: str) -> None:
    body = refused(anonymous.get(f"{V1}/organizations", headers=headers))
    assert message in body["detail"], why


def test_unknown_roles_beside_a_known_one_are_refused(anonymous) -> None:
    # Not ignored: ["central", "admin"] would otherwise act as central.
    headers = hs256(roles=["reader", "offline_access"])
    refused(anonymous.get(f"{V1}/organizations", headers=headers))


def test_a_token_is_never_logged(anonymous, caplog) -> None:
    token = hs256("wrong-secret-" + "y" * 32)
    with caplog.at_level(logging.DEBUG):
        anonymous.get(f"{V1}/organizations", headers=token)
        anonymous.get(f"{V1}/organizations", headers={"X-API-Key": "prk_abc_secretpart"})
    secret_part = token["Authorization"].split()[1].split(".")[2]
    assert secret_part not in caplog.text
    assert "secretpart" not in caplog.text


def _rsa_key() -> tuple[Any, bytes]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, pem


def test_rs256_with_a_pem_public_key(registry: Registry, tmp_path: Path, monkeypatch) -> None:
    private, pem = _rsa_key()
    key_file = tmp_path / "idp.pem"
    key_file.write_bytes(pem)
    monkeypatch.setenv(JWT_PUBLIC_KEY_ENV, str(key_file))
    monkeypatch.setenv(JWT_ISSUER_ENV, "https://idp.stockholm.se")
    monkeypatch.setenv(JWT_AUDIENCE_ENV, "planregistry-prod")
    for name in (JWT_SECRET_ENV, JWKS_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    registry.create_municipality(STOCKHOLM)
    with TestClient(create_app(registry)) as client:  # the key source from the environment
        good = claims(iss="https://idp.stockholm.se", aud="planregistry-prod")
        token = jwt.encode(good, private, algorithm="RS256")
        ok = client.get(f"{V1}/organizations", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        # The default issuer and audience are no longer accepted.
        default = jwt.encode(claims(), private, algorithm="RS256")
        refused(client.get(f"{V1}/organizations", headers={"Authorization": f"Bearer {default}"}))
        # Another key pair, and the HS256 "public key as secret" confusion, are refused.
        other, _ = _rsa_key()
        forged = jwt.encode(good, other, algorithm="RS256")
        refused(client.get(f"{V1}/organizations", headers={"Authorization": f"Bearer {forged}"}))
        confused = _hmac_token(good, pem)
        refused(client.get(f"{V1}/organizations", headers={"Authorization": f"Bearer {confused}"}))
        refused(client.get(f"{V1}/organizations", headers=hs256(iss=good["iss"], aud=good["aud"])))


def _hmac_token(payload: dict[str, Any], key: bytes) -> str:
    """An HS256 token signed with `key`, whatever PyJWT thinks of using a PEM as a secret."""
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    body = {k: int(v.timestamp()) if isinstance(v, dt.datetime) else v for k, v in payload.items()}
    signing_input = b".".join(
        [b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()), b64(json.dumps(body).encode())]
    )
    signature = b64(hmac.new(key, signing_input, hashlib.sha256).digest())
    return (signing_input + b"." + signature).decode()


def test_es256_with_a_jwks_key_set(registry: Registry, tmp_path: Path, monkeypatch) -> None:
    current = ec.generate_private_key(ec.SECP256R1())
    retired = ec.generate_private_key(ec.SECP256R1())
    unknown = ec.generate_private_key(ec.SECP256R1())
    jwks = {
        "keys": [
            {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(k.public_key())), "kid": kid}
            for kid, k in (("2026-a", current), ("2025-b", retired))
        ]
    }
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(jwks))
    for name in (JWT_SECRET_ENV, JWT_PUBLIC_KEY_ENV, JWT_ISSUER_ENV, JWT_AUDIENCE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(JWKS_FILE_ENV, str(key_file))
    registry.create_municipality(STOCKHOLM)

    def sign(key: Any, kid: str | None) -> dict[str, str]:
        headers = {"kid": kid} if kid else {}
        token = jwt.encode(claims(), key, algorithm="ES256", headers=headers)
        return {"Authorization": f"Bearer {token}"}

    with TestClient(create_app(registry)) as client:
        assert client.get(f"{V1}/organizations", headers=sign(current, "2026-a")).status_code == 200
        assert client.get(f"{V1}/organizations", headers=sign(retired, "2025-b")).status_code == 200
        body = refused(client.get(f"{V1}/organizations", headers=sign(unknown, "2027-x")))
        assert "kid" in body["detail"]
        refused(client.get(f"{V1}/organizations", headers=sign(current, None)))
        # A key named by one kid does not verify a token signed by another.
        refused(client.get(f"{V1}/organizations", headers=sign(retired, "2026-a")))


def test_key_sources_are_checked_when_the_app_is_built(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="minst 32"):
        TokenKeys.from_env({JWT_SECRET_ENV: "short"})
    with pytest.raises(AuthConfigurationError, match="bara en"):
        TokenKeys.from_env({JWT_SECRET_ENV: "x" * 40, JWKS_FILE_ENV: "/nope"})
    with pytest.raises(AuthConfigurationError, match="kan inte läsa"):
        TokenKeys.from_env({JWT_PUBLIC_KEY_ENV: str(tmp_path / "missing.pem")})
    shared = tmp_path / "oct.json"
    shared.write_text(json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "s"}]}))
    with pytest.raises(AuthConfigurationError, match="delad hemlighet"):
        TokenKeys.from_env({JWKS_FILE_ENV: str(shared)})
    assert TokenKeys.from_env({}) is None


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"alg": "HS256"}, "algoritmen 'HS256'"),
        ({"alg": "none"}, "algoritmen 'none'"),
        ({"alg": "RS256", "n": "AQAB"}, "minst 2048 bitar"),
        ({"n": 7}, "publik nyckel"),
    ],
)
def test_a_bad_jwks_key_is_one_clear_line(
    tmp_path: Path, change: dict[str, Any], words: str
) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    big = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    source = small if "minst" in words else big
    entry = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(source)), "kid": "k", **change}
    if "minst" in words:
        entry.pop("n")
        entry["n"] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(small))["n"]
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [entry]}))
    with pytest.raises(AuthConfigurationError) as raised:
        TokenKeys.from_env({JWKS_FILE_ENV: str(path)})
    line = str(raised.value)
    assert JWKS_FILE_ENV in line and words in line and "\n" not in line, line
    assert entry["n"] not in line if isinstance(entry["n"], str) else True


def test_the_app_refuses_to_start_without_a_key(registry: Registry, monkeypatch) -> None:
    for name in (JWT_SECRET_ENV, JWT_PUBLIC_KEY_ENV, JWKS_FILE_ENV):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AuthConfigurationError, match=JWT_SECRET_ENV):
        create_app(registry)


# --- API keys ------------------------------------------------------------------------


def with_key(client, method: str, url: str, token: str, **kwargs: Any):
    """A request with only the API key (the fixture's client sends a token by default)."""
    request = client.build_request(method, url, headers={"X-API-Key": token}, **kwargs)
    del request.headers["Authorization"]
    return client.send(request)


def test_api_key_lifecycle(client, registry: Registry) -> None:
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    for role, org in (("coordinator", "hasselby-vallingby"), ("reader", None)):
        assert_problem(
            client.post(
                f"{V1}/api-keys",
                json={"name": "Försök", "role": "reader"},
                headers=bearer(role, organization=org),
            ),
            403,
            "forbidden",
        )
        assert_problem(
            client.get(f"{V1}/api-keys", headers=bearer(role, organization=org)), 403, "forbidden"
        )
    created = client.post(
        f"{V1}/api-keys",
        json={"name": "Ärendesystem", "role": "coordinator", "organization": "hasselby-vallingby"},
    )
    assert created.status_code == 201, created.text
    issued = created.json()
    key_id, token = issued["key"]["id"], issued["token"]
    assert token.startswith(f"prk_{key_id}_")
    assert created.headers["location"] == f"{V1}/api-keys/{key_id}"
    assert issued["key"]["municipality"] == "stockholm"
    assert issued["key"]["created_by"] == "test-central"

    # The key works, in its role: a coordinator of its organisation.
    own = with_key(client, "GET", f"{V1}/organizations/hasselby-vallingby/plans", token)
    assert own.status_code == 200
    assert_problem(
        with_key(client, "POST", f"{V1}/api-keys", token, json={"name": "x", "role": "reader"}),
        403,
        "forbidden",
    )
    # Listed without its secret.
    listed = client.get(f"{V1}/api-keys").json()["items"]
    assert [k["id"] for k in listed] == [key_id]
    assert token not in json.dumps(listed) and "token" not in listed[0]

    # Revoked: 204, and the key no longer opens anything.
    assert client.delete(f"{V1}/api-keys/{key_id}").status_code == 204
    refused(with_key(client, "GET", f"{V1}/organizations", token))
    assert client.get(f"{V1}/api-keys").json()["items"][0]["revoked_at"] is not None
    assert client.delete(f"{V1}/api-keys/{key_id}").status_code == 204  # idempotent
    assert_problem(client.delete(f"{V1}/api-keys/000000000000"), 404, "not-found")


def test_bad_api_keys_are_401(anonymous) -> None:
    for value in ("nonsense", "prk_abc_def", "prk_" + "a" * 5000, ""):
        refused(anonymous.get(f"{V1}/organizations", headers={"X-API-Key": value}))
    # Both kinds of credentials at once are ambiguous.
    both = {**hs256(), "X-API-Key": "prk_abc_def"}
    refused(anonymous.get(f"{V1}/organizations", headers=both), invalid=False)


# --- What every answer carries -------------------------------------------------------

SECURITY = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


def test_security_headers_and_request_id_on_every_answer(anonymous) -> None:
    answers = {
        "ok": anonymous.get(f"{V1}/programmes", headers=hs256()),
        "health": anonymous.get(f"{V1}/health"),
        "unauthenticated": anonymous.get(f"{V1}/programmes"),
        "no route": anonymous.get(f"{V1}/nothing", headers=hs256()),
        "not found": anonymous.get(f"{V1}/programmes/nope", headers=hs256()),
        "method": anonymous.put(f"{V1}/programmes", headers=hs256()),
        "options": anonymous.options(f"{V1}/programmes"),
        "schema": anonymous.get(f"{V1}/schema/openapi.json"),
    }
    ids = set()
    for what, response in answers.items():
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, (what, name)
        assert response.headers["cache-control"] == "no-store", what
        request_id = response.headers["x-request-id"]
        assert 1 <= len(request_id) <= 128, what
        ids.add(request_id)
    assert len(ids) == len(answers)  # a new one for each request


def test_401_is_problem_json(anonymous) -> None:
    response = anonymous.get(f"{V1}/revisions/1")
    body = refused(response, invalid=False)
    assert body["title"] == "Inloggning krävs"
    assert response.headers["content-type"] == "application/problem+json"


def test_request_id_is_echoed_when_sane_and_replaced_otherwise(anonymous) -> None:
    sane = "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    assert (
        anonymous.get(f"{V1}/health", headers={"X-Request-ID": sane}).headers["x-request-id"]
        == sane
    )
    for insane in (b"a" * 129, "två ord".encode(), b"<script>", b"x;y"):
        answered = anonymous.get(f"{V1}/health", headers={"X-Request-ID": insane}).headers[
            "x-request-id"
        ]
        assert answered.encode() != insane and len(answered) == 32


def test_the_docs_page_is_served_with_a_policy_that_lets_it_load(anonymous) -> None:
    page = anonymous.get(f"{V1}/schema/swagger")
    assert page.status_code == 200 and "swagger-ui" in page.text
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "https:" not in policy and "'unsafe-inline'" not in policy  # no CDN, no inline
    assert page.headers["x-frame-options"] == "DENY"


def test_openapi_declares_both_schemes_and_the_refusals() -> None:
    from planregistry_api.schemas import openapi_document

    document = openapi_document()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["apiKeyAuth"]["in"] == "header" and schemes["apiKeyAuth"]["name"] == "X-API-Key"
    assert document["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation["operationId"] == "getHealth":
                assert operation["security"] == []
                assert "401" not in operation["responses"]
                continue
            assert "security" not in operation, (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            assert "**Access**" in operation["description"], (method, path)


# --- Verified tokens are remembered until they expire --------------------------------


def test_a_remembered_token_is_used_only_until_it_expires() -> None:
    from litestar.middleware.authentication import AuthenticationResult

    from planregistry_api.auth import VerifiedTokens

    now = [1_000.0]
    verified = VerifiedTokens(size=2, clock=lambda: now[0])
    result = AuthenticationResult(user="anna", auth=None)
    expires = dt.datetime.fromtimestamp(1_060.0, dt.UTC)
    verified.put("token-a", expires, result)
    assert verified.get("token-a") is result
    assert verified.get("token-b") is None  # only the very same token
    now[0] = 1_060.0
    assert verified.get("token-a") is None  # at exp it is verified afresh
    verified.put("token-a", expires + dt.timedelta(hours=1), result)
    assert verified.get("token-a") is result


def test_remembered_tokens_are_bounded_least_recently_used_first() -> None:
    from litestar.middleware.authentication import AuthenticationResult

    from planregistry_api.auth import VerifiedTokens

    verified = VerifiedTokens(size=2, clock=lambda: 0.0)
    later = dt.datetime.fromtimestamp(3_600.0, dt.UTC)
    results = {name: AuthenticationResult(user=name, auth=None) for name in "abc"}
    verified.put("a", later, results["a"])
    verified.put("b", later, results["b"])
    assert verified.get("a") is results["a"]  # "b" is now the least recently used
    verified.put("c", later, results["c"])
    assert verified.get("b") is None
    assert verified.get("a") is results["a"] and verified.get("c") is results["c"]


def test_a_token_refused_once_is_refused_again(anonymous) -> None:
    """Only accepted tokens are remembered: a refusal is not turned into an acceptance."""
    headers = hs256(roles=["system"])
    for _ in range(2):
        refused(anonymous.get(f"{V1}/organizations", headers=headers))
    good = hs256()
    for _ in range(2):
        assert anonymous.get(f"{V1}/organizations", headers=good).status_code == 200


def test_an_api_key_is_refused_key_management(client) -> None:
    created = client.post(f"{V1}/api-keys", json={"name": "Integration", "role": "central"})
    token, key_id = created.json()["token"], created.json()["key"]["id"]
    child = {"name": "Barn", "role": "central"}
    assert_problem(with_key(client, "POST", f"{V1}/api-keys", token, json=child), 403, "forbidden")
    assert_problem(with_key(client, "GET", f"{V1}/api-keys", token), 403, "forbidden")
    response = with_key(client, "DELETE", f"{V1}/api-keys/{key_id}", token)
    assert_problem(response, 403, "forbidden")
    assert [k["id"] for k in client.get(f"{V1}/api-keys").json()["items"]] == [key_id]

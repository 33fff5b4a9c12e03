"""Rate limits against a real server: per credential and per client address, reads,
writes and sign-in each with their own budget, refused with 429 problem details.

One server with small limits serves the module; each test calls it from a loopback
address of its own (127.0.0.x), so that no test spends another's budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from planregistry import settings
from planregistry.cli import main
from planregistry.settings import Limit
from planregistry.storage import migrations
from planregistry_api.token_keys import TokenKeys, mint_token
from planregistry_domain.errors import ConfigurationError
from tests.api.support import PROBLEM_BASE, V1
from tests.live_server import SECRET, serving
from tests.reliability.support import seed

LIMITS = {
    "PLANREGISTRY_RATE_LIMITS": "on",
    # Given back slowly (one read in 15 minutes), so that none comes back during a test
    # however loaded the machine.
    "PLANREGISTRY_RATE_LIMIT_READS": "4/3600",
    "PLANREGISTRY_RATE_LIMIT_READS_PER_ADDRESS": "6/3600",
    "PLANREGISTRY_RATE_LIMIT_WRITES": "2/3600",
    "PLANREGISTRY_RATE_LIMIT_SIGN_IN_PER_ADDRESS": "3/3600",
}
READS_POLICY = '"reads-credential";q=4;w=3600, "reads-address";q=6;w=3600'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder = tmp_path_factory.mktemp("rate-limits")
    url = f"sqlite:///{folder / 'registry.sqlite3'}"
    migrations.upgrade(url)
    revision_id = seed(url)
    with serving(url, "--no-access-log", env=LIMITS, log=folder / "server.log") as base:
        yield base, revision_id


def caller(base: str, address: str, subject: str | None = None) -> httpx.Client:
    """A client calling from `address`, with a central token for `subject` if given."""
    headers = {}
    if subject is not None:
        token = mint_token(TokenKeys.from_secret(SECRET), role="central", subject=subject)
        headers["Authorization"] = f"Bearer {token}"
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base, headers=headers, transport=transport, timeout=30)


def assert_limited(answer: httpx.Response, bucket: str) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == PROBLEM_BASE + "too-many-requests"
    assert int(answer.headers["retry-after"]) >= 1
    assert f'"{bucket}";r=0;' in answer.headers["ratelimit"]


def test_reads_are_limited_per_credential_and_per_address(site: tuple[str, int]) -> None:
    base, _ = site
    with (
        caller(base, "127.0.0.2", "anna") as anna,
        caller(base, "127.0.0.2", "bertil") as bertil,
        caller(base, "127.0.0.2") as guesser,
    ):
        first = anna.get(f"{V1}/programmes")
        assert first.status_code == 200
        assert first.headers["ratelimit-policy"] == READS_POLICY
        assert first.headers["ratelimit"].startswith('"reads-credential";r=3;t=')
        assert '"reads-address";r=5;' in first.headers["ratelimit"]
        for _ in range(3):
            assert anna.get(f"{V1}/programmes").status_code == 200
        refused = anna.get(f"{V1}/programmes")
        assert_limited(refused, "reads-credential")
        assert int(refused.headers["retry-after"]) <= 900  # a read back every 15 minutes
        # Another credential from the same address has its own budget, until the
        # address has spent its own (6): Anna's five (the address counts before the
        # credential is known, so her refused read too) and one of Bertil's.
        assert bertil.get(f"{V1}/programmes").status_code == 200
        assert_limited(bertil.get(f"{V1}/programmes"), "reads-address")
        # Limited before authentication: guessing credentials from there is refused too.
        guesser.headers["Authorization"] = "Bearer guessed"
        assert_limited(guesser.get(f"{V1}/programmes"), "reads-address")
    # From another address Bertil reads again; Anna's own budget is spent everywhere.
    with caller(base, "127.0.0.3", "bertil") as bertil, caller(base, "127.0.0.3", "anna") as anna:
        assert bertil.get(f"{V1}/programmes").status_code == 200
        assert_limited(anna.get(f"{V1}/programmes"), "reads-credential")


def test_writes_have_a_budget_of_their_own(site: tuple[str, int]) -> None:
    base, revision_id = site
    with caller(base, "127.0.0.4", "cecilia") as cecilia:
        for _ in range(4):
            cecilia.get(f"{V1}/programmes")
        assert_limited(cecilia.get(f"{V1}/programmes"), "reads-credential")
        path = f"{V1}/revisions/{revision_id}/activities"
        written = [
            cecilia.post(path, json={"title": f"Aktivitet {n}", "level": "promoting"})
            for n in range(3)
        ]
        assert [answer.status_code for answer in written[:2]] == [201, 201]
        assert written[0].headers["ratelimit-policy"].startswith('"writes-credential";q=2;w=3600')
        assert_limited(written[2], "writes-credential")


def test_sign_in_is_limited_per_address_with_a_page(site: tuple[str, int]) -> None:
    base, _ = site
    with caller(base, "127.0.0.5") as browser:
        tries = [browser.post("/inloggning/lank/gissad") for _ in range(4)]
        assert [answer.status_code for answer in tries[:3]] == [400, 400, 400]
        refused = tries[3]
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
        assert "För många försök" in refused.text
        assert int(refused.headers["retry-after"]) >= 1
        # Reading is another budget.
        assert browser.get("/inloggning").status_code == 429  # the sign-in page is sign-in
        assert browser.get(f"{V1}/programmes").status_code == 401


def test_the_health_check_is_never_limited(site: tuple[str, int]) -> None:
    base, _ = site
    with caller(base, "127.0.0.6") as balancer:
        answers = [balancer.get(f"{V1}/health") for _ in range(10)]
    assert {answer.status_code for answer in answers} == {200}
    assert "ratelimit" not in answers[0].headers


def test_limits_are_on_by_default_and_can_be_turned_off_or_set() -> None:
    defaults = settings.rate_limits({})
    assert set(defaults) == {"reads", "writes", "sign_in"}
    assert defaults["reads"] == (Limit(1200, 60), Limit(6000, 60))
    assert settings.rate_limits({"PLANREGISTRY_RATE_LIMITS": "off"}) == {}
    assert settings.rate_limits({"PLANREGISTRY_RATE_LIMIT_WRITES": "10/1"})["writes"][0] == Limit(
        10, 1
    )
    with pytest.raises(ConfigurationError, match="PLANREGISTRY_RATE_LIMIT_READS"):
        settings.rate_limits({"PLANREGISTRY_RATE_LIMIT_READS": "många"})


def test_serve_refuses_a_bad_limit_with_one_line(tmp_path: Path) -> None:
    refused = CliRunner().invoke(
        main,
        ["--database-url", f"sqlite:///{tmp_path / 'r.sqlite3'}", "serve"],
        env={"PLANREGISTRY_RATE_LIMITS": "kanske"},
    )
    assert refused.exit_code == 1
    assert refused.output.strip().startswith("Fel: PLANREGISTRY_RATE_LIMITS")

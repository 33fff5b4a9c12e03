"""Forms kept across an expired web session: only for the session's own person, with
its CSRF token, for the page they were posted to, and handed back once."""

from __future__ import annotations

import datetime as dt

from planregistry import Registry
from planregistry_domain.sessions import KEPT_FORM_TTL, SESSION_IDLE
from tests.conftest import Clock
from tests.web.browser import person

FIELDS = [("rubrik", "Förord"), ("text", "Första stycket.\n\n- en punkt"), ("teman", "a")]
PATH = "/revisioner/1/redigera/nytt-avsnitt"


def _expired(registry: Registry, clock: Clock) -> tuple[str, str]:
    session = registry.start_web_session(person("coordinator", "hasselby-vallingby"))
    clock.current += SESSION_IDLE + dt.timedelta(minutes=1)
    return session.token, session.csrf_token


def test_a_kept_form_comes_back_once_to_its_person_and_page(
    demo_registry: Registry, clock: Clock
) -> None:
    token, csrf = _expired(demo_registry, clock)
    secret = demo_registry.keep_expired_form(token, csrf, PATH, FIELDS)
    assert secret is not None
    owner = person("coordinator", "hasselby-vallingby")
    assert demo_registry.kept_form(secret, actor=person("coordinator", "bromma")) is None
    waiting = demo_registry.kept_form(secret, actor=owner)
    assert waiting is not None and waiting.path == PATH
    assert demo_registry.take_kept_form(secret, "/annan/sida", actor=owner) is None
    taken = demo_registry.take_kept_form(secret, PATH, actor=owner)
    assert taken is not None and taken.fields == FIELDS
    assert demo_registry.take_kept_form(secret, PATH, actor=owner) is None


def test_a_form_is_not_kept_without_the_sessions_csrf_token_or_after_signing_out(
    demo_registry: Registry, clock: Clock
) -> None:
    token, csrf = _expired(demo_registry, clock)
    assert demo_registry.keep_expired_form(token, "någon annans", PATH, FIELDS) is None
    assert demo_registry.keep_expired_form("okänd", csrf, PATH, FIELDS) is None
    assert demo_registry.keep_expired_form(token, csrf, "https://annan.example/", FIELDS) is None
    demo_registry.end_web_session(token)
    assert demo_registry.keep_expired_form(token, csrf, PATH, FIELDS) is None


def test_a_kept_form_waits_for_a_working_day_at_most(demo_registry: Registry, clock: Clock) -> None:
    token, csrf = _expired(demo_registry, clock)
    secret = demo_registry.keep_expired_form(token, csrf, PATH, FIELDS)
    assert secret is not None
    clock.current += KEPT_FORM_TTL
    owner = person("coordinator", "hasselby-vallingby")
    assert demo_registry.kept_form(secret, actor=owner) is None
    assert demo_registry.take_kept_form(secret, PATH, actor=owner) is None

"""Sign-in links and browser sessions in the library, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from planregistry import Actor, NotFound, PermissionDenied, Registry, Role, ValidationError
from planregistry_domain.sessions import SESSION_ABSOLUTE, SESSION_IDLE, SIGN_IN_LINK_TTL
from tests.conftest import Clock

CENTRAL = Actor(subject="anna", name="Anna Central", role=Role.CENTRAL, municipality="stockholm")


def test_a_link_signs_in_once(demo_registry: Registry) -> None:
    secret = demo_registry.issue_sign_in_link(CENTRAL)
    session = demo_registry.redeem_sign_in_link(secret)
    assert session is not None and session.actor == CENTRAL and session.token
    assert demo_registry.redeem_sign_in_link(secret) is None
    found = demo_registry.web_session(session.token)
    assert found is not None and found.actor == CENTRAL
    assert found.csrf_token == session.csrf_token
    (entry,) = demo_registry.list_audit(entity="web_session").items
    assert (entry.actor_subject, entry.action) == ("anna", "sign_in")


def test_a_link_expires_within_minutes(demo_registry: Registry, clock: Clock) -> None:
    secret = demo_registry.issue_sign_in_link(CENTRAL)
    clock.current += SIGN_IN_LINK_TTL
    assert demo_registry.redeem_sign_in_link(secret) is None


def test_a_session_ends_when_idle_and_in_any_case_after_the_absolute_limit(
    demo_registry: Registry, clock: Clock
) -> None:
    idle = demo_registry.start_web_session(CENTRAL)
    clock.current += SESSION_IDLE + dt.timedelta(seconds=1)
    assert demo_registry.web_session(idle.token) is None

    busy = demo_registry.start_web_session(CENTRAL)
    started = clock.current
    while clock.current - started < SESSION_ABSOLUTE - dt.timedelta(minutes=20):
        clock.current += dt.timedelta(minutes=20)
        assert demo_registry.web_session(busy.token) is not None
    clock.current = started + SESSION_ABSOLUTE
    assert demo_registry.web_session(busy.token) is None


def test_signing_out_ends_the_session(demo_registry: Registry) -> None:
    session = demo_registry.start_web_session(CENTRAL)
    demo_registry.end_web_session(session.token)
    assert demo_registry.web_session(session.token) is None
    assert demo_registry.web_session("not-a-session") is None


def test_only_the_system_issues_links_and_only_for_placed_people(
    demo_registry: Registry,
) -> None:
    with pytest.raises(PermissionDenied):
        demo_registry.issue_sign_in_link(CENTRAL, actor=CENTRAL)
    coordinator = Actor(subject="c", name="C", role=Role.COORDINATOR, municipality="stockholm")
    with pytest.raises(ValidationError):
        demo_registry.issue_sign_in_link(coordinator)
    with pytest.raises(NotFound):
        demo_registry.issue_sign_in_link(
            Actor(
                subject="c",
                name="C",
                role=Role.COORDINATOR,
                municipality="stockholm",
                organization="angered",
            )
        )
    with pytest.raises(ValidationError):
        demo_registry.start_web_session(Actor(subject="s", name="S", role=Role.SYSTEM))

"""The authorisation policy as a table: role × action × where the target lives."""

from __future__ import annotations

import pytest

from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.policy import Action, Scope, Verdict, judge, sees_personal_data
from planregistry_domain.vocabulary import Role

A = Action
ALLOW, FORBIDDEN, HIDDEN = Verdict.ALLOW, Verdict.FORBIDDEN, Verdict.HIDDEN

CENTRAL = Actor(subject="c", name="Central", role=Role.CENTRAL, municipality="stockholm")
COORDINATOR = Actor(
    subject="k",
    name="Samordnare",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization="bromma",
)
READER = Actor(subject="r", name="Läsare", role=Role.READER, municipality="stockholm")

OWN = Scope(municipality="stockholm", organization="bromma")
OTHER_ORG = Scope(municipality="stockholm", organization="farsta")
OTHER_MUNICIPALITY = Scope(municipality="goteborg", organization="angered")
MUNICIPALITY = Scope(municipality="stockholm")

PLAN_ACTIONS = [A.READ_PLAN, A.EDIT_DRAFT, A.RECORD_COMMITTEE_DECISION, A.REPORT_FOLLOW_UP]


@pytest.mark.parametrize("action", list(Action))
def test_nothing_crosses_municipalities(action: Action) -> None:
    for actor in (CENTRAL, COORDINATOR, READER):
        assert judge(actor, action, OTHER_MUNICIPALITY) in (HIDDEN, FORBIDDEN)


@pytest.mark.parametrize("action", PLAN_ACTIONS)
def test_coordinator_works_on_its_own_plans_only(action: Action) -> None:
    assert judge(COORDINATOR, action, OWN) is ALLOW
    assert judge(COORDINATOR, action, OTHER_ORG) is HIDDEN


@pytest.mark.parametrize(
    "action", [A.RECORD_BOARD_DECISION, A.REVIEW, A.READ_AUDIT, A.MANAGE_API_KEYS]
)
def test_central_only_actions(action: Action) -> None:
    assert judge(CENTRAL, action, OWN) is ALLOW
    assert judge(COORDINATOR, action, OWN) is FORBIDDEN
    assert judge(READER, action, OWN) is FORBIDDEN
    # Another district's object stays invisible to a coordinator, whatever the action.
    assert judge(COORDINATOR, action, OTHER_ORG) is HIDDEN


def test_reader_reads_everything_in_its_municipality_and_changes_nothing() -> None:
    for action in (A.READ_PLAN, A.READ_ORGANIZATION, A.READ_COMPARISONS):
        assert judge(READER, action, OTHER_ORG) is ALLOW
    for action in (
        A.EDIT_DRAFT,
        A.RECORD_COMMITTEE_DECISION,
        A.REPORT_FOLLOW_UP,
        A.MANAGE_ORGANIZATION,
    ):
        assert judge(READER, action, OWN) is FORBIDDEN


def test_organisations_and_comparisons_are_readable_by_every_role() -> None:
    for actor in (CENTRAL, COORDINATOR, READER):
        assert judge(actor, A.READ_ORGANIZATION, OTHER_ORG) is ALLOW
        assert judge(actor, A.READ_COMPARISONS, MUNICIPALITY) is ALLOW


def test_programmes_are_shared_but_only_the_system_changes_them() -> None:
    for actor in (CENTRAL, COORDINATOR, READER):
        assert judge(actor, A.READ_REFERENCE, Scope()) is ALLOW
        assert judge(actor, A.MANAGE_PROGRAMMES, Scope()) is FORBIDDEN
    assert judge(SYSTEM, A.MANAGE_PROGRAMMES, Scope()) is ALLOW


def test_personal_data_only_for_central_and_own_coordinators() -> None:
    assert sees_personal_data(CENTRAL, "farsta", "stockholm")
    assert sees_personal_data(COORDINATOR, "bromma", "stockholm")
    assert not sees_personal_data(COORDINATOR, "farsta", "stockholm")
    assert not sees_personal_data(READER, "bromma", "stockholm")
    assert not sees_personal_data(CENTRAL, "angered", "goteborg")


def test_a_coordinator_sees_every_organisation_of_its_municipality_but_manages_none() -> None:
    assert judge(COORDINATOR, A.MANAGE_ORGANIZATION, OWN) is FORBIDDEN
    assert judge(COORDINATOR, A.MANAGE_ORGANIZATION, OTHER_ORG) is FORBIDDEN
    assert judge(COORDINATOR, A.MANAGE_ORGANIZATION, OTHER_MUNICIPALITY) is HIDDEN


def test_the_whole_registry_is_the_systems_alone() -> None:
    for actor in (CENTRAL, COORDINATOR, READER):
        assert judge(actor, A.MANAGE_REGISTRY, Scope()) is FORBIDDEN
        assert judge(actor, A.MANAGE_REGISTRY, MUNICIPALITY) is FORBIDDEN
    assert judge(SYSTEM, A.MANAGE_REGISTRY, Scope()) is ALLOW


@pytest.mark.parametrize("role", [Role.CENTRAL, Role.COORDINATOR, Role.READER])
def test_an_actor_bound_to_no_municipality_sees_only_shared_reference_data(role: Role) -> None:
    unbound = Actor(subject="u", name="Utan kommun", role=role, organization="bromma")
    assert judge(unbound, A.READ_REFERENCE, Scope()) is ALLOW
    for action in (A.READ_PLAN, A.READ_ORGANIZATION, A.READ_COMPARISONS, A.READ_AUDIT):
        assert judge(unbound, action, Scope()) is HIDDEN
        assert judge(unbound, action, OWN) is HIDDEN
    assert not sees_personal_data(unbound, "bromma", "stockholm")

"""ETags handled for the caller: no lost update, no blind retry, typed refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import planregistry
from planregistry import Activity, Organization, Revision
from planregistry_client import (
    Client,
    Conflict,
    IllegalTransition,
    PreconditionRequired,
    ReadOnly,
    StaleVersion,
    ValidationError,
)
from tests.client.support import Server, unique

ACTIVITY = {
    "title": "Utbildning för medarbetare om våldsbejakande extremism",
    "level": "preventing",
    "themes": ["staff_training"],
    "responsible": "Stadsdelsförvaltningen",
    "partners": ["Polis"],
    "follow_up_method": "Uppföljning i ILS",
}


@dataclass
class Draft:
    org_id: str
    revision: Revision
    activity: Activity


def new_organization(central: Client, prefix: str = "konflikt") -> Organization:
    org_id = unique(prefix)
    return central.create_organization(
        {
            "id": org_id,
            "name": f"{org_id} stadsdelsförvaltning",
            "kind": "district",
            "committee": f"{org_id} stadsdelsnämnd",
            "municipality": "stockholm",
        }
    )


@pytest.fixture
def draft(server: Server) -> Iterator[Draft]:
    """A fresh organisation with a plan and a draft revision holding one activity."""
    with server.central() as central:
        org = new_organization(central)
    with server.coordinator(org.id) as coordinator:
        plan = coordinator.create_plan(org.id, {"programme_id": "vbe"})
        revision = coordinator.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2018})
        activity = coordinator.add_activity(revision.id, ACTIVITY)
        yield Draft(org.id, coordinator.get_revision(revision.id), activity)


def test_a_stale_revision_write_raises_with_the_current_version_and_overwrites_nothing(
    server: Server, draft: Draft
) -> None:
    with server.coordinator(draft.org_id) as anna, server.coordinator(draft.org_id) as bo:
        read_by_anna = anna.get_revision(draft.revision.id)
        read_by_bo = bo.get_revision(draft.revision.id)
        anna.put_section(read_by_anna.id, "introduction", {"heading": "Inledning", "body": "Annas"})

        with pytest.raises(StaleVersion) as raised:
            bo.put_section(read_by_bo.id, "introduction", {"heading": "Inledning", "body": "Bos"})
        stale = raised.value
        # One exception, as the library's types too.
        assert isinstance(stale, planregistry.StaleVersion)
        assert isinstance(stale, planregistry.Conflict)
        assert isinstance(stale, Conflict)
        assert stale.status == 412 and stale.problem.slug == "stale-version"
        assert (stale.entity, stale.key) == ("revision", draft.revision.id)
        assert stale.expected == read_by_bo.version
        current = stale.current_resource
        assert isinstance(current, Revision)
        assert stale.current == current.version == read_by_bo.version + 1
        assert stale.current_etag == f'"revision-{current.id}-v{current.version}"'
        assert [s.body for s in current.sections if s.key == "introduction"] == ["Annas"]
        assert "current version" in str(stale)

        # No blind retry: the same call again is refused, and Anna's text stands.
        assert f"/api/v1/revisions/{draft.revision.id}" not in bo.etags
        with pytest.raises(PreconditionRequired) as again:
            bo.put_section(read_by_bo.id, "introduction", {"heading": "Inledning", "body": "Bos"})
        assert again.value.status == 428
        assert "get_" in again.value.detail
        kept = anna.get_revision(draft.revision.id)
        assert [s.body for s in kept.sections if s.key == "introduction"] == ["Annas"]

        # Bo merges deliberately, naming the version he has now seen.
        bo.put_section(
            read_by_bo.id,
            "introduction",
            {"heading": "Inledning", "body": "Annas och Bos"},
            if_match=stale.current_etag,
        )
        final = anna.get_revision(draft.revision.id)
        assert [s.body for s in final.sections if s.key == "introduction"] == ["Annas och Bos"]


def test_a_stale_activity_write_carries_the_current_activity(server: Server, draft: Draft) -> None:
    with server.coordinator(draft.org_id) as anna, server.coordinator(draft.org_id) as bo:
        anna.get_activity(draft.activity.id)
        bo.get_revision(draft.revision.id)  # bo knows the activity's tag from the revision
        anna.update_activity(draft.activity.id, {"target_group": "Unga 16–25 år"})
        with pytest.raises(StaleVersion) as raised:
            bo.update_activity(draft.activity.id, {"target_group": "Vuxna"})
        current = raised.value.current_resource
        assert isinstance(current, Activity)
        assert current.target_group == "Unga 16–25 år"
        assert (raised.value.entity, raised.value.key) == ("activity", draft.activity.id)
        with pytest.raises(StaleVersion):
            bo.delete_activity(draft.activity.id, expected_version=draft.activity.version)
        assert anna.get_activity(draft.activity.id).target_group == "Unga 16–25 år"


def test_a_stale_organization_write_is_refused(server: Server) -> None:
    with server.central() as anna, server.central() as bo:
        org = new_organization(anna)
        bo.get_organization(org.id)
        renamed = anna.update_organization(org.id, {"committee": "Nämnden, nytt namn"})
        assert renamed.version == org.version + 1
        with pytest.raises(StaleVersion) as raised:
            bo.update_organization(org.id, {"committee": "Ett annat namn"})
        assert isinstance(raised.value.current_resource, Organization)
        assert raised.value.current == renamed.version
        assert anna.get_organization(org.id).committee == "Nämnden, nytt namn"


def test_explicit_versions_and_the_tag_chain_of_a_writer(server: Server, draft: Draft) -> None:
    with server.coordinator(draft.org_id) as client:
        # Without a read there is no tag: the server asks for one (428), nothing changes.
        with pytest.raises(PreconditionRequired):
            client.update_revision(draft.revision.id, {"label": "Vers. 1b"})
        # A version the caller holds works as well as a remembered tag…
        updated = client.update_revision(
            draft.revision.id, {"label": "Vers. 1b"}, expected_version=draft.revision.version
        )
        assert updated.version == draft.revision.version + 1
        # …and each answer's tag is the next write's If-Match.
        client.put_section(updated.id, "scope", {"heading": "Avgränsning", "body": "Skolor."})
        client.put_situation(
            updated.id, {"compiled_on": "2018-02-01", "sources": ["Chefsenkät 2018"]}
        )
        latest = client.update_revision(updated.id, {"priority_areas": ["Grimsta"]})
        assert latest.version == updated.version + 2 + 1
        # An activity change changes the revision: its tag is forgotten until read again.
        client.update_activity(draft.activity.id, {"areas": ["Grimsta"]})
        assert f"/api/v1/revisions/{updated.id}" not in client.etags
        client.get_revision(updated.id)
        client.update_revision(updated.id, {"case_numbers": ["1.2.3-9/2018"]})
        # Deleting with the remembered tag.
        client.delete_activity(draft.activity.id)
        assert client.get_revision(updated.id).activities == []
        with pytest.raises(ValueError, match="not both"):
            client.update_revision(updated.id, {}, if_match='"x"', expected_version=1)


def test_conflicts_transitions_and_validation_are_typed(server: Server, draft: Draft) -> None:
    with server.coordinator(draft.org_id) as district, server.central() as central:
        plan_id = draft.revision.plan_id
        with pytest.raises(Conflict) as second_draft:
            district.create_revision(plan_id, {"label": "Vers. 2", "cycle_year": 2019})
        assert type(second_draft.value) is Conflict
        assert isinstance(second_draft.value, planregistry.Conflict)
        with pytest.raises(Conflict):
            central.create_organization(
                {
                    "id": draft.org_id,
                    "name": "Dubblett",
                    "kind": "district",
                    "committee": "Dubblettnämnden",
                    "municipality": "stockholm",
                }
            )

        central.get_revision(draft.revision.id)
        with pytest.raises(IllegalTransition) as illegal:
            central.record_decision(
                draft.revision.id,
                {"body": "city_executive_board", "outcome": "approved", "decided_on": "2018-05-01"},
            )
        assert isinstance(illegal.value, planregistry.IllegalTransition)
        assert illegal.value.current == "draft"
        assert illegal.value.allowed and all(isinstance(a, str) for a in illegal.value.allowed)

        with pytest.raises(ValidationError) as invalid:
            district.add_activity(draft.revision.id, {**ACTIVITY, "level": "nonsense", "id": 7})
        assert isinstance(invalid.value, planregistry.ValidationError)
        assert invalid.value.status == 422
        assert invalid.value.errors and all(e.path.startswith("$") for e in invalid.value.errors)
        with pytest.raises(ValidationError) as bad_parameter:
            district.list_organizations(limit=100_000)
        assert bad_parameter.value.status == 400
        assert bad_parameter.value.problem.slug == "invalid-parameter"
        with pytest.raises(planregistry.ValidationError):
            central.status_board({"no_such_filter": 1})

        # Approved content is read-only.
        district.get_revision(draft.revision.id)
        district.record_decision(
            draft.revision.id,
            {"body": "committee", "outcome": "approved", "decided_on": "2018-03-01"},
        )
        central.get_revision(draft.revision.id)
        central.record_decision(
            draft.revision.id,
            {
                "body": "city_executive_board",
                "outcome": "approved",
                "decided_on": dt.date(2018, 4, 1),
            },
        )
        district.get_revision(draft.revision.id)
        with pytest.raises(ReadOnly) as read_only:
            district.put_section(draft.revision.id, "scope", {"heading": "X", "body": "Y"})
        assert isinstance(read_only.value, planregistry.ReadOnly)
        assert isinstance(read_only.value, IllegalTransition)
        assert read_only.value.current == "approved"

"""The richer activity fields, measured follow-up values and documents through the typed
clients (sync and async) against the real server."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from planregistry import (
    Activity,
    AttachDocument,
    CreateActivity,
    Document,
    DocumentKind,
    FollowUp,
    NotFound,
    ReportFollowUp,
    ValidationError,
)
from planregistry_domain.activity_details import Indicator, Measurement, TimeFrame
from planregistry_domain.vocabulary import FollowUpStatus
from tests.client.support import Server, unique
from tests.documents_support import PDF_BYTES, TEXT_BYTES


def _organization(server: Server) -> str:
    org_id = unique("rika")
    with server.central() as central:
        central.create_organization(
            {
                "id": org_id,
                "name": "Rika förvaltningen",
                "kind": "district",
                "committee": "Rika nämnden",
                "municipality": "stockholm",
            }
        )
    return org_id


def test_rich_activity_and_measured_follow_up_round_trip(server: Server) -> None:
    org_id = _organization(server)
    command = CreateActivity(
        title="Föräldraträffar",
        level="preventing",
        goals=["relatives_support"],
        target_groups=["Föräldrar"],
        time_frame=TimeFrame(start=dt.date(2018, 1, 15), ongoing=True),
        resources="Två träffledare.",
        contact_role="Enhetschef",
        indicators=[Indicator(key="traffar", name="Antal träffar")],
    )
    with server.coordinator(org_id) as district, server.central() as central:
        plan = district.create_plan(org_id, {"programme_id": "vbe"})
        revision = district.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2018})
        added = district.add_activity(revision.id, command)
        assert isinstance(added, Activity)
        assert (added.goals, added.time_frame, added.indicators) == (
            command.goals,
            command.time_frame,
            command.indicators,
        )
        assert district.get_revision(revision.id).activities == [added]
        with pytest.raises(ValidationError) as refused:
            district.add_activity(
                revision.id, {"title": "X", "level": "preventing", "goals": ["x"]}
            )
        assert [e.path for e in refused.value.errors] == ["$.goals[0]"]
        district.record_decision(
            revision.id, {"body": "committee", "outcome": "approved", "decided_on": "2018-03-01"}
        )
        central.get_revision(revision.id)
        central.record_decision(
            revision.id,
            {"body": "city_executive_board", "outcome": "approved", "decided_on": "2018-04-01"},
        )
        report = district.report_follow_up(
            added.id,
            ReportFollowUp(
                period="2018-T2",
                status=FollowUpStatus.ONGOING,
                measurements=[Measurement(indicator="traffar", value=4)],
            ),
        )
        assert isinstance(report, FollowUp)
        assert report.measurements == [Measurement(indicator="traffar", value=4.0)]
        assert district.list_follow_ups(added.id).items == [report]

    async def read_async() -> tuple[Activity, list[FollowUp]]:
        async with server.async_client("coordinator", organization=org_id) as client:
            activity = await client.get_activity(added.id)
            follow_ups = [f async for f in client.iter_follow_ups(added.id)]
            return activity, follow_ups

    assert asyncio.run(read_async()) == (added, [report])


def test_documents_through_both_clients(server: Server) -> None:
    org_id = _organization(server)
    name = "Protokollsutdrag – nämnden § 12 (Älvsjö).pdf"
    with server.coordinator(org_id) as district, server.central() as central:
        plan = district.create_plan(org_id, {"programme_id": "vbe"})
        revision = district.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2018})
        decision = district.record_decision(
            revision.id, {"body": "committee", "outcome": "approved", "decided_on": "2018-03-01"}
        ).value
        attached = district.attach_document(
            revision.id,
            PDF_BYTES,
            AttachDocument(
                filename=name,
                kind=DocumentKind.MINUTES_EXTRACT,
                decision_id=decision.id,
                media_type="application/pdf",
            ),
        )
        assert isinstance(attached, Document)
        assert (attached.filename, attached.decision_id, attached.kind) == (
            name,
            decision.id,
            DocumentKind.MINUTES_EXTRACT,
        )
        assert central.list_documents(revision.id) == [attached]
        assert central.get_document(attached.id) == attached
        assert central.download_document(attached.id) == PDF_BYTES
        with pytest.raises(ValidationError) as refused:
            district.attach_document(revision.id, TEXT_BYTES, {"filename": "plan.pdf"})
        assert refused.value.problem.slug == "document-type-mismatch"
        with server.coordinator("bromma") as other, pytest.raises(NotFound):
            other.download_document(attached.id)

    async def remove_async() -> list[Document]:
        async with server.async_client("coordinator", organization=org_id) as client:
            assert await client.download_document(attached.id) == PDF_BYTES
            await client.get_document(attached.id)
            await client.remove_document(attached.id)
            return await client.list_documents(revision.id)

    assert asyncio.run(remove_async()) == []

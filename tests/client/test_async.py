"""`AsyncClient`: the same surface, awaited, against the real server."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

import planregistry
from planregistry import Activity, Revision, StatusBoard
from planregistry_client import AsyncClient, NotFound, StaleVersion, Unauthorized
from tests.client.support import Server, unique


async def _draft_cycle(server: Server) -> None:
    org_id = unique("async")
    async with server.async_client("central") as central:
        await central.create_organization(
            {
                "id": org_id,
                "name": "Asynkrona förvaltningen",
                "kind": "specialist",
                "committee": "Asynkrona nämnden",
                "municipality": "stockholm",
            }
        )
    async with (
        server.async_client("coordinator", organization=org_id) as anna,
        server.async_client("coordinator", organization=org_id) as bo,
    ):
        plan = await anna.create_plan(org_id, {"programme_id": "vbe"})
        revision = await anna.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2018})
        assert isinstance(revision, Revision)
        await anna.put_section(revision.id, "introduction", {"heading": "Inledning", "body": "A"})
        added = await asyncio.gather(
            *(
                anna.add_activity(
                    revision.id,
                    {
                        "title": f"Aktivitet {n}",
                        "level": "preventing",
                        "responsible": "Förvaltningen",
                        "follow_up_method": "Uppföljning i ILS",
                    },
                )
                for n in range(5)
            )
        )
        walked = [a async for a in anna.iter_activities(revision.id, page_size=2)]
        assert all(isinstance(a, Activity) for a in walked)
        assert sorted(a.id for a in walked) == sorted(a.id for a in added)

        await bo.get_revision(revision.id)
        await anna.get_revision(revision.id)
        await anna.update_revision(revision.id, {"priority_areas": ["Centrum"]})
        with pytest.raises(StaleVersion) as raised:
            await bo.update_revision(revision.id, {"priority_areas": ["Förorten"]})
        current = raised.value.current_resource
        assert isinstance(current, Revision) and current.priority_areas == ["Centrum"]
        assert isinstance(raised.value, planregistry.StaleVersion)

        await anna.get_revision(revision.id)
        decision = await anna.record_decision(
            revision.id,
            {"body": "committee", "outcome": "approved", "decided_on": dt.date(2018, 3, 1)},
        )
        assert decision.value.status_after == "awaiting_board"

    async with server.async_client("central") as central:
        board = await central.status_board({"kind": "specialist"})
        assert isinstance(board, StatusBoard)
        (row,) = [r for r in board.rows if r.organization_id == org_id]
        assert row.in_progress is not None and row.in_progress.status == "awaiting_board"
        export = await central.export_comparison("status", "csv", {"kind": "specialist"})
        assert org_id in export.content.decode("utf-8-sig")
        with pytest.raises(NotFound):
            await central.get_plan(2_000_000_000)
        audit = [e async for e in central.iter_audit(organization=org_id, page_size=2)]
        assert len(audit) >= 9

    async with AsyncClient(server.base_url) as anonymous:
        assert (await anonymous.health()).status == "ok"
        with pytest.raises(Unauthorized):
            await anonymous.get_organization(org_id)


def test_the_async_client_drafts_conflicts_and_compares(server: Server) -> None:
    asyncio.run(_draft_cycle(server))

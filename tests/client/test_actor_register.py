"""The actors register through both clients: the Registry's return types, ETags kept."""

from __future__ import annotations

import asyncio

import pytest

from planregistry import PlanActor, UnmatchedName
from planregistry_client import PermissionDenied, StaleVersion
from tests.client.support import Server, unique


def _plan_naming(server: Server, partner: str) -> str:
    org_id = unique("aktorer")
    with server.client("central") as central:
        central.create_organization(
            {
                "id": org_id,
                "name": "Aktörsförvaltningen",
                "kind": "district",
                "committee": "Aktörsnämnden",
                "municipality": "stockholm",
            }
        )
        plan = central.create_plan(org_id, {"programme_id": "vbe"})
        revision = central.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2018})
        central.add_activity(
            revision.id,
            {"title": "Samverkan", "level": "preventing", "partners": [partner, "Polisen"]},
        )
    return org_id


def test_sync_client_lists_maps_and_adds_actors(server: Server) -> None:
    written = f"Lokalpolisen {unique('omr')}"
    org_id = _plan_naming(server, written)
    with server.client("central") as central:
        actors = central.list_plan_actors("stockholm")
        assert all(isinstance(a, PlanActor) for a in actors)
        (police,) = [a for a in actors if a.name == "Polisen"]
        unmatched = central.unmatched_actor_names("stockholm")
        assert all(isinstance(u, UnmatchedName) for u in unmatched)
        (entry,) = [u for u in unmatched if u.name == written]
        assert entry.organizations == [org_id] and entry.as_partner == 1

        # The ETag learnt from the list guards the write; an old one is refused.
        mapped = central.map_actor_name(police.id, {"name": written})
        assert written in mapped.aliases
        with pytest.raises(StaleVersion):
            central.update_plan_actor(
                police.id, {"kind": "police"}, expected_version=police.version
            )
        assert written not in {u.name for u in central.unmatched_actor_names("stockholm")}
        matrix = central.partner_matrix({"basis": "latest"})
        (row,) = [r for r in matrix.rows if r.organization_id == org_id]
        assert row.partners == {"Polisen": 1}

        name = unique("Förening")
        added = central.create_plan_actor("stockholm", {"kind": "civil_society", "name": name})
        assert central.get_plan_actor(added.id) == added
    with server.client("reader") as reader, pytest.raises(PermissionDenied):
        reader.create_plan_actor("stockholm", {"kind": "other", "name": unique("Läsaren")})


def test_async_client_has_the_same_register(server: Server) -> None:
    async def run() -> None:
        async with server.async_client("central") as central:
            actors = await central.list_plan_actors("stockholm")
            (region,) = [a for a in actors if a.name == "Region Stockholm"]
            alias = unique("Regionförbundet")
            changed = await central.update_plan_actor(
                region.id, {"aliases": [*region.aliases, alias]}
            )
            assert isinstance(changed, PlanActor) and alias in changed.aliases
            assert await central.get_plan_actor(region.id) == changed
            assert isinstance(await central.unmatched_actor_names("stockholm"), list)

    asyncio.run(run())

"""Completeness per kind of organisation; organisations merged over time in the views."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import msgspec
import pytest

from planregistry import Registry
from planregistry.defaults.stockholm_actors import ACTORS
from planregistry.storage import migrations
from planregistry_domain.completeness import check_completeness
from planregistry_domain.errors import ValidationError
from planregistry_domain.organization_history import check_history, shown_in_view
from planregistry_domain.vocabulary import OrganizationKind

# A specialist committee's plan, in the shape of arbetsmarknadsnämndens: its own
# commission and efforts, staff training, association grants and premises. No local
# situation picture of its own, no hindering work, no support to relatives: those are
# the districts' part of the guideline.
SPECIALIST_SECTIONS = (
    (
        "introduction",
        "Inledning",
        "Arbetsmarknadsnämnden ansvarar för stadens arbetsmarknadsinsatser och "
        "vuxenutbildning. Planen beskriver nämndens uppdrag enligt riktlinjerna.",
    ),
    (
        "prevention",
        "Förvaltningens insatser",
        "Jobbtorg Stockholm och vuxenutbildningen ger stöd till arbete och studier, "
        "vilket motverkar utanförskap.",
    ),
    (
        "training",
        "Utbildning",
        "Medarbetare på jobbtorgen och inom vuxenutbildningen får utbildning om "
        "våldsbejakande extremism.",
    ),
    (
        "grants_and_premises",
        "Föreningsbidrag och lokaler",
        "Bidrag och lokaler ges inte till organisationer som inte står bakom demokratins idéer.",
    ),
    ("follow_up", "Uppföljning", "Planen följs upp i ILS vid tertialrapport och i VB."),
)
SPECIALIST_ACTIVITIES = (
    {
        "title": "Utbildning för medarbetare om våldsbejakande extremism",
        "level": "preventing",
        "themes": ["staff_training"],
        "responsible": "Arbetsmarknadsförvaltningen",
        "partners": ["Stadsledningskontoret"],
        "follow_up_method": "Uppföljning i ILS",
    },
    {
        "title": "Villkor om demokratins idéer vid föreningsbidrag och lokaluthyrning",
        "level": "preventing",
        "themes": ["association_grants"],
        "responsible": "Arbetsmarknadsförvaltningen",
        "follow_up_method": "Uppföljning i ILS",
    },
)


def _specialist_plan(registry: Registry) -> int:
    plan = registry.create_plan("arbetsmarknadsforvaltningen", {"programme_id": "vbe"})
    revision = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2017})
    for key, heading, body in SPECIALIST_SECTIONS:
        registry.put_section(revision.id, key, {"heading": heading, "body": body})
    for activity in SPECIALIST_ACTIVITIES:
        registry.add_activity(revision.id, activity)
    return revision.id


def test_completeness_holds_a_plan_to_its_own_kind(demo_registry: Registry) -> None:
    (seed_plan,) = demo_registry.list_plans("hasselby-vallingby")
    assert demo_registry.completeness(seed_plan.revisions[0].id) == []

    revision_id = _specialist_plan(demo_registry)
    assert demo_registry.completeness(revision_id) == []
    # The same plan held to a district's requirements lacks what only districts need.
    revision = demo_registry.get_revision(revision_id)
    programme = demo_registry.get_programme("vbe")
    as_district = check_completeness(revision, programme, OrganizationKind.DISTRICT)
    assert [(f.code, f.subject) for f in as_district] == [
        ("missing_section", "scope"),
        ("missing_section", "situation"),
        ("missing_section", "hindering"),
        ("missing_section", "relatives_support"),
        ("missing_section", "collaboration"),
        ("missing_situation", "situation"),
        ("missing_level", "hindering"),
    ]
    # A specialist plan still has to cover its own requirements.
    demo_registry.delete_section(revision_id, "training")
    (gap,) = demo_registry.completeness(revision_id)
    assert (gap.code, gap.subject, gap.message) == (
        "missing_section",
        "training",
        'Avsnittet "Utbildning" saknas.',
    )


def _merge_into_hagersten_alvsjo(registry: Registry) -> None:
    """Stockholm's reorganisation of 2020: Hägersten-Liljeholmen and Älvsjö became
    Hägersten-Älvsjö."""
    registry.create_organization(
        {
            "id": "hagersten-alvsjo",
            "name": "Hägersten-Älvsjö stadsdelsförvaltning",
            "kind": "district",
            "committee": "Hägersten-Älvsjö stadsdelsnämnd",
            "municipality": "stockholm",
            "valid_from": "2020-01-01",
        }
    )
    for old in ("hagersten-liljeholmen", "alvsjo"):
        registry.update_organization(
            old, {"valid_to": "2019-12-31", "successor": "hagersten-alvsjo"}
        )


def _approved_plan(registry: Registry, org_id: str, year: int) -> int:
    plan = registry.create_plan(org_id, {"programme_id": "vbe"})
    revision = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": year})
    registry.add_activity(
        revision.id,
        {"title": "Utbildning för medarbetare", "level": "preventing", "partners": ["Polis"]},
    )
    for body, on in (("committee", f"{year}-04-20"), ("city_executive_board", f"{year}-06-14")):
        registry.record_decision(
            revision.id, {"body": body, "outcome": "approved", "decided_on": on}
        )
    return revision.id


def test_views_show_a_merged_district_for_its_years_and_the_successor_now(
    demo_registry: Registry,
) -> None:
    alvsjo_2018 = _approved_plan(demo_registry, "alvsjo", 2018)
    _merge_into_hagersten_alvsjo(demo_registry)
    _approved_plan(demo_registry, "hagersten-alvsjo", 2020)

    then = {r.organization_id: r for r in demo_registry.status_board({"cycle_year": 2018}).rows}
    assert "hagersten-alvsjo" not in then
    assert then["alvsjo"].organization_name == "Älvsjö stadsdelsförvaltning"
    assert then["alvsjo"].in_force is not None
    assert then["alvsjo"].in_force.revision_id == alvsjo_2018
    partners_2018 = demo_registry.partner_matrix({"cycle_year": 2018})
    assert {r.organization_id for r in partners_2018.rows if r.partners} == {"alvsjo"}

    now = {r.organization_id for r in demo_registry.status_board().rows}
    assert "hagersten-alvsjo" in now
    assert not {"alvsjo", "hagersten-liljeholmen"} & now
    assert "alvsjo" not in {r.organization_id for r in demo_registry.activity_coverage().rows}

    alvsjo = demo_registry.get_organization("alvsjo")
    assert (alvsjo.valid_to, alvsjo.successor) == (dt.date(2019, 12, 31), "hagersten-alvsjo")
    current = demo_registry.list_organizations(valid_on=dt.date(2026, 1, 1)).items
    assert "hagersten-alvsjo" in {o.id for o in current}
    assert "alvsjo" not in {o.id for o in current}
    everyone = demo_registry.list_organizations().items
    assert {"alvsjo", "hagersten-alvsjo"} <= {o.id for o in everyone}
    # The merged district's plan is still its own, under its own name.
    assert [p.organization_id for p in demo_registry.list_plans("alvsjo")] == ["alvsjo"]


def test_impossible_history_is_refused(demo_registry: Registry) -> None:
    _merge_into_hagersten_alvsjo(demo_registry)
    before = demo_registry.export_json()
    for org_id, change, path in (
        ("alvsjo", {"successor": "alvsjo"}, "$.successor"),
        ("bromma", {"successor": "hagersten-alvsjo"}, "$.valid_to"),
        ("bromma", {"valid_from": "2020-01-01", "valid_to": "2019-12-31"}, "$.valid_to"),
        ("bromma", {"valid_to": "2019-12-31", "successor": "saknas"}, "$.successor"),
        # Hägersten-Älvsjö succeeding Älvsjö, which it succeeds: a circle.
        ("hagersten-alvsjo", {"valid_to": "2030-12-31", "successor": "alvsjo"}, "$.successor"),
    ):
        with pytest.raises(ValidationError) as caught:
            demo_registry.update_organization(org_id, change)
        assert path in {e.path for e in caught.value.errors}
    assert demo_registry.export_json() == before


@pytest.fixture
def empty_target(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Registry:
    """A second migrated, empty database of the same kind as `registry`'s."""
    if database_url.startswith("sqlite"):
        path = tmp_path / "target.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_server").create_database()
        migrations.upgrade(url)
    target = Registry.open(url)
    request.addfinalizer(target.close)
    return target


def test_backup_carries_the_register_and_the_history(
    demo_registry: Registry, empty_target: Registry
) -> None:
    # Älvsjö ends with a successor that sorts before it and one created after it.
    _merge_into_hagersten_alvsjo(demo_registry)
    (police,) = [a for a in demo_registry.list_plan_actors("stockholm") if a.name == "Polisen"]
    demo_registry.map_actor_name(police.id, {"name": "Lokalpolisområde Vällingby"})
    document = demo_registry.export_json()
    decoded = msgspec.json.decode(document)
    assert decoded["format_version"] == 4 and len(decoded["actors"]) == len(ACTORS)

    empty_target.import_json(document)
    assert empty_target.export_json() == document
    assert empty_target.get_organization("alvsjo").successor == "hagersten-alvsjo"
    restored = empty_target.get_plan_actor(police.id)
    assert "Lokalpolisområde Vällingby" in restored.aliases


def test_a_backup_of_format_3_still_imports(
    demo_registry: Registry, empty_target: Registry
) -> None:
    decoded = msgspec.json.decode(demo_registry.export_json())
    del decoded["actors"]
    for organization in decoded["organizations"]:
        for name in ("valid_from", "valid_to", "successor"):
            organization.pop(name, None)
    decoded["format_version"] = 3
    empty_target.import_json(msgspec.json.encode(decoded))
    assert empty_target.list_plan_actors("stockholm") == []
    assert empty_target.get_organization("alvsjo").successor is None


def test_a_successor_in_another_municipality_is_as_unknown_as_a_missing_one() -> None:
    with pytest.raises(ValidationError) as caught:
        check_history(
            "alvsjo",
            "stockholm",
            None,
            dt.date(2019, 12, 31),
            "angered",
            successor_municipality="goteborg",
            successors={},
        )
    (error,) = caught.value.errors
    assert (error.path, error.message) == ("$.successor", "Organisationen 'angered' finns inte.")
    assert shown_in_view(None, dt.date(2019, 12, 31), today=dt.date(2026, 1, 1), cycle_year=2019)
    assert not shown_in_view(
        None, dt.date(2019, 12, 31), today=dt.date(2026, 1, 1), cycle_year=None
    )
    assert not shown_in_view(dt.date(2020, 1, 1), None, today=dt.date(2026, 1, 1), cycle_year=2019)

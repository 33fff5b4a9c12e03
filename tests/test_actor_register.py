"""The actors register: one actor however plans spell it, mapped by the central role."""

from __future__ import annotations

import datetime as dt

import pytest

from planregistry import Registry
from planregistry_domain.actor import Actor
from planregistry_domain.actor_register import ActorIndex, PlanActor
from planregistry_domain.errors import Conflict, NotFound, PermissionDenied, StaleVersion
from planregistry_domain.vocabulary import ActorKind, Role

NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
CENTRAL = Actor(subject="c", name="Central", role=Role.CENTRAL, municipality="stockholm")
COORDINATOR = Actor(
    subject="k",
    name="Samordnare",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization="hasselby-vallingby",
)
READER = Actor(subject="r", name="Läsare", role=Role.READER, municipality="stockholm")
ELSEWHERE = Actor(subject="g", name="Göteborg", role=Role.CENTRAL, municipality="goteborg")

# The activity tables as printed in the seed plan (the OCR text), where they spell an
# actor otherwise than the transcription in `defaults/hasselby_vallingby_2017.json`.
PRINTED_PARTNERS = {
    "Förebygga utanförskap": ["Landsting", "Utbildningsförvaltning"],
    "Förhindra och förebygga kriminellt beteende hos unga vuxna 18-29 år.": [
        "Utbildningsförvaltning",
        "Polis",
    ],
}


def _actor(actor_id: int, name: str, *aliases: str) -> PlanActor:
    return PlanActor(
        id=actor_id,
        municipality="stockholm",
        kind=ActorKind.OTHER,
        name=name,
        aliases=list(aliases),
        created_at=NOW,
        updated_at=NOW,
    )


def test_names_match_by_case_definite_form_and_alias() -> None:
    index = ActorIndex(
        [
            _actor(1, "Polisen", "Polismyndigheten"),
            _actor(2, "Region Stockholm", "Landstinget"),
            _actor(3, "Utbildningsförvaltningen"),
            _actor(4, "Kronofogden"),
        ]
    )
    for name, actor_id in (
        ("Polis", 1),
        ("polisen", 1),
        (" POLISMYNDIGHETEN.", 1),
        ("Landsting", 2),
        ("Landstinget", 2),
        ("Utbildningsförvaltning", 3),
        ("Kronofogde", 4),
    ):
        found = index.match(name)
        assert found is not None and found.id == actor_id, name
    assert index.match("Skatteverket") is None
    assert index.match("Pol") is None


def test_a_name_fitting_two_actors_is_left_unmatched() -> None:
    index = ActorIndex([_actor(1, "Kyrka"), _actor(2, "Kyrkanen"), _actor(3, "Kyrkan ung")])
    # "Kyrkan" is "Kyrka" in the definite form, and "Kyrkanen" without it: which is meant
    # is for the coordinator to settle.
    assert index.candidates("Kyrkan") == {1, 2}
    assert index.match("Kyrkan") is None
    # An exact name or alias always wins over a definite-form variant.
    assert ActorIndex([_actor(1, "Kyrka"), _actor(2, "Ung", "Kyrkan")]).candidates("kyrkan") == {2}


def _seed_with_printed_spellings(registry: Registry) -> int:
    (plan,) = registry.list_plans("hasselby-vallingby")
    revision = registry.get_revision(plan.revisions[0].id)
    for activity in revision.activities:
        printed = PRINTED_PARTNERS.get(activity.title)
        if printed is not None:
            registry.update_activity(activity.id, {"partners": printed})
    return revision.id


def test_partner_matrix_on_the_seeds_own_spellings_has_one_column_per_actor(
    demo_registry: Registry,
) -> None:
    _seed_with_printed_spellings(demo_registry)
    matrix = demo_registry.partner_matrix({"basis": "latest"})
    columns = {p.partner: p for p in matrix.partners}
    assert sorted(columns) == [
        "Civilsamhället",
        "Entreprenörer",
        "Föreningar",
        "Kronofogden",
        "Polisen",
        "Region Stockholm",
        "Rädda Barnen",
        "Samfund",
        "Skatteverket",
        "Stadsledningskontoret",
        "Utbildningsförvaltningen",
    ]
    assert all(p.actor_id is not None for p in matrix.partners)
    assert columns["Region Stockholm"].names == ["Landsting", "Landstinget"]
    assert columns["Region Stockholm"].actor_kind is ActorKind.REGION
    assert columns["Utbildningsförvaltningen"].names == [
        "Utbildningsförvaltning",
        "Utbildningsförvaltningen",
    ]
    assert columns["Stadsledningskontoret"].names == ["Central samordnare", "Stadsledningskontoret"]
    (row,) = [r for r in matrix.rows if r.organization_id == "hasselby-vallingby"]
    assert row.partners["Utbildningsförvaltningen"] == 4
    assert row.partners["Region Stockholm"] == 2
    assert row.partners["Polisen"] == 6
    assert demo_registry.unmatched_actor_names("stockholm") == []


def test_mapping_an_unmatched_name_changes_the_views_not_the_plan(
    demo_registry: Registry,
) -> None:
    revision_id = _seed_with_printed_spellings(demo_registry)
    activity = demo_registry.get_revision(revision_id).activities[0]
    written = [*activity.partners, "Lokalpolisområde Vällingby", "Fryshuset"]
    demo_registry.update_activity(activity.id, {"partners": written})

    unmatched = demo_registry.unmatched_actor_names("stockholm", actor=READER)
    assert [(u.name, u.as_partner, u.organizations) for u in unmatched] == [
        ("Fryshuset", 1, ["hasselby-vallingby"]),
        ("Lokalpolisområde Vällingby", 1, ["hasselby-vallingby"]),
    ]
    before = demo_registry.partner_matrix({"basis": "latest"})
    loose = {p.partner: p for p in before.partners if p.actor_id is None}
    assert sorted(loose) == ["Fryshuset", "Lokalpolisområde Vällingby"]
    assert before.partners[0].partner == "Polisen" and before.partners[0].activities == 6

    (police,) = [a for a in demo_registry.list_plan_actors("stockholm") if a.name == "Polisen"]
    mapped = demo_registry.map_actor_name(
        police.id,
        {"name": "Lokalpolisområde Vällingby"},
        expected_version=police.version,
        actor=CENTRAL,
    )
    assert mapped.aliases == ["Polismyndigheten", "Lokalpolisområde Vällingby"]
    assert mapped.version == police.version + 1
    added = demo_registry.create_plan_actor(
        "stockholm", {"kind": "civil_society", "name": "Fryshuset"}, actor=CENTRAL
    )
    assert added.kind is ActorKind.CIVIL_SOCIETY

    after = demo_registry.partner_matrix({"basis": "latest"})
    columns = {p.partner: p for p in after.partners}
    assert "Lokalpolisområde Vällingby" not in columns
    assert columns["Polisen"].activities == 7  # the first activity now names the police too
    assert columns["Polisen"].names == ["Lokalpolisområde Vällingby", "Polis"]
    assert columns["Fryshuset"].actor_id == added.id
    assert demo_registry.unmatched_actor_names("stockholm") == []
    # The plan still says what its authors wrote.
    assert demo_registry.get_activity(activity.id).partners == written
    trail = demo_registry.list_audit(entity="plan_actor", actor=CENTRAL).items
    assert {(e.action, e.entity_id) for e in trail} >= {
        ("map_name", str(police.id)),
        ("create", str(added.id)),
    }


def test_only_the_central_role_keeps_the_register(demo_registry: Registry) -> None:
    (police,) = [a for a in demo_registry.list_plan_actors("stockholm") if a.name == "Polisen"]
    for reader in (COORDINATOR, READER):
        assert demo_registry.list_plan_actors("stockholm", actor=reader)
        assert demo_registry.get_plan_actor(police.id, actor=reader) == police
        with pytest.raises(PermissionDenied):
            demo_registry.create_plan_actor(
                "stockholm", {"kind": "other", "name": "Fryshuset"}, actor=reader
            )
        with pytest.raises(PermissionDenied):
            demo_registry.map_actor_name(police.id, {"name": "Lokalpolisen"}, actor=reader)
        with pytest.raises(PermissionDenied):
            demo_registry.update_plan_actor(police.id, {"kind": "other"}, actor=reader)
    # Another municipality's register does not exist for it.
    with pytest.raises(NotFound):
        demo_registry.list_plan_actors("stockholm", actor=ELSEWHERE)
    with pytest.raises(NotFound):
        demo_registry.map_actor_name(police.id, {"name": "Lokalpolisen"}, actor=ELSEWHERE)
    with pytest.raises(NotFound):
        demo_registry.unmatched_actor_names("stockholm", actor=ELSEWHERE)
    assert demo_registry.get_plan_actor(police.id) == police


def test_register_refuses_a_name_another_actor_has_and_stale_versions(
    demo_registry: Registry,
) -> None:
    actors = {a.name: a for a in demo_registry.list_plan_actors("stockholm")}
    police, region = actors["Polisen"], actors["Region Stockholm"]
    with pytest.raises(Conflict):
        demo_registry.create_plan_actor("stockholm", {"kind": "region", "name": "landstinget"})
    with pytest.raises(Conflict):
        demo_registry.map_actor_name(police.id, {"name": "Landstinget"})
    with pytest.raises(StaleVersion):
        demo_registry.update_plan_actor(
            region.id, {"name": "Region Stockholm"}, expected_version=region.version + 1
        )
    renamed = demo_registry.update_plan_actor(
        region.id,
        {"aliases": ["Landstinget", "landstinget", "Region Stockholm", "SLL"]},
        expected_version=region.version,
    )
    assert renamed.aliases == ["Landstinget", "SLL"]  # repeats and the name itself dropped
    # Mapping a name the actor already has changes nothing.
    assert demo_registry.map_actor_name(police.id, {"name": "polisen"}) == police


def test_an_activity_naming_one_actor_in_two_spellings_counts_once(
    demo_registry: Registry,
) -> None:
    revision_id = _seed_with_printed_spellings(demo_registry)
    first, second = demo_registry.get_revision(revision_id).activities[:2]
    demo_registry.update_activity(first.id, {"partners": ["Polis", "Polisen", "Landsting"]})
    demo_registry.update_activity(second.id, {"partners": ["Landstinget"]})
    matrix = demo_registry.partner_matrix({"basis": "latest"})
    (row,) = [r for r in matrix.rows if r.organization_id == "hasselby-vallingby"]
    assert row.partners["Polisen"] == 7  # six activities said "Polis"; one more says both
    assert row.partners["Region Stockholm"] == 3
    columns = {p.partner: p for p in matrix.partners}
    assert columns["Polisen"].names == ["Polis", "Polisen"]
    assert columns["Polisen"].activities == 7

"""The default data: programme, Stockholm's 19 organisations, and the seed plan read back whole."""

from __future__ import annotations

from planregistry import OrganizationKind, Registry, RevisionStatus
from planregistry.defaults.demo import load_demo, read_seed
from tests.conftest import StatementCounter


def test_demo_loads_programme_and_all_organisations(demo_registry: Registry) -> None:
    programme = demo_registry.get_programme("vbe")
    assert [q.key for q in programme.survey_questions] == [
        "observed_expressions",
        "preventive_work",
        "active_detection",
        "exit_work",
        "relatives_support",
        "sufficient_knowledge",
    ]
    assert {t.key for t in programme.levels} == {
        "promoting",
        "preventing",
        "hindering",
        "protecting",
    }
    organizations = demo_registry.list_organizations(municipality="stockholm")
    kinds = [o.kind for o in organizations]
    assert kinds.count(OrganizationKind.DISTRICT) == 14
    assert kinds.count(OrganizationKind.SPECIALIST) == 5
    hv = demo_registry.get_organization("hasselby-vallingby")
    assert hv.name == "Hässelby-Vällingby stadsdelsförvaltning"
    assert hv.committee == "Hässelby-Vällingby stadsdelsnämnd"


def test_demo_is_loaded_once(demo_registry: Registry) -> None:
    before = demo_registry.export_json()
    assert load_demo(demo_registry) is False
    assert demo_registry.export_json() == before


def test_only_the_seed_organisation_has_a_plan(demo_registry: Registry) -> None:
    with_plans = [
        o.id for o in demo_registry.list_organizations() if demo_registry.list_plans(o.id)
    ]
    assert with_plans == ["hasselby-vallingby"]


def test_seed_plan_reads_back_whole(demo_registry: Registry) -> None:
    seed = read_seed("hasselby_vallingby_2017.json")
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    (summary,) = plan.revisions
    revision = demo_registry.get_revision(summary.id)

    assert revision.status is RevisionStatus.DRAFT
    assert revision.cycle_year == 2017
    assert [s.key for s in revision.sections] == [
        "introduction",
        "definitions",
        "scope",
        "environments",
        "situation",
        "prevention",
        "hindering",
        "relatives_support",
        "collaboration",
        "training",
        "follow_up",
    ]
    assert [s.heading for s in revision.sections][:3] == [
        "Inledning",
        "Definitioner",
        "Avgränsning",
    ]
    assert revision.priority_areas == ["Grimsta", "Hässelby gård", "Smedshagen"]
    assert len(revision.scope_exclusions) == 1
    assert "gymnasier" in revision.scope_exclusions[0]

    situation = revision.situation
    assert situation is not None
    assert len(situation.survey) == 6
    assert {p.environment for p in situation.police} == {"white_power", "autonomous", "islamist"}
    assert all(p.status.value == "not_active" for p in situation.police)

    assert [a.title for a in revision.activities] == [a.title for a in seed.activities]
    assert [a.partners for a in revision.activities] == [a.partners for a in seed.activities]
    assert all(a.responsible == "Stadsdelsförvaltningen" for a in revision.activities)
    assert {a.follow_up_method for a in revision.activities} == {
        "Uppföljning i ILS",
        "Enligt samverkansavtal med polisen",
    }
    grants = next(a for a in revision.activities if a.title.startswith("Återkräva"))
    assert grants.partners == ["Polis", "Samfund", "Föreningar", "Kronofogden", "Skatteverket"]
    assert [a.level for a in revision.activities].count("hindering") == 2


def test_seed_text_has_its_diacritics(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision = demo_registry.get_revision(plan.revisions[0].id)
    text = " ".join(s.body for s in revision.sections)
    for word in ("våldsbejakande", "förebyggande", "stadsdelsområdet", "lägesbild"):
        assert word in text
    for ocr_artefact in ("valdsbejakande", "forebyggande", "ldgesbild"):
        assert ocr_artefact not in text


def test_whole_revision_is_read_in_a_fixed_number_of_statements(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby")
    revision_id = plan.revisions[0].id
    with StatementCounter(demo_registry.engine) as small:
        demo_registry.get_revision(revision_id)
    for i in range(40):
        demo_registry.add_activity(
            revision_id,
            {
                "title": f"Extra aktivitet {i}",
                "level": "promoting",
                "themes": ["values_work"],
                "partners": ["Polis", "Föreningar"],
            },
        )
    with StatementCounter(demo_registry.engine) as large:
        revision = demo_registry.get_revision(revision_id)
    assert len(revision.activities) == 54
    assert large.count == small.count <= 10

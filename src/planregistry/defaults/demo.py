"""Load the default programme, Stockholm's organisations and the seed plan."""

from __future__ import annotations

from importlib.resources import files

import msgspec
from msgspec import Struct, field

from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import ORGANIZATIONS, STOCKHOLM
from planregistry.defaults.stockholm_actors import ACTORS
from planregistry.registry import Registry
from planregistry_domain.commands import (
    CreateActivity,
    CreatePlan,
    CreateRevision,
    PutSection,
    PutSituation,
    UpdateRevision,
)
from planregistry_domain.errors import NotFound
from planregistry_domain.model import Revision

SEED_FILES = ("hasselby_vallingby_2017.json",)


class SectionSeed(Struct, kw_only=True, forbid_unknown_fields=True):
    key: str
    heading: str
    body: str


class PlanSeed(Struct, kw_only=True, forbid_unknown_fields=True):
    """A real plan transcribed into the registry's commands (see `defaults/*.json`)."""

    organization_id: str
    programme_id: str
    label: str
    cycle_year: int
    scope_exclusions: list[str] = field(default_factory=list)
    priority_areas: list[str] = field(default_factory=list)
    sections: list[SectionSeed] = field(default_factory=list)
    situation: PutSituation | None = None
    activities: list[CreateActivity] = field(default_factory=list)


def read_seed(name: str) -> PlanSeed:
    data = files("planregistry.defaults").joinpath(name).read_bytes()
    return msgspec.json.decode(data, type=PlanSeed)


def load_seed_plan(registry: Registry, seed: PlanSeed) -> Revision:
    """Create the seed's plan as a draft revision with all of its content."""
    plan = registry.create_plan(seed.organization_id, CreatePlan(programme_id=seed.programme_id))
    revision = registry.create_revision(
        plan.id, CreateRevision(label=seed.label, cycle_year=seed.cycle_year)
    )
    registry.update_revision(
        revision.id,
        UpdateRevision(scope_exclusions=seed.scope_exclusions, priority_areas=seed.priority_areas),
    )
    for section in seed.sections:
        registry.put_section(
            revision.id, section.key, PutSection(heading=section.heading, body=section.body)
        )
    if seed.situation is not None:
        registry.put_situation(revision.id, seed.situation)
    for activity in seed.activities:
        registry.add_activity(revision.id, activity)
    return registry.get_revision(revision.id)


def load_demo(registry: Registry) -> bool:
    """Load the demo data; returns False (and changes nothing) if it is already there.

    Every step is an ordinary use case run as the system, so the audit trail records the
    demo like any other use of the library: one entry per write, by `system`.
    """
    try:
        registry.get_organization(ORGANIZATIONS[0].id)
    except NotFound:
        pass
    else:
        return False
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    for organization in ORGANIZATIONS:
        registry.create_organization(organization)
    for entry in ACTORS:
        registry.create_plan_actor(STOCKHOLM.id, entry)
    for name in SEED_FILES:
        load_seed_plan(registry, read_seed(name))
    return True

"""Two municipalities for the access tests: Stockholm (Hässelby-Vällingby and Bromma) and
Göteborg (Angered), each organisation with a plan in force and a draft, and the actors.

Built as the system, through the library's own use cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry.storage.tables import AuditRow
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.vocabulary import Role

OWN_ORG, OTHER_ORG, ELSEWHERE_ORG = "hasselby-vallingby", "bromma", "angered"

CENTRAL = Actor(subject="anna", name="Anna Andersson", role=Role.CENTRAL, municipality="stockholm")
COORDINATOR = Actor(
    subject="karin",
    name="Karin Karlsson",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization=OWN_ORG,
)
OTHER_COORDINATOR = Actor(
    subject="bo",
    name="Bo Berg",
    role=Role.COORDINATOR,
    municipality="stockholm",
    organization=OTHER_ORG,
)
READER = Actor(subject="lisa", name="Lisa Läsare", role=Role.READER, municipality="stockholm")
GOTEBORG_CENTRAL = Actor(
    subject="goran", name="Göran Göransson", role=Role.CENTRAL, municipality="goteborg"
)
ACTORS = {
    "system": SYSTEM,
    "central": CENTRAL,
    "coordinator": COORDINATOR,
    "reader": READER,
    "goteborg": GOTEBORG_CENTRAL,
}

ACTIVITY = {
    "title": "Utbildning för medarbetare om våldsbejakande extremism",
    "level": "preventing",
    "themes": ["staff_training"],
    "responsible": "Stadsdelsförvaltningen",
    "partners": ["Polis"],
    "follow_up_method": "Uppföljning i ILS",
}
CONFIDENTIAL_SITUATION = {
    "compiled_on": "2025-03-01",
    "sources": ["Polisens lägesbild"],
    "confidential": True,
    "summary": "Aktiv vit makt-miljö i området.",
    "police": [{"environment": "white_power", "status": "active", "text": "Rekrytering."}],
}


@dataclass(frozen=True)
class Place:
    municipality: str
    organization: str
    plan: int
    approved: int  # revision 1, in force, with a confidential situation picture
    draft: int  # revision 2, a draft copied from it
    approved_activity: int  # followed up for 2025-VB
    draft_activity: int


@dataclass(frozen=True)
class World:
    registry: Registry
    own: Place
    other: Place
    elsewhere: Place


def build_world(registry: Registry) -> World:
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    registry.create_municipality({"id": "goteborg", "name": "Göteborgs stad"})
    places = [
        _place(registry, "stockholm", OWN_ORG, "Karin Karlsson"),
        _place(registry, "stockholm", OTHER_ORG, "Bo Berg"),
        _place(registry, "goteborg", ELSEWHERE_ORG, "Greta Gustafsson"),
    ]
    return World(registry, *places)


def _place(registry: Registry, municipality: str, org: str, coordinator: str) -> Place:
    registry.create_organization(
        {
            "id": org,
            "name": f"{org.title()} förvaltning",
            "kind": "district",
            "committee": f"{org.title()} nämnd",
            "municipality": municipality,
            "coordinators": [{"name": coordinator, "email": f"{org}@example.se"}],
        }
    )
    plan = registry.create_plan(org, {"programme_id": "vbe"})
    first = registry.create_revision(plan.id, {"label": "Vers. 1", "cycle_year": 2025})
    registry.put_situation(first.id, CONFIDENTIAL_SITUATION)
    activity = registry.add_activity(first.id, ACTIVITY)
    registry.record_decision(
        first.id, {"body": "committee", "outcome": "approved", "decided_on": "2025-05-01"}
    )
    registry.record_decision(
        first.id,
        {"body": "city_executive_board", "outcome": "approved", "decided_on": "2025-06-01"},
    )
    registry.report_follow_up(activity.id, {"period": "2025-VB", "status": "done"})
    draft = registry.create_revision(plan.id, {"label": "Vers. 2", "cycle_year": 2026})
    return Place(
        municipality=municipality,
        organization=org,
        plan=plan.id,
        approved=first.id,
        draft=draft.id,
        approved_activity=activity.id,
        draft_activity=draft.activities[0].id,
    )


def audit_count(registry: Registry) -> int:
    with registry.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(AuditRow)) or 0


def snapshot(registry: Registry) -> tuple[bytes, int]:
    """Everything a refused call must leave as it was: the data and the audit trail."""
    return registry.export_json(), audit_count(registry)

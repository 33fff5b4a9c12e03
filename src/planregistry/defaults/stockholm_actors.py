"""Stockholms stad's actors register as the default data gives it.

The city's own administrations (the organisations in `stockholm`), and the actors the
seed plan names, each once, with the spellings plans use for it as aliases where the
definite-form rule does not already cover them ("Polis" matches "Polisen",
"Utbildningsförvaltning" matches "Utbildningsförvaltningen", "Kronofogde" matches
"Kronofogden" without an alias).
"""

from __future__ import annotations

from planregistry.defaults.stockholm import ORGANIZATIONS
from planregistry_domain.actor_register import CreatePlanActor
from planregistry_domain.vocabulary import ActorKind

_OTHERS = (
    # "Stadsdelsförvaltningen" in a district's plan is the plan's own administration.
    CreatePlanActor(
        kind=ActorKind.OWN_ADMINISTRATION,
        name="Den egna förvaltningen",
        aliases=["Stadsdelsförvaltningen", "Förvaltningen"],
    ),
    # The central coordinator works at stadsledningskontoret and trains the staff.
    CreatePlanActor(
        kind=ActorKind.CITY_ADMINISTRATION,
        name="Stadsledningskontoret",
        aliases=["Central samordnare", "Den centrala samordnaren"],
    ),
    CreatePlanActor(kind=ActorKind.POLICE, name="Polisen", aliases=["Polismyndigheten"]),
    CreatePlanActor(
        kind=ActorKind.REGION,
        name="Region Stockholm",
        aliases=["Landstinget", "Stockholms läns landsting", "Region/Landstinget", "Regionen"],
    ),
    CreatePlanActor(
        kind=ActorKind.STATE_AGENCY, name="Kronofogden", aliases=["Kronofogdemyndigheten"]
    ),
    CreatePlanActor(kind=ActorKind.STATE_AGENCY, name="Skatteverket"),
    CreatePlanActor(kind=ActorKind.CIVIL_SOCIETY, name="Civilsamhället"),
    CreatePlanActor(kind=ActorKind.CIVIL_SOCIETY, name="Rädda Barnen"),
    CreatePlanActor(kind=ActorKind.CIVIL_SOCIETY, name="Samfund"),
    CreatePlanActor(kind=ActorKind.CIVIL_SOCIETY, name="Föreningar"),
    # The district's youth centres are run on contract (fritidsgårdar på entreprenad).
    CreatePlanActor(kind=ActorKind.OTHER, name="Entreprenörer"),
)

ACTORS: tuple[CreatePlanActor, ...] = (
    tuple(CreatePlanActor(kind=ActorKind.CITY_ADMINISTRATION, name=o.name) for o in ORGANIZATIONS)
    + _OTHERS
)

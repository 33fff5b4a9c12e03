"""Stockholms stad and the organisations its guideline obliges to keep a plan."""

from __future__ import annotations

from planregistry_domain.commands import CreateMunicipality, CreateOrganization
from planregistry_domain.vocabulary import OrganizationKind

STOCKHOLM = CreateMunicipality(id="stockholm", name="Stockholms stad")

# The 14 district committees (stadsdelsnämnder) as of 2017.
_DISTRICTS = (
    ("rinkeby-kista", "Rinkeby-Kista"),
    ("spanga-tensta", "Spånga-Tensta"),
    ("hasselby-vallingby", "Hässelby-Vällingby"),
    ("bromma", "Bromma"),
    ("kungsholmen", "Kungsholmen"),
    ("norrmalm", "Norrmalm"),
    ("ostermalm", "Östermalm"),
    ("sodermalm", "Södermalm"),
    ("enskede-arsta-vantor", "Enskede-Årsta-Vantör"),
    ("skarpnack", "Skarpnäck"),
    ("farsta", "Farsta"),
    ("alvsjo", "Älvsjö"),
    ("hagersten-liljeholmen", "Hägersten-Liljeholmen"),
    ("skarholmen", "Skärholmen"),
)

# The specialist committees named by the guideline.
_SPECIALISTS = (
    ("socialforvaltningen", "Socialförvaltningen", "Socialnämnden"),
    ("utbildningsforvaltningen", "Utbildningsförvaltningen", "Utbildningsnämnden"),
    ("idrottsforvaltningen", "Idrottsförvaltningen", "Idrottsnämnden"),
    ("kulturforvaltningen", "Kulturförvaltningen", "Kulturnämnden"),
    ("arbetsmarknadsforvaltningen", "Arbetsmarknadsförvaltningen", "Arbetsmarknadsnämnden"),
)

ORGANIZATIONS: tuple[CreateOrganization, ...] = tuple(
    CreateOrganization(
        id=slug,
        name=f"{name} stadsdelsförvaltning",
        kind=OrganizationKind.DISTRICT,
        committee=f"{name} stadsdelsnämnd",
        municipality=STOCKHOLM.id,
    )
    for slug, name in _DISTRICTS
) + tuple(
    CreateOrganization(
        id=slug,
        name=name,
        kind=OrganizationKind.SPECIALIST,
        committee=committee,
        municipality=STOCKHOLM.id,
    )
    for slug, name, committee in _SPECIALISTS
)

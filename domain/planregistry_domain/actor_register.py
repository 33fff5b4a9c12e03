"""The actors register: who plans name as responsible or partner, and how a name matches.

Plans keep their free text ("Polis", "Landstinget", "Utbildningsförvaltning"); the
register of a municipality holds each real actor once (a kind, a canonical Swedish name,
known aliases), and `ActorIndex` decides which actor a written name means. A name
matches an actor when, ignoring case, spacing and surrounding punctuation, it is the
actor's name or an alias, or one of them in the Swedish definite form ("Polis" /
"Polisen", "Landsting" / "Landstinget", "Kronofogde" / "Kronofogden"). A name that
matches no actor, or more than one, is unmatched: the central coordinator maps it (as
an alias) or adds the actor. Nothing here rewrites a plan.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from msgspec import UNSET, Struct, UnsetType, field

from planregistry_domain.constraints import Name, NameList
from planregistry_domain.vocabulary import ActorKind


class PlanActor(Struct, kw_only=True):
    """A real actor of a municipality that plans name (the register's entry)."""

    id: int
    municipality: str
    kind: ActorKind
    name: str
    aliases: list[str] = field(default_factory=list)
    version: int = 1
    created_at: dt.datetime
    updated_at: dt.datetime


class CreatePlanActor(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: ActorKind
    name: Name
    aliases: NameList = field(default_factory=list)


class UpdatePlanActor(Struct, kw_only=True, forbid_unknown_fields=True):
    kind: ActorKind | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    aliases: NameList | UnsetType = UNSET


class MapActorName(Struct, kw_only=True, forbid_unknown_fields=True):
    """Map a name written in plans to this actor: it becomes one of the actor's aliases."""

    name: Name


class UnmatchedName(Struct, kw_only=True):
    """A name plans write that matches no actor (or several), and where it is written."""

    name: str
    as_responsible: int = 0  # activities naming it as the responsible actor
    as_partner: int = 0  # activities naming it as a partner
    organizations: list[str] = field(default_factory=list)
    # Set when the name fits more than one actor: mapping it settles which.
    ambiguous_between: list[int] = field(default_factory=list)


# Swedish definite endings: -en (polisen), -et (landstinget), -n (kronofogden),
# -t (civilsamhället), -na (föreningarna).
_DEFINITE_ENDINGS = ("en", "et", "n", "t", "na")
_EDGE_PUNCTUATION = " \t\n.,;:!?()\"'–-"


def name_key(name: str) -> str:
    """How a name compares: case, spacing and surrounding punctuation ignored."""
    text = unicodedata.normalize("NFC", name).casefold()
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def _forms(actor: PlanActor) -> list[str]:
    return [actor.name, *actor.aliases]


class ActorIndex:
    """The register of one municipality, ready to match names (built once per view)."""

    def __init__(self, actors: Iterable[PlanActor]) -> None:
        self.actors: dict[int, PlanActor] = {}
        self._exact: dict[str, set[int]] = {}
        for actor in actors:
            self.actors[actor.id] = actor
            for form in _forms(actor):
                key = name_key(form)
                if key:
                    self._exact.setdefault(key, set()).add(actor.id)

    def candidates(self, name: str) -> set[int]:
        """Every actor `name` may mean: exact forms win over definite-form variants."""
        key = name_key(name)
        if not key:
            return set()
        exact = self._exact.get(key)
        if exact:
            return set(exact)
        found: set[int] = set()
        for ending in _DEFINITE_ENDINGS:
            # The name is a form in the definite ("Polisen" for "Polis") …
            if key.endswith(ending) and len(key) > len(ending) + 1:
                found |= self._exact.get(key[: -len(ending)], set())
            # … or the register holds the definite form ("Landsting" for "Landstinget").
            found |= self._exact.get(key + ending, set())
        return found

    def match(self, name: str) -> PlanActor | None:
        """The one actor `name` means, or None when it means none or is ambiguous."""
        found = self.candidates(name)
        if len(found) != 1:
            return None
        return self.actors[next(iter(found))]

    def clashes(self, actor_id: int | None, forms: Iterable[str]) -> list[str]:
        """The forms that already name (exactly) an actor other than `actor_id`."""
        return [f for f in forms if self._exact.get(name_key(f), set()) - {actor_id}]


def alias_needed(actor: PlanActor, name: str) -> bool:
    """Whether mapping `name` to `actor` must store it: not when the actor already has it."""
    key = name_key(name)
    return all(name_key(form) != key for form in _forms(actor))


# The kind of entity an actor's ETag names (`actor-12-v3`).
ACTOR_ETAG = "actor"

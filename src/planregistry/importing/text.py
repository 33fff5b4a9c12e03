"""Small text rules shared by the readers and the recogniser."""

from __future__ import annotations

import re
import unicodedata

# Words that leave a phrase open: a line ending in one continues on the next.
OPEN_WORDS = frozenset(
    {"i", "och", "att", "som", "av", "på", "för", "med", "till", "om", "samt", "eller", "enligt"}
)
# The heads of Swedish organisation names: what a responsible actor or a partner in an
# activity table is called ("…förvaltningen", "Polisen", "Skatteverket", "Region…").
ACTOR_HEADS = (
    "förvaltning",
    "förvaltningen",
    "förvaltningar",
    "nämnd",
    "nämnden",
    "nämnder",
    "kontor",
    "kontoret",
    "verket",
    "myndighet",
    "myndigheten",
    "myndigheter",
    "polis",
    "polisen",
    "landsting",
    "landstinget",
    "region",
    "regionen",
    "kommun",
    "kommunen",
    "styrelse",
    "styrelsen",
    "samordnare",
    "samordnaren",
    "enhet",
    "enheten",
    "samhället",
    "samhälle",
    "fogde",
    "fogden",
    "förening",
    "föreningar",
    "föreningen",
    "samfund",
    "entreprenör",
    "entreprenörer",
    "bolag",
    "bolaget",
    "organisationer",
    "organisation",
    "skola",
    "skolan",
    "skolor",
    "socialtjänst",
    "socialtjänsten",
    "tjänst",
    "tjänsten",
    "företag",
    "företagen",
    "råd",
    "rådet",
    "brå",
    "kyrka",
    "kyrkan",
    "församling",
    "församlingar",
    "universitet",
)
# The first words of a follow-up cell ("Uppföljning i ILS", "Enligt samverkansavtal").
FOLLOW_UP_STARTS = frozenset(
    {"uppföljning", "uppföljs", "följs", "enligt", "redovisas", "redovisning", "rapporteras"}
)
SENTENCE_END = (".", "!", "?", ":")


def fold(text: str) -> str:
    """Case, accents and spacing folded away, for matching headings and labels."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", letters).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[\wÅÄÖåäö&/-]+", text)


def is_actor_word(word: str) -> bool:
    bare = word.strip(".,;:()").casefold()
    return len(bare) >= 4 and any(bare.endswith(head) for head in ACTOR_HEADS)


def is_acronym(word: str) -> bool:
    bare = word.strip(".,;:()")
    return len(bare) >= 2 and bare.isalpha() and bare.isupper()


def starts_upper(word: str) -> bool:
    return word[:1].isupper()

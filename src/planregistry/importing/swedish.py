"""Restoring the Swedish letters that OCR loses (å, ä, ö read as a, d, i, 6, é, &…).

Every word is matched against the Swedish word-frequency list of `wordfreq` (the
"large" list, 340 000 words from subtitles, Wikipedia, news and the web): each letter
OCR confuses opens a few alternatives, and the spelling that the list knows best wins.
A compound the list lacks ("avhopparverksamhet") is scored as its parts. No list of
this or any plan's words is involved; the confusions are those of OCR engines on
Swedish print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from functools import cache, lru_cache

# What OCR may have read in place of each letter (lower case; the letter itself first).
_SINGLE: Mapping[str, tuple[str, ...]] = {
    "a": ("a", "å", "ä"),
    "o": ("o", "ö"),
    "d": ("d", "ä", "å", "ö"),
    "i": ("i", "ä", "å"),
    "é": ("ä", "å", "ö", "é"),
    "è": ("ä", "å", "ö"),
    "&": ("ä", "å"),
    "6": ("ö",),
    "9": ("ö",),
    "4": ("ä",),
    "g": ("g", "ö"),  # only an upper-case G inside a lower-case word (see below)
    "1": ("l", "i"),
}
# Two marks read for one letter.
_PAIRS: Mapping[str, tuple[str, ...]] = {
    "éa": ("ä",),
    "aé": ("ä",),
    "oé": ("ö",),
    "é&": ("ä",),
    "ii": ("ä",),
    "da": ("ä",),
    "ia": ("ä",),
}
_WORD = re.compile(r"^(?P<lead>[^\w&]*)(?P<core>[\w&][\w&'’-]*?)(?P<trail>[^\w&]*)$")
_MAX_SPELLINGS = 1024
_MIN_PART = 3
# Bounds on the work for one word (an upload is untrusted): longer words, and compound
# parts longer than this, are not searched.
_MAX_WORD = 28
_MAX_PART = 14
_PART_SPELLINGS = 64
# A known word is replaced only by a spelling this many times more frequent (set on the
# seed plan: 1.2 turns "stod"/"bor" into "stöd"/"bör", 1.15 would turn "sitt" into "sätt").
_KNOWN_RATIO = 1.18


@cache
def frequencies() -> Mapping[str, float]:
    """The Swedish frequency list (loaded once, about 0.2 s)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("sv", wordlist="large")


def _options(core: str) -> list[list[tuple[str, int]]]:
    """For each position of `core`, its alternatives as (text, marks consumed)."""
    lowered = core.lower()
    result: list[list[tuple[str, int]]] = []
    for index, char in enumerate(lowered):
        alternatives: list[tuple[str, int]] = []
        pair = lowered[index : index + 2]
        for replacement in _PAIRS.get(pair, ()):
            alternatives.append((replacement, 2))
        if core[index] == "I" and index == 0 and core[1:2].isdigit():
            alternatives += [("l", 1), ("i", 1)]
        elif char == "g" and core[index] == "G" and index > 0 and core[:index].islower():
            alternatives += [("g", 1), ("ö", 1)]
        elif char == "g":
            alternatives.append(("g", 1))
        elif char in _SINGLE and (char.isalpha() or char == "&" or index > 0 or len(core) > 1):
            alternatives += [(option, 1) for option in _SINGLE[char]]
        else:
            alternatives.append((char, 1))
        result.append(alternatives)
    return result


def _spellings(core: str, limit: int = _MAX_SPELLINGS) -> list[str]:
    """Every spelling the confusions allow, in order of fewest changes (capped)."""
    options = _options(core)
    found: list[str] = []

    def walk(index: int, built: str) -> None:
        if len(found) >= limit:
            return
        if index >= len(options):
            found.append(built)
            return
        for text, consumed in options[index]:
            walk(index + consumed, built + text)

    walk(0, "")
    return found


def _log(freq: float) -> float:
    return math.log10(freq)


@lru_cache(maxsize=65536)
def _compound(word: str) -> float | None:
    """The score of `word` as a compound of known parts, or None (see `_lattice`)."""
    result = _lattice(word, identity=True)
    return None if result is None else result[0]


@lru_cache(maxsize=262144)
def _best_part(text: str, identity: bool) -> tuple[float, str] | None:
    """The best-known spelling of one part of a compound (a linking s allowed)."""
    freq = frequencies()
    best: tuple[float, str] | None = None
    for spelling in [text] if identity else _spellings(text, _PART_SPELLINGS):
        scores = []
        if spelling in freq:
            scores.append(_log(freq[spelling]))
        if spelling.endswith("s") and spelling[:-1] in freq:
            scores.append(_log(freq[spelling[:-1]]) - 0.5)
        score = max(scores, default=None)
        if score is not None and (best is None or score > best[0]):
            best = (score, spelling)
    return best


def _lattice(word: str, *, identity: bool) -> tuple[float, str] | None:
    """`word` (as read, lower case) as a compound of known parts of ≥ 3 letters: the
    best total score and spelling, or None. Each part costs a penalty, so that a whole
    word beats the same letters read as a compound."""
    best: list[tuple[float, str] | None] = [None] * (len(word) + 1)
    best[0] = (0.0, "")
    for end in range(_MIN_PART, len(word) + 1):
        for start in range(end - _MIN_PART + 1):
            head = best[start]
            if head is None:
                continue
            part = _best_part(word[start:end], identity)
            if part is None:
                continue
            total = head[0] + part[0] - 3.0
            if best[end] is None or total > best[end][0]:  # type: ignore[index]
                best[end] = (total, head[1] + part[1])
    return best[len(word)]


def _score(word: str) -> float | None:
    freq = frequencies().get(word)
    if freq is not None:
        return _log(freq)
    if len(word) >= 2 * _MIN_PART:
        return _compound(word)
    return None


@lru_cache(maxsize=65536)
def restore_word(core: str) -> str:
    """The most likely Swedish spelling of one OCR word, in the word's own case.

    The word as read competes too (scored as a word or a compound of known parts): a
    spelling replaces it only when the list knows that spelling `_KNOWN_RATIO` times
    better, so that names and words the list lacks are left alone.
    """
    if "-" in core.strip("-"):
        return "-".join(restore_word(part) if part else part for part in core.split("-"))
    if not any(c.isalpha() for c in core) or (core.isupper() and len(core) > 1):
        return core
    lowered = core.lower()
    original = _score(lowered) if lowered.isalpha() else None
    freq = frequencies()
    best, best_score = lowered, None
    for spelling in _spellings(core):
        if spelling != lowered and spelling in freq:
            score = _log(freq[spelling])
            if best_score is None or score > best_score:
                best, best_score = spelling, score
    if best_score is None and len(lowered) >= 2 * _MIN_PART:
        found = _lattice(lowered, identity=False)
        if found is not None and found[1] != lowered:
            best_score, best = found
    if best_score is None or (
        original is not None and best_score < original + math.log10(_KNOWN_RATIO)
    ):
        return core
    return best[:1].upper() + best[1:] if core[:1].isupper() else best


# A standalone "1" between words is the preposition "i"; after a number, "ar"/"år".
_AFTER_NUMBER = re.compile(r"\d$")


def restore_text(text: str, *, restore: Callable[[str], str] = restore_word) -> str:
    """Restore every word of a line; spacing and punctuation are kept as they are."""
    tokens = re.split(r"(\s+)", text)
    words = [t for t in tokens if t and not t.isspace()]
    out: list[str] = []
    previous = ""
    position = 0
    for token in tokens:
        if not token or token.isspace():
            out.append(token)
            continue
        following = words[position + 1] if position + 1 < len(words) else ""
        out.append(_restore_token(token, previous, following, restore))
        previous = token
        position += 1
    return "".join(out)


def _restore_token(token: str, previous: str, following: str, restore: Callable[[str], str]) -> str:
    if token == "1" and previous[-1:].isalpha() and not following[:1].isdigit():
        return "i"  # "1" between words (or ending a line of words) is the preposition
    if token == "I" and previous and previous[-1:].isalpha() and following[:1].islower():
        return "i"
    match = _WORD.match(token)
    if match is None:
        return token
    core = match.group("core")
    if not any(c.isalpha() for c in core):
        return token
    if _AFTER_NUMBER.search(previous) and core.lower() in ("ar", "&r", "dr"):
        restored = "år"
    else:
        restored = restore(core)
    return match.group("lead") + restored + match.group("trail")


__all__ = ["frequencies", "restore_text", "restore_word"]

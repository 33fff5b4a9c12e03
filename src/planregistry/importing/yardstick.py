"""Measuring a proposal against a hand transcription (`defaults/*.json`).

Three figures: activity rows (found, and right in level, responsible, partners and
follow-up method), top-level headings (found and right), and restored words (right,
wrong, missed), the latter by aligning the restored text with the transcription word
by word. Actors count as right when equal, or — in the "lenient" figure — when one is
the other in the definite form ("Utbildningsförvaltning"/"Utbildningsförvaltningen"),
a form OCR keeps as printed and the transcription normalised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from msgspec import Struct, field

from planregistry.defaults.demo import PlanSeed
from planregistry.importing.document import BlockKind, Document
from planregistry_domain.commands import CreateActivity
from planregistry_domain.imports import ImportProposal, ProposedActivity

_TOKEN = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+")


class RowResult(Struct, kw_only=True):
    expected: str
    found: str | None
    level: bool = False
    responsible: bool = False
    partners: bool = False
    partners_lenient: bool = False
    follow_up_method: bool = False

    @property
    def right(self) -> bool:
        return self.level and self.responsible and self.partners and self.follow_up_method

    @property
    def right_lenient(self) -> bool:
        return self.level and self.responsible and self.partners_lenient and self.follow_up_method


class Figures(Struct, kw_only=True):
    rows_expected: int
    rows_found: int
    rows_right: int
    rows_right_lenient: int
    headings_expected: int
    headings_found: int
    headings_right: int
    words_compared: int
    words_restored_right: int
    words_restored_wrong: int
    words_missed: int
    rows: list[RowResult] = field(default_factory=list)
    wrong_words: list[tuple[str, str, str]] = field(default_factory=list)


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip(" .").casefold() == (b or "").strip(" .").casefold()


def _same_actor(a: str, b: str, *, lenient: bool) -> bool:
    x, y = a.strip(" .").casefold(), b.strip(" .").casefold()
    if x == y:
        return True
    if not lenient:
        return False
    short, long_ = sorted((x, y), key=len)
    return long_.startswith(short) and long_[len(short) :] in ("en", "et", "n", "t")


def _same_actors(found: list[str], expected: list[str], *, lenient: bool) -> bool:
    if len(found) != len(expected):
        return False
    remaining = list(expected)
    for actor in found:
        match = next((e for e in remaining if _same_actor(actor, e, lenient=lenient)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _title_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.casefold(), b.casefold()).ratio()


def _pair_rows(
    found: list[ProposedActivity], expected: Sequence[CreateActivity]
) -> list[ProposedActivity | None]:
    """For each expected row, the found row with the most similar title (each used once)."""
    free = list(found)
    paired: list[ProposedActivity | None] = []
    for row in expected:
        title = row.title
        best = max(free, key=lambda f: _title_similarity(f.title, title), default=None)
        if best is not None and _title_similarity(best.title, title) >= 0.5:
            free.remove(best)
            paired.append(best)
        else:
            paired.append(None)
    return paired


def measure(proposal: ImportProposal, document: Document, seed: PlanSeed) -> Figures:
    rows: list[RowResult] = []
    for expected, found in zip(
        seed.activities, _pair_rows(proposal.activities, seed.activities), strict=True
    ):
        if found is None:
            rows.append(RowResult(expected=expected.title, found=None))
            continue
        rows.append(
            RowResult(
                expected=expected.title,
                found=found.title,
                level=found.level == expected.level,
                responsible=_same(found.responsible, expected.responsible),
                partners=_same_actors(found.partners, expected.partners, lenient=False),
                partners_lenient=_same_actors(found.partners, expected.partners, lenient=True),
                follow_up_method=_same(found.follow_up_method, expected.follow_up_method),
            )
        )
    proposed = {s.key: s for s in proposal.sections}
    headings_found = sum(1 for s in seed.sections if s.key in proposed)
    headings_right = sum(
        1 for s in seed.sections if s.key in proposed and proposed[s.key].heading == s.heading
    )
    right, wrong, missed, compared, wrong_words = _words(document, seed)
    return Figures(
        rows_expected=len(seed.activities),
        rows_found=len(proposal.activities),
        rows_right=sum(r.right for r in rows),
        rows_right_lenient=sum(r.right_lenient for r in rows),
        headings_expected=len(seed.sections),
        headings_found=headings_found,
        headings_right=headings_right,
        words_compared=compared,
        words_restored_right=right,
        words_restored_wrong=wrong,
        words_missed=missed,
        rows=rows,
        wrong_words=wrong_words,
    )


def _words(
    document: Document, seed: PlanSeed
) -> tuple[int, int, int, int, list[tuple[str, str, str]]]:
    """Restored words right and wrong, words that needed restoring but were not, and
    how many words could be paired with the transcription at all."""
    original: list[str] = []
    restored: list[str] = []
    for block in document.blocks:
        if block.kind is BlockKind.TABLE_ROW:
            continue
        after = _tokens(block.text)
        before = _tokens(block.restorations[0].original) if block.restorations else after
        if len(before) != len(after):
            continue  # a passage whose words do not pair up (not expected to happen)
        original += before
        restored += after
    expected: list[str] = []
    for section in seed.sections:
        expected += _tokens(section.heading) + _tokens(section.body)
    folded_restored = [t.casefold() for t in restored]
    folded_expected = [t.casefold() for t in expected]
    matcher = SequenceMatcher(None, folded_restored, folded_expected, autojunk=False)
    right = wrong = missed = compared = 0
    wrong_words: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag not in ("equal", "replace") or i2 - i1 != j2 - j1:
            continue
        for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
            compared += 1
            was, now, want = original[i].casefold(), folded_restored[i], folded_expected[j]
            if now != was:
                if now == want:
                    right += 1
                else:
                    wrong += 1
                    wrong_words.append((original[i], restored[i], expected[j]))
            elif was != want:
                missed += 1
                wrong_words.append((original[i], restored[i], expected[j]))
    return right, wrong, missed, compared, wrong_words

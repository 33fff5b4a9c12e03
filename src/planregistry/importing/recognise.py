"""From blocks to a proposal: the plan's parts recognised against its programme.

Section headings are matched to the programme's own section headings (`SectionSpec`),
activity levels to its level labels, survey questions to its survey questions and
police assessments to its environments, so a new programme needs no new code here.
Headings the programme does not know become the organisation's own sections when the
document marks them as top level (a Word heading style, a large PDF font, a number),
and sub-headings (`### …`) of the section they stand in otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from msgspec import Struct, field

from planregistry.importing.document import Block, BlockKind, Document, Location
from planregistry.importing.text import OPEN_WORDS, fold
from planregistry_domain.commands import PoliceAssessmentInput, PutSituation, SurveyAnswerInput
from planregistry_domain.constraints import MAX_CASE_NUMBERS, MAX_LIST_ITEMS
from planregistry_domain.imports import (
    Finding,
    FindingCode,
    ImportProposal,
    ImportSource,
    ProposedActivity,
    ProposedSection,
)
from planregistry_domain.programme import Programme, SectionSpec, Term
from planregistry_domain.vocabulary import EnvironmentActivity

_DNR = re.compile(
    r"\b(?:Dnr|Diarienr|Diarienummer)[.:]?\s*((?:[A-ZÅÄÖ]{1,8}\s)?\d[\w./:-]*\d)", re.I
)
_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december) \d{4})\b",
    re.I,
)
_VERSION = re.compile(r"^(?:version|reviderad|antagen|beslutad|fastställd|datum)\b", re.I)
_YEAR = re.compile(r"\b(20\d{2})\b")
_NUMBERED = re.compile(r"^(\d+)(?:\.\d+)*\.?\s+")
_HEADING_MATCH = 0.86
_MAX_BODY = 200_000  # LongText
_QUESTION_MATCH = 0.5
_COLUMN_CUES = {
    "title": ("aktivitet", "aktiviteter", "atgard", "atgarder", "insats", "insatser"),
    "responsible": ("ansvarig", "ansvar"),
    "partners": ("samverkan", "samverkanspartner", "samverkansparter", "partner", "partners"),
    "follow_up_method": ("uppfoljning", "uppfoljningsmetod"),
    "target_group": ("malgrupp",),
}
_LIST_FIELDS = {
    "ansvarig": "responsible",
    "ansvar": "responsible",
    "samverkan": "partners",
    "samverkanspartner": "partners",
    "uppfoljning": "follow_up_method",
    "malgrupp": "target_group",
}


class _Section(Struct, kw_only=True):
    key: str
    heading: str
    own: bool
    location: Location | None
    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def recognise(
    document: Document,
    programme: Programme,
    source: ImportSource,
    *,
    cycle_year: int | None = None,
) -> ImportProposal:
    findings: list[Finding] = []
    blocks = document.blocks
    title, version_line, start = _front_matter(blocks, programme)
    case_numbers = _case_numbers(blocks)
    top_level = _top_level(blocks[start:], programme)

    sections: list[_Section] = []
    activities: list[ProposedActivity] = []
    table_levels: dict[int, str | None] = {}
    table_columns: dict[int, dict[int, str]] = {}
    current: _Section | None = None
    reserved = [spec.key for spec in programme.sections]
    for block in blocks[start:]:
        if block.kind is BlockKind.HEADING:
            spec = _section_spec(block.text, programme)
            if spec is not None and not any(s.key == spec.key for s in sections):
                current = _Section(
                    key=spec.key, heading=spec.heading, own=False, location=block.location
                )
                sections.append(current)
                continue
            heading = _clean_heading(block.text)
            if not heading:
                continue
            if current is None or (block.level is not None and block.level <= top_level):
                current = _Section(
                    key=_unique_key(heading, [s.key for s in sections] + reserved),
                    heading=heading,
                    own=True,
                    location=block.location,
                )
                sections.append(current)
                continue
            current.parts.append(f"### {heading}")
            current.blocks.append(block)
            continue
        if block.kind is BlockKind.TABLE_ROW:
            table = block.table or 0
            if block.header:
                table_levels[table] = _level_of(block.text, programme)
                table_columns[table] = _columns(block.cells)
                continue
            level = table_levels.get(table)
            if level is None:
                level = _level_from_context(current, programme)
                table_levels[table] = level
            activity = _activity_from_row(block, table_columns.get(table), level, programme)
            if activity is None:
                continue
            if level is None:
                findings.append(
                    Finding(
                        code=FindingCode.LEVEL_GUESSED,
                        message="Aktivitetens nivå framgår varken av tabellen eller rubriken; "
                        "den första nivån är vald.",
                        location=block.location,
                        text=activity.title,
                    )
                )
            if activity.responsible is None or activity.follow_up_method is None:
                findings.append(
                    Finding(
                        code=FindingCode.INCOMPLETE_ROW,
                        message="Raden saknar ansvarig eller uppföljning.",
                        location=block.location,
                        text=block.text,
                    )
                )
            activities.append(activity)
            continue
        if current is None:
            if block.text.strip():
                findings.append(
                    Finding(
                        code=FindingCode.UNPLACED_TEXT,
                        message="Texten står före planens första avsnitt.",
                        location=block.location,
                        text=block.text[:500],
                    )
                )
            continue
        if block.kind is BlockKind.LIST_ITEM:
            listed = _activity_from_item(block, current, programme)
            if listed is not None:
                activities.append(listed)
                continue
            current.parts.append(f"- {block.text}")
        else:
            current.parts.append(block.text)
        current.blocks.append(block)

    _unify_actor_forms(activities)
    if document.unrestored_from is not None:
        findings.append(
            Finding(
                code=FindingCode.LETTERS_NOT_RESTORED,
                message="Å, ä och ö är inte återställda härifrån: texten tog för lång tid "
                "att gå igenom.",
                location=document.unrestored_from,
            )
        )
    for location, note in document.notes:
        findings.append(
            Finding(code=FindingCode.TEXT_BESIDE_TABLE, message=note, location=location)
        )
    proposed = [
        ProposedSection(
            key=s.key,
            heading=s.heading[:300],
            body=_body(s.parts),
            own=s.own,
            location=s.location,
        )
        for s in sections
    ]
    by_key = {s.key: s for s in sections}
    year = cycle_year or _year_of(title, version_line)
    if year is None:
        findings.append(
            Finding(
                code=FindingCode.NO_CYCLE_YEAR,
                message="Planens år framgår inte av titeln eller versionsraden; ange cykelåret.",
            )
        )
    if title is None:
        findings.append(
            Finding(
                code=FindingCode.NO_TITLE, message="Ingen titel hittades; en titel är föreslagen."
            )
        )
    _completeness_findings(proposed, activities, programme, findings)
    _fit_section_bodies(proposed, findings)
    restorations = [r for block in blocks for r in block.restorations]
    return ImportProposal(
        source=source,
        programme_id=programme.id,
        title=title,
        version_line=version_line,
        label=(title or _default_label(programme, year))[:300],
        cycle_year=year,
        # A command's lists are capped; a proposal keeps to the same caps.
        case_numbers=case_numbers[:MAX_CASE_NUMBERS],
        scope_exclusions=_scope_exclusions(by_key.get("scope"))[:MAX_LIST_ITEMS],
        priority_areas=_priority_areas(sections)[:MAX_LIST_ITEMS],
        sections=proposed,
        situation=_situation(by_key.get("situation"), programme),
        activities=activities,
        restorations=restorations,
        findings=findings,
    )


def _fit_section_bodies(sections: Sequence[ProposedSection], findings: list[Finding]) -> None:
    """A section longer than a section may be is cut, and the cut is a finding."""
    for section in sections:
        if len(section.body) > _MAX_BODY:
            section.body = section.body[:_MAX_BODY]
            findings.append(
                Finding(
                    code=FindingCode.UNPLACED_TEXT,
                    message=f"Avsnittet är längre än {_MAX_BODY} tecken; resten är utelämnat.",
                    location=section.location,
                    text=section.heading,
                )
            )


def _name(text: str | None) -> str | None:
    """A name as a command takes it: at most 300 characters, None when empty."""
    text = (text or "").strip()
    return text[:300] or None


def _short(text: str | None) -> str | None:
    text = (text or "").strip()
    return text[:1000] or None


# Front matter: title, version/date line, case numbers.


def _front_matter(
    blocks: Sequence[Block], programme: Programme
) -> tuple[str | None, str | None, int]:
    """The title and version line, and where the body starts: blocks before the first
    heading that names a programme section or the first top-level heading."""
    title: str | None = None
    version: str | None = None
    index = 0
    for index, block in enumerate(blocks[:12]):
        if block.kind is BlockKind.HEADING and _section_spec(block.text, programme) is not None:
            return title, version, index
        text = block.text.strip()
        if version is None and (_VERSION.match(text) or (_DATE.search(text) and len(text) < 120)):
            version = text
            continue
        if title is None and (
            (block.kind is BlockKind.HEADING and block.level == 0)
            or ("plan" in fold(text) and len(text) < 200 and block.kind is BlockKind.HEADING)
        ):
            title = text
            continue
        if _DNR.search(text) and len(text) < 120:
            continue
        if block.kind is not BlockKind.HEADING or title is None:
            break
    else:
        return title, version, min(len(blocks), index + 1) if blocks else 0
    skip = index if (title or version) else 0
    return title, version, skip


def _case_numbers(blocks: Iterable[Block]) -> list[str]:
    found: list[str] = []
    for block in blocks:
        for match in _DNR.finditer(block.text):
            if match.group(1) not in found:
                found.append(match.group(1))
    return found


def _year_of(*texts: str | None) -> int | None:
    for text in texts:
        if text:
            years = _YEAR.findall(text)
            if years:
                return int(years[-1])
    return None


def _default_label(programme: Programme, year: int | None) -> str:
    subject = (programme.short_name or programme.name).lower()
    return f"Lokal handlingsplan mot {subject}" + (f" {year}" if year else "")


# Sections.


def _section_spec(text: str, programme: Programme) -> SectionSpec | None:
    wanted = fold(_NUMBERED.sub("", text))
    best: tuple[float, SectionSpec] | None = None
    for spec in programme.sections:
        ratio = SequenceMatcher(None, wanted, fold(spec.heading)).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, spec)
    return best[1] if best is not None and best[0] >= _HEADING_MATCH else None


def _top_level(blocks: Sequence[Block], programme: Programme) -> int:
    """The heading level of the document's sections: that of the headings naming the
    programme's sections, else the highest level given."""
    levels = [
        b.level
        for b in blocks
        if b.kind is BlockKind.HEADING and b.level and _section_spec(b.text, programme)
    ]
    if levels:
        return min(levels)
    given = [b.level for b in blocks if b.kind is BlockKind.HEADING and b.level]
    return min(given) if given else 1


def _clean_heading(text: str) -> str:
    return _NUMBERED.sub("", text).strip()


def _unique_key(heading: str, taken: list[str]) -> str:
    ascii_ = unicodedata.normalize("NFKD", heading.casefold())
    ascii_ = "".join(c for c in ascii_ if not unicodedata.combining(c))
    base = "_".join(re.findall(r"[a-z0-9]+", ascii_))[:50] or "avsnitt"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _body(parts: list[str]) -> str:
    body: list[str] = []
    for part in parts:
        if body and part.startswith("- ") and body[-1].startswith("- "):
            body[-1] += f"\n{part}"
        else:
            body.append(part)
    return "\n\n".join(body)


# Activities.


def _level_of(text: str, programme: Programme) -> str | None:
    """The level a table or heading names: a level label's stem among its words."""
    words = fold(text).split()
    for term in programme.levels:
        stem = fold(term.label)[:-2]
        if any(w.startswith(stem) for w in words):
            return term.key
    return None


def _level_from_context(section: _Section | None, programme: Programme) -> str | None:
    if section is None:
        return None
    for block in reversed(section.blocks):
        if block.kind is BlockKind.HEADING:
            level = _level_of(block.text, programme)
            if level is not None:
                return level
    return _level_of(section.heading, programme)


def _columns(cells: list[str]) -> dict[int, str]:
    """Which column holds which field, from the header row's cells."""
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        words = fold(cell).split()
        for name, cues in _COLUMN_CUES.items():
            if name not in columns.values() and any(w in cues for w in words):
                columns[index] = name
                break
    return columns


def split_actors(text: str) -> list[str]:
    """A cell of partners as actors: split at semicolons, commas, line breaks, and at
    "och"/"samt" between capitalised names."""
    parts = re.split(r"\s*(?:[;,\n•]|\s-\s)\s*", text)
    actors: list[str] = []
    for part in parts:
        for piece in re.split(r"\s+(?:och|samt)\s+(?=[A-ZÅÄÖ])", part):
            piece = piece.strip(" .")
            if piece:
                actors.append(piece)
    return actors


def _activity_from_row(
    block: Block, columns: dict[int, str] | None, level: str | None, programme: Programme
) -> ProposedActivity | None:
    cells = block.cells
    if columns is None or len(set(columns.values())) < 2 or "title" not in columns.values():
        columns = {0: "title", 1: "responsible", 2: "partners", 3: "follow_up_method"}
    values: dict[str, str] = {}
    for index, cell in enumerate(cells):
        name = columns.get(index)
        if name is not None and cell.strip():
            # Partners keep their line breaks: one actor a line is a common layout.
            values[name] = cell.strip() if name == "partners" else " ".join(cell.split())
    title = values.get("title")
    if not title:
        return None
    return ProposedActivity(
        title=title[:300],
        level=level or programme.levels[0].key,
        responsible=_name(values.get("responsible", "").strip(" .")),
        partners=[p[:300] for p in split_actors(values.get("partners", ""))][:MAX_LIST_ITEMS],
        follow_up_method=_short(values.get("follow_up_method", "").strip(" .")),
        target_group=_short(values.get("target_group")),
        location=block.location,
    )


def _activity_from_item(
    block: Block, section: _Section, programme: Programme
) -> ProposedActivity | None:
    """A bullet under a heading that names activities: "Titel. Ansvarig: X. Samverkan:
    Y, Z. Uppföljning: W." (the labelled parts optional)."""
    heading = next(
        (b.text for b in reversed(section.blocks) if b.kind is BlockKind.HEADING), section.heading
    )
    folded = fold(heading)
    if not any(cue in folded.split() for cue in _COLUMN_CUES["title"]):
        return None
    level = _level_of(heading, programme) or _level_of(section.heading, programme)
    pieces = re.split(
        r"(?:(?<=[.;])|\s[–-])\s+(?=(?:Ansvarig|Ansvar|Samverkan|Uppföljning|Målgrupp)\s*:)",
        block.text,
    )
    title = pieces[0].strip().rstrip(".;–- ")
    values: dict[str, str] = {}
    for piece in pieces[1:]:
        label, _, value = piece.partition(":")
        name = _LIST_FIELDS.get(fold(label))
        if name:
            values[name] = value.strip().rstrip(".;")
    if not title:
        return None
    return ProposedActivity(
        title=title[:300],
        level=level or programme.levels[0].key,
        responsible=_name(values.get("responsible")),
        partners=[p[:300] for p in split_actors(values.get("partners", ""))][:MAX_LIST_ITEMS],
        follow_up_method=_short(values.get("follow_up_method")),
        target_group=_short(values.get("target_group")),
        location=block.location,
    )


def _unify_actor_forms(activities: Sequence[ProposedActivity]) -> None:
    """One actor written both bare and in the definite form ("Landsting", "Landstinget")
    in the same document is given the definite form throughout."""
    names = {a for activity in activities for a in [*activity.partners, activity.responsible] if a}
    definite = {}
    for name in names:
        for ending in ("en", "et", "n", "t"):
            if name + ending in names:
                definite[name] = name + ending
    if not definite:
        return
    for activity in activities:
        activity.partners = [definite.get(p, p) for p in activity.partners]
        if activity.responsible is not None:
            activity.responsible = definite.get(activity.responsible, activity.responsible)


# The situation picture.


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text) if s.strip()]


def _overlap(a: str, b: str) -> float:
    wa = {w for w in fold(a).split() if w not in OPEN_WORDS and len(w) > 2}
    wb = {w for w in fold(b).split() if w not in OPEN_WORDS and len(w) > 2}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _situation(section: _Section | None, programme: Programme) -> PutSituation | None:
    if section is None:
        return None
    items = [b.text for b in section.blocks if b.kind is BlockKind.LIST_ITEM]
    paragraphs = [b.text for b in section.blocks if b.kind is BlockKind.PARAGRAPH]
    survey: list[SurveyAnswerInput] = []
    used: set[str] = set()
    summary: str | None = None
    for item in items:
        best = max(
            programme.survey_questions,
            key=lambda q: _overlap(item, q.text),
            default=None,
        )
        if best is None or best.key in used or _overlap(item, best.text) < _QUESTION_MATCH:
            continue
        used.add(best.key)
        survey.append(SurveyAnswerInput(question_key=best.key))
    results = [p for p in paragraphs if "enkät" in p.casefold() and "resultat" in p.casefold()]
    if results:
        summary = results[0]
        for index, answer in enumerate(survey):
            question = next(q for q in programme.survey_questions if q.key == answer.question_key)
            sentence = max(_sentences(summary), key=lambda s: _overlap(s, question.text))
            if _overlap(sentence, question.text) >= 0.3:
                survey[index] = SurveyAnswerInput(
                    question_key=answer.question_key, finding=sentence
                )
    police = _police(paragraphs, programme.police_environments)
    if not survey and not police and summary is None:
        return None
    sources: list[str] = []
    if survey:
        sources.append("Enkätundersökning")
    if police:
        sources.append("Polisen")
    return PutSituation(sources=sources, summary=summary, survey=survey, police=police)


def _police(paragraphs: list[str], environments: Sequence[Term]) -> list[PoliceAssessmentInput]:
    text = next((p for p in paragraphs if fold(p).startswith("polis")), None)
    if text is None:
        return []
    folded = fold(text)
    negated = re.search(r"\binte\b[^.]*\baktivitet", folded) is not None
    active = re.search(r"\baktivitet|\baktiva?\b", folded) is not None
    status = (
        EnvironmentActivity.NOT_ACTIVE
        if negated
        else EnvironmentActivity.ACTIVE
        if active
        else EnvironmentActivity.UNKNOWN
    )
    quoted = " ".join(_sentences(text)[:2])
    assessments: list[PoliceAssessmentInput] = []
    for term in environments:
        cue = [w for w in fold(term.label).split() if w not in ("den", "miljon", "extremistmiljon")]
        stems = [w[:6] for w in cue if len(w) > 3] or cue
        if stems and all(re.search(rf"\b{re.escape(s)}", folded) for s in stems):
            assessments.append(
                PoliceAssessmentInput(environment=term.key, status=status, text=quoted)
            )
    return assessments


def _scope_exclusions(section: _Section | None) -> list[str]:
    if section is None:
        return []
    found: list[str] = []
    for part in section.parts:
        for sentence in _sentences(part):
            match = re.search(r"(?:att|och)\s+(.+?)\s+(?:är|blir)\s+undantag", sentence)
            if match:
                phrase = match.group(1).strip()
                found.append((phrase[:1].upper() + phrase[1:])[:1000])
    return found


def _priority_areas(sections: Sequence[_Section]) -> list[str]:
    names = r"[A-ZÅÄÖ][\wåäö-]+(?: [A-ZÅÄÖa-zåäö][\wåäö-]+)?"
    for section in sections:
        for part in section.parts:
            sentences = _sentences(part)
            for index, sentence in enumerate(sentences):
                if "prioriter" not in sentence.casefold():
                    continue
                for candidate in (sentence, sentences[index - 1] if index else ""):
                    match = re.search(rf"({names}(?:, {names})*) och ({names})[.]?$", candidate)
                    if match:
                        listed = [n.strip() for n in match.group(1).split(",")]
                        last = match.group(2)
                        first_words = listed[0].split()
                        if len(first_words) > 1 and first_words[-1][:1].isupper():
                            listed[0] = first_words[-1]
                        return [*listed, last]
    return []


def _completeness_findings(
    sections: Sequence[ProposedSection],
    activities: Sequence[ProposedActivity],
    programme: Programme,
    findings: list[Finding],
) -> None:
    if not sections:
        findings.append(
            Finding(
                code=FindingCode.NO_SECTIONS,
                message="Inga avsnitt kändes igen: dokumentet ser inte ut som en handlingsplan.",
            )
        )
    if not activities:
        findings.append(
            Finding(code=FindingCode.NO_ACTIVITIES, message="Inga aktiviteter kändes igen.")
        )
    keys = {s.key for s in sections}
    for spec in programme.sections:
        if spec.required and spec.key not in keys:
            findings.append(
                Finding(
                    code=FindingCode.MISSING_SECTION,
                    message=f"Avsnittet ”{spec.heading}” finns inte i dokumentet.",
                )
            )

"""A revision diff as short Swedish lines a plan's preface can quote.

Lines follow the plan's reading order: sections, scope and priority areas, the
situation picture, then activities. Labels come from the programme (levels, themes,
survey questions, police environments); without one, the keys are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from planregistry_domain.activity_details import TimeFrame
from planregistry_domain.completeness import join_sv
from planregistry_domain.completeness import sentence_title as _title
from planregistry_domain.model import SurveyAnswer
from planregistry_domain.programme import Programme
from planregistry_domain.vocabulary import EnvironmentActivity

if TYPE_CHECKING:  # diff imports this module at run time
    from planregistry_domain.diff import (
        ActivityChange,
        FieldChange,
        FieldValue,
        PoliceChange,
        RevisionDiff,
        SituationDiff,
        SurveyChange,
    )


class _Labels:
    def __init__(self, programme: Programme | None) -> None:
        self._levels = {t.key: t.label for t in programme.levels} if programme else {}
        self._themes = {t.key: t.label for t in programme.themes} if programme else {}
        self._questions = {q.key: q.text for q in programme.survey_questions} if programme else {}
        self._environments = (
            {t.key: t.label for t in programme.police_environments} if programme else {}
        )
        self._goals = {t.key: t.label for t in programme.goals} if programme else {}

    def level(self, key: str | None) -> str:
        return self._levels.get(key, key).lower() if key else "okänd nivå"

    def themes(self, keys: list[str]) -> str:
        return join_sv([self._themes.get(k, k) for k in keys])

    def goals(self, keys: list[str]) -> str:
        return join_sv([f'"{self._goals.get(k, k)}"' for k in keys])

    def question(self, key: str) -> str:
        return self._questions.get(key, key)

    def environment(self, key: str) -> str:
        label = self._environments.get(key, key)
        # Labels are capitalised as headings ("Vit makt-miljön"); mid-sentence they are not.
        return label[:1].lower() + label[1:]


def changelog_sv(diff: RevisionDiff, programme: Programme | None) -> list[str]:
    """Short Swedish lines describing `diff`, with the programme's labels."""
    labels = _Labels(programme)
    return [
        *_sections(diff),
        *_scope_and_areas(diff),
        *_situation(diff.situation, labels),
        *_activities(diff, labels),
    ]


def _sections(diff: RevisionDiff) -> Iterator[str]:
    for section in diff.sections_added:
        yield f"Nytt avsnitt: {section.heading}."
    for section in diff.sections_removed:
        yield f"Avsnittet {section.heading} har strukits."
    for change in diff.sections_changed:
        if change.heading_changed and change.body_changed:
            yield f"Avsnittet {change.old_heading} är omarbetat och heter nu {change.new_heading}."
        elif change.heading_changed:
            yield f"Avsnittet {change.old_heading} heter nu {change.new_heading}."
        else:
            yield f"Avsnittet {change.new_heading} är omarbetat."
    if diff.section_order_changed:
        yield "Avsnitten har fått en ny ordning."


def _scope_and_areas(diff: RevisionDiff) -> Iterator[str]:
    for item in diff.scope_exclusions_added:
        yield f"Ny avgränsning: {item} omfattas inte av planen."
    for item in diff.scope_exclusions_removed:
        yield f"Avgränsningen är borttagen: {item} omfattas nu av planen."
    for item in diff.priority_areas_added:
        yield f"Nytt utvecklingsområde: {item}."
    for item in diff.priority_areas_removed:
        yield f"Utvecklingsområdet {item} utgår."


def _situation(situation: SituationDiff | None, labels: _Labels) -> Iterator[str]:
    if situation is None:
        return
    if situation.added:
        yield "Planen har fått en lokal lägesbild."
        return
    if situation.removed:
        yield "Lägesbilden är borttagen."
        return
    if situation.withheld:
        yield from _confidentiality(situation)
        yield "Lägesbilden är sekretessmarkerad; vad som ändrats i den visas inte."
        return
    if situation.compiled_on is not None:
        old, new = situation.compiled_on.old, situation.compiled_on.new
        was = f" (tidigare {old.isoformat()})" if old else ""
        yield (
            f"Lägesbilden är uppdaterad: sammanställd {new.isoformat()}{was}."
            if new
            else f"Lägesbilden saknar nu datum{was}."
        )
    if situation.summary is not None:
        yield (
            "Lägesbilden har fått en sammanfattning."
            if situation.summary.old is None
            else "Lägesbildens sammanfattning är omarbetad."
        )
    yield from _confidentiality(situation)
    if situation.sources_added:
        yield f"Lägesbilden bygger nu även på: {join_sv(situation.sources_added)}."
    if situation.sources_removed:
        yield f"Lägesbilden bygger inte längre på: {join_sv(situation.sources_removed)}."
    for survey in situation.survey:
        yield from _survey(survey, labels)
    for police in situation.police:
        yield from _police(police, labels)


def _confidentiality(situation: SituationDiff) -> Iterator[str]:
    if situation.confidential is not None:
        yield (
            "Lägesbilden är nu sekretessmarkerad."
            if situation.confidential.new
            else "Lägesbilden är inte längre sekretessmarkerad."
        )


def _counts_sv(answer: SurveyAnswer | None) -> str:
    if answer is None:
        return "inga siffror"
    parts = [
        f"{n} {word}"
        for n, word in ((answer.yes_count, "ja"), (answer.no_count, "nej"))
        if n is not None
    ]
    text = ", ".join(parts)
    if answer.respondents is not None:
        text = (
            f"{text} av {answer.respondents} svarande" if text else f"{answer.respondents} svarande"
        )
    return text or "inga siffror"


def _survey(change: SurveyChange, labels: _Labels) -> Iterator[str]:
    question = f'frågan "{labels.question(change.question_key)}"'
    if change.counts_changed:
        yield (
            f"Lägesbilden: enkätsvaren på {question} är ändrade: "
            f"{_counts_sv(change.old)} → {_counts_sv(change.new)}."
        )
    if change.finding_changed:
        old = change.old.finding if change.old else None
        new = change.new.finding if change.new else None
        if old is None:
            yield f"Lägesbilden: {question} har fått en slutsats."
        elif new is None:
            yield f"Lägesbilden: slutsatsen om {question} är borttagen."
        else:
            yield f"Lägesbilden: ny slutsats om {question}."


def _status(status: EnvironmentActivity) -> str:
    return status.label


def _police(change: PoliceChange, labels: _Labels) -> Iterator[str]:
    environment = labels.environment(change.environment)
    old, new = change.old, change.new
    if new is None:
        yield f"Lägesbilden: polisens bedömning av {environment} är borttagen."
    elif old is None:
        yield f"Lägesbilden: polisen har nu bedömt {environment}: {_status(new.status)}."
    elif change.status_changed:
        yield (
            f"Lägesbilden: polisens bedömning av {environment} ändrad från "
            f"{_status(old.status)} till {_status(new.status)}."
        )
    else:
        yield f"Lägesbilden: polisens beskrivning av {environment} är omarbetad."


def _activities(diff: RevisionDiff, labels: _Labels) -> Iterator[str]:
    for activity in diff.activities_added:
        yield f"Ny aktivitet: {_title(activity.title)} ({labels.level(activity.level)})."
    for activity in diff.activities_removed:
        yield f'Aktiviteten "{_title(activity.title)}" utgår.'
    for change in diff.activities_changed:
        yield from _activity(change, labels)


def _activity(change: ActivityChange, labels: _Labels) -> Iterator[str]:
    name = f'Aktiviteten "{_title(change.title)}"'
    for item in change.changes:
        if item.field == "title":
            yield f'Aktiviteten "{_title(change.old_title)}" heter nu "{_title(change.title)}".'
        elif item.field == "description":
            yield _value_line(name, "beskrivning", item, quote_values=False)
        elif item.field == "level":
            yield (
                f"{name} är flyttad från nivån {labels.level(_text(item.old))} "
                f"till {labels.level(_text(item.new))}."
            )
        elif item.field == "themes":
            added, removed = _added_removed(item)
            if added:
                yield f"{name} har fått {_plural('temat', 'temana', added)} {labels.themes(added)}."
            if removed:
                yield (
                    f"{name} har inte längre {_plural('temat', 'temana', removed)} "
                    f"{labels.themes(removed)}."
                )
        elif item.field == "partners":
            added, removed = _added_removed(item)
            if added:
                yield f"{name} samverkar nu även med {join_sv(added)}."
            if removed:
                yield f"{name} samverkar inte längre med {join_sv(removed)}."
        elif item.field == "areas":
            added, removed = _added_removed(item)
            if added:
                yield f"{name} omfattar nu även {join_sv(added)}."
            if removed:
                yield f"{name} omfattar inte längre {join_sv(removed)}."
        elif item.field in _LISTS:
            yield from _list_lines(name, item, labels)
        elif item.field == "time_frame":
            yield _value_line(name, "tidsram", item)
        elif item.field == "resources":
            yield _value_line(name, "resursbeskrivning", item, quote_values=False)
        else:
            yield _value_line(name, _NOUNS[item.field], item)


# Single-valued activity fields, as the noun a changelog line names them by.
_NOUNS = {
    "responsible": "ansvarig aktör",
    "follow_up_method": "uppföljningsmetod",
    "contact_role": "kontaktroll",
}


# List fields: the noun for one and for several, and what an addition and a removal say
# (`{the}`: "målet" or "målen").
_LISTS = {
    "target_groups": (
        "målgrupp",
        "målgrupper",
        "riktar sig nu även till",
        "riktar sig inte längre till",
    ),
    "indicators": ("indikator", "indikatorer", "mäter nu även", "mäter inte längre"),
    "goals": ("mål", "mål", "tjänar nu även {the}", "tjänar inte längre {the}"),
}


def _list_lines(name: str, item: FieldChange, labels: _Labels) -> Iterator[str]:
    """`har fått målgrupp: X` for a first entry, else what was added and what removed."""
    singular, plural, adds, removes = _LISTS[item.field]
    added, removed = _added_removed(item)
    show = labels.goals if item.field == "goals" else join_sv
    if added and not item.old:
        yield f"{name} har fått {_plural(singular, plural, added)}: {show(added)}."
    elif added:
        yield f"{name} {adds.format(the=_plural('målet', 'målen', added))} {show(added)}."
    if removed:
        yield f"{name} {removes.format(the=_plural('målet', 'målen', removed))} {show(removed)}."


def _value_line(name: str, noun: str, item: FieldChange, *, quote_values: bool = True) -> str:
    """`har fått X: b`, `saknar nu X (tidigare a)` or `har fått ny X: a → b`."""
    old, new = _text(item.old), _text(item.new)
    if not quote_values:  # long texts (descriptions) are not repeated in a changelog
        if old is None:
            return f"{name} har fått en {noun}."
        if new is None:
            return f"{name} saknar nu {noun}."
        return f"{name} har fått ny {noun}."
    if old is None:
        return f"{name} har fått {noun}: {new}."
    if new is None:
        return f"{name} saknar nu {noun} (tidigare {old})."
    return f"{name} har fått ny {noun}: {old} → {new}."


def _text(value: FieldValue) -> str | None:
    if isinstance(value, list):
        return ", ".join(value) or None
    if isinstance(value, TimeFrame):
        return value.text_sv()
    return value


def _added_removed(item: FieldChange) -> tuple[list[str], list[str]]:
    old = item.old if isinstance(item.old, list) else []
    new = item.new if isinstance(item.new, list) else []
    return [x for x in new if x not in old], [x for x in old if x not in new]


def _plural(singular: str, plural: str, items: list[str]) -> str:
    return singular if len(items) == 1 else plural

"""The automatic completeness check of a revision against its programme.

A finding is a real gap a central reviewer would send back: a required section that
is missing or empty, no situation picture (or one without survey results or police
assessment), a required activity level with no activity, an activity that names no
responsible actor, no follow-up method or no theme, or vocabulary the programme does
not know. What a plan may legitimately leave out is not flagged: optional sections,
scope exclusions, priority areas, survey counts (the seed plan reports findings in
words only), individual survey questions or police environments left unassessed.

What is required depends on the programme and on the kind of organisation
(`Programme.requirements`): a specialist committee's plan is not held to what only a
district's plan must have. The manager survey is one way of building the situation
picture, required only where a programme says so; a picture with nothing in it at all
(no summary, no survey result, no police assessment, no source) is flagged.

Codes are stable (clients switch on them); messages are Swedish and name the thing.
"""

from __future__ import annotations

from collections.abc import Iterator

from planregistry_domain.model import (
    Activity,
    CompletenessFinding,
    Revision,
    SituationPicture,
    SurveyAnswer,
)
from planregistry_domain.programme import Programme, Requirements
from planregistry_domain.vocabulary import OrganizationKind

MISSING_SECTION = "missing_section"
EMPTY_SECTION = "empty_section"
MISSING_SITUATION = "missing_situation"
SITUATION_WITHOUT_SURVEY = "situation_without_survey"
SITUATION_WITHOUT_POLICE = "situation_without_police"
EMPTY_SITUATION = "empty_situation"
STALE_SITUATION = "stale_situation"
MISSING_LEVEL = "missing_level"
ACTIVITY_WITHOUT_RESPONSIBLE = "activity_without_responsible"
ACTIVITY_WITHOUT_FOLLOW_UP_METHOD = "activity_without_follow_up_method"
ACTIVITY_WITHOUT_THEMES = "activity_without_themes"
UNKNOWN_LEVEL = "unknown_level"
UNKNOWN_THEME = "unknown_theme"

SITUATION_SUBJECT = "situation"


def check_completeness(
    revision: Revision, programme: Programme, kind: OrganizationKind | None = None
) -> list[CompletenessFinding]:
    """Every gap of `revision` against `programme` for an organisation of `kind`, in the
    order a reader meets them (`kind` None: the programme's defaults)."""
    required = programme.requirements(kind)
    return [
        *_sections(revision, programme, required),
        *_situation(revision, required),
        *_levels(revision, programme, required),
        *(f for a in revision.activities for f in _activity(a, programme)),
    ]


def _finding(code: str, message: str, subject: str | None = None) -> CompletenessFinding:
    return CompletenessFinding(code=code, message=message, subject=subject)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _sections(
    revision: Revision, programme: Programme, required: Requirements
) -> Iterator[CompletenessFinding]:
    present = {s.key: s for s in revision.sections}
    headings = {spec.key: spec.heading for spec in programme.sections}
    for key in required.required_sections:
        section = present.get(key)
        if section is None:
            yield _finding(MISSING_SECTION, f'Avsnittet "{headings.get(key, key)}" saknas.', key)
        elif _blank(section.body):
            # The plan's own heading, since that is what the reader sees in the plan.
            yield _finding(EMPTY_SECTION, f'Avsnittet "{section.heading}" saknar text.', key)


def _situation(revision: Revision, required: Requirements) -> Iterator[CompletenessFinding]:
    rules = required.situation
    situation = revision.situation
    if situation is None:
        if rules.required:
            yield _finding(
                MISSING_SITUATION,
                "Lägesbild saknas: planen ska bygga på en aktuell lokal lägesbild.",
                SITUATION_SUBJECT,
            )
        return
    answered = any(_answered(a) for a in situation.survey)
    if rules.required and not (
        answered or situation.police or situation.sources or not _blank(situation.summary)
    ):
        yield _finding(
            EMPTY_SITUATION,
            "Lägesbilden är tom: den saknar sammanfattning, källor, enkätresultat och "
            "polisens bedömning.",
            SITUATION_SUBJECT,
        )
    if rules.survey and not answered:
        yield _finding(
            SITUATION_WITHOUT_SURVEY,
            "Lägesbilden saknar resultat från enkäten till förvaltningens chefer.",
            SITUATION_SUBJECT,
        )
    if rules.police_assessment and not situation.police:
        yield _finding(
            SITUATION_WITHOUT_POLICE,
            "Lägesbilden saknar polisens bedömning av de våldsbejakande extremistmiljöerna.",
            SITUATION_SUBJECT,
        )
    yield from _stale(situation, revision.cycle_year)


def _answered(answer: SurveyAnswer) -> bool:
    # An answer row with neither a finding nor a count says nothing (the seed has such rows).
    counts = (answer.yes_count, answer.no_count, answer.respondents)
    return not _blank(answer.finding) or any(c is not None for c in counts)


def _stale(situation: SituationPicture, cycle_year: int) -> Iterator[CompletenessFinding]:
    """A picture compiled before the year preceding the cycle year was not renewed.

    Plans are revised every year from a fresh picture, usually compiled in the autumn
    before the cycle year, so only a picture two or more years old is flagged; an
    undated picture is not (the seed plan gives no date).
    """
    compiled_on = situation.compiled_on
    if compiled_on is not None and compiled_on.year < cycle_year - 1:
        yield _finding(
            STALE_SITUATION,
            f"Lägesbilden är sammanställd {compiled_on.isoformat()}, mer än ett år före "
            f"cykelåret {cycle_year}; planen ska revideras utifrån en aktuell lägesbild.",
            SITUATION_SUBJECT,
        )


def _levels(
    revision: Revision, programme: Programme, requirements: Requirements
) -> Iterator[CompletenessFinding]:
    levels = requirements.required_levels
    if not levels:
        return
    labels = {t.key: t.label.lower() for t in programme.levels}
    required = [labels.get(key, key) for key in levels]
    rule = "minst " + join_sv([f"en {label}" for label in required]) + " aktivitet"
    present = {a.level for a in revision.activities}
    for key in levels:
        if key not in present:
            yield _finding(
                MISSING_LEVEL,
                f"Planen har ingen {labels.get(key, key)} aktivitet; programmet kräver {rule}.",
                key,
            )


def _activity(activity: Activity, programme: Programme) -> Iterator[CompletenessFinding]:
    name = f'Aktiviteten "{sentence_title(activity.title)}"'
    if _blank(activity.responsible):
        yield _finding(ACTIVITY_WITHOUT_RESPONSIBLE, f"{name} saknar ansvarig aktör.", activity.key)
    if _blank(activity.follow_up_method):
        yield _finding(
            ACTIVITY_WITHOUT_FOLLOW_UP_METHOD,
            f"{name} saknar uppgift om hur den följs upp.",
            activity.key,
        )
    if not activity.themes:
        yield _finding(ACTIVITY_WITHOUT_THEMES, f"{name} saknar tema.", activity.key)
    # The programme is data and may be replaced: vocabulary can fall out of it.
    if activity.level not in programme.level_keys():
        yield _finding(
            UNKNOWN_LEVEL,
            f'{name} har nivån "{activity.level}", som inte finns i programmet.',
            activity.key,
        )
    unknown = [t for t in activity.themes if t not in programme.theme_keys()]
    if unknown:
        yield _finding(
            UNKNOWN_THEME,
            f"{name} har teman som inte finns i programmet: {', '.join(unknown)}.",
            activity.key,
        )


def sentence_title(title: str) -> str:
    """A title to quote inside a sentence: seed titles often end with a full stop."""
    return title.strip().rstrip(".").rstrip()


def join_sv(items: list[str]) -> str:
    """`a`, `a och b`, `a, b och c`: a Swedish list (no serial comma)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]

"""The draft editor's forms, one class each: which fields, how they read the stored
content, how they turn into a library command and which `Registry` method saves it.

Every form is flat text fields (see `draft_forms`), so that one merge serves them all
when a save turns out to be based on an old version.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar

from msgspec import structs

from planregistry import Registry
from planregistry_api.web.draft_forms import Values, check_length, lines
from planregistry_api.web.forms import FormError
from planregistry_domain.actor import Actor
from planregistry_domain.diff import changelog_sv, diff_revisions
from planregistry_domain.model import (
    Activity,
    Organization,
    Plan,
    PoliceAssessment,
    Revision,
    Section,
    SituationPicture,
    SurveyAnswer,
)
from planregistry_domain.programme import Programme
from planregistry_domain.vocabulary import EnvironmentActivity

NAME_MAX = 300
SHORT_MAX = 1000
LONG_MAX = 200_000
COUNT_MAX = 1_000_000


@dataclass
class Draft:
    """A revision as its editor needs it."""

    revision: Revision
    plan: Plan
    organisation: Organization
    programme: Programme


def load_draft(registry: Registry, revision_id: int, actor: Actor) -> Draft:
    revision = registry.get_revision(revision_id, actor=actor)
    plan = registry.get_plan(revision.plan_id, actor=actor)
    organisation = registry.get_organization(plan.organization_id, actor=actor)
    programme = registry.get_programme(plan.programme_id, actor=actor)
    return Draft(revision=revision, plan=plan, organisation=organisation, programme=programme)


class EditorForm:
    """One form of the editor; subclasses name the fields and the library call."""

    names: ClassVar[tuple[str, ...]]
    multi: ClassVar[tuple[str, ...]] = ()
    labels: ClassVar[dict[str, str]]
    template: ClassVar[str]
    title: ClassVar[str]

    def stored(self, draft: Draft) -> Values:
        raise NotImplementedError

    def version(self, draft: Draft) -> int:
        return draft.revision.version

    def parse(self, values: Values, draft: Draft) -> tuple[dict[str, Any], list[FormError]]:
        raise NotImplementedError

    def save(
        self,
        registry: Registry,
        draft: Draft,
        command: dict[str, Any],
        version: int | None,
        actor: Actor,
    ) -> str:
        """Saves; returns the fragment of the overview to come back to."""
        raise NotImplementedError

    def with_values(self, revision: Revision, values: Values, draft: Draft) -> Revision:
        """`revision` as it would read with `values` in this form (for the changelog)."""
        return revision

    # Library command field → form field, for the library's own refusals.
    command_fields: ClassVar[dict[str, str]] = {}

    def changes(self, base: Values | None, draft: Draft) -> list[str]:
        """What changed since `base` was stored, as the library's changelog says it."""
        if base is None:
            return []
        before = self.with_values(draft.revision, base, draft)
        return changelog_sv(
            diff_revisions(before, draft.revision, draft.programme), draft.programme
        )


# --- Sections ------------------------------------------------------------------------


def section_key(heading: str, taken: set[str]) -> str:
    """A new own section's key from its heading: readable, unique in the revision."""
    folded = unicodedata.normalize("NFKD", heading.casefold())
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c))
    base = "_".join(re.findall(r"[a-z0-9]+", ascii_))[:50].strip("_") or "avsnitt"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


class SectionForm(EditorForm):
    names = ("rubrik", "text")
    labels: ClassVar[dict[str, str]] = {"rubrik": "Rubrik", "text": "Text"}
    title = "Avsnitt"
    template = "drafts/section.html"
    command_fields: ClassVar[dict[str, str]] = {"heading": "rubrik", "body": "text"}

    def __init__(self, key: str | None) -> None:
        self.key = key  # None: a new own section

    def stored(self, draft: Draft) -> Values:
        section = next((s for s in draft.revision.sections if s.key == self.key), None)
        if section is not None:
            return {"rubrik": section.heading, "text": section.body}
        spec = next((s for s in draft.programme.sections if s.key == self.key), None)
        return {"rubrik": spec.heading if spec else "", "text": ""}

    def parse(self, values: Values, draft: Draft) -> tuple[dict[str, Any], list[FormError]]:
        errors: list[FormError] = []
        if not values["rubrik"]:
            errors.append(FormError("rubrik", "Skriv avsnittets rubrik."))
        check_length(errors, values, "rubrik", NAME_MAX, "Rubriken")
        check_length(errors, values, "text", LONG_MAX, "Texten")
        return {"heading": values["rubrik"], "body": values["text"]}, errors

    def save(
        self,
        registry: Registry,
        draft: Draft,
        command: dict[str, Any],
        version: int | None,
        actor: Actor,
    ) -> str:
        key = self.key
        if key is None:
            # Never one of the programme's keys: an own section stays the plan's own.
            taken = {s.key for s in draft.revision.sections} | {
                s.key for s in draft.programme.sections
            }
            key = section_key(command["heading"], taken)
            # A new section collides with nothing the other person wrote: no version.
            version = None
        registry.put_section(draft.revision.id, key, command, expected_version=version, actor=actor)
        return f"avsnitt-{key}"

    def with_values(self, revision: Revision, values: Values, draft: Draft) -> Revision:
        sections = [
            Section(key=s.key, heading=values["rubrik"], body=values["text"])
            if s.key == self.key
            else s
            for s in revision.sections
        ]
        return structs.replace(revision, sections=sections)


# --- The revision's details ----------------------------------------------------------


class DetailsForm(EditorForm):
    names = ("etikett", "avgransning", "utvecklingsomraden")
    labels: ClassVar[dict[str, str]] = {
        "etikett": "Versionens namn",
        "avgransning": "Undantaget från planen",
        "utvecklingsomraden": "Utvecklingsområden",
    }
    title = "Uppgifter om versionen"
    template = "drafts/details.html"
    command_fields: ClassVar[dict[str, str]] = {
        "label": "etikett",
        "scope_exclusions": "avgransning",
        "priority_areas": "utvecklingsomraden",
    }

    def stored(self, draft: Draft) -> Values:
        revision = draft.revision
        return {
            "etikett": revision.label,
            "avgransning": "\n".join(revision.scope_exclusions),
            "utvecklingsomraden": "\n".join(revision.priority_areas),
        }

    def parse(self, values: Values, draft: Draft) -> tuple[dict[str, Any], list[FormError]]:
        errors: list[FormError] = []
        if not values["etikett"]:
            errors.append(FormError("etikett", "Skriv versionens namn."))
        check_length(errors, values, "etikett", NAME_MAX, "Namnet")
        exclusions = lines(values["avgransning"])
        areas = lines(values["utvecklingsomraden"])
        if any(len(x) > SHORT_MAX for x in exclusions):
            errors.append(FormError("avgransning", f"En rad får vara högst {SHORT_MAX} tecken."))
        if any(len(x) > NAME_MAX for x in areas):
            errors.append(
                FormError("utvecklingsomraden", f"Ett område får vara högst {NAME_MAX} tecken.")
            )
        command = {
            "label": values["etikett"],
            "scope_exclusions": exclusions,
            "priority_areas": areas,
        }
        return command, errors

    def save(
        self,
        registry: Registry,
        draft: Draft,
        command: dict[str, Any],
        version: int | None,
        actor: Actor,
    ) -> str:
        registry.update_revision(draft.revision.id, command, expected_version=version, actor=actor)
        return "uppgifter"

    def with_values(self, revision: Revision, values: Values, draft: Draft) -> Revision:
        return structs.replace(
            revision,
            label=values["etikett"],
            scope_exclusions=lines(values["avgransning"]),
            priority_areas=lines(values["utvecklingsomraden"]),
        )


# --- The situation picture -----------------------------------------------------------

POLICE_CHOICES = [("", "Inte bedömd")] + [(s.value, s.label) for s in EnvironmentActivity]


class SituationForm(EditorForm):
    title = "Lokal lägesbild"
    template = "drafts/situation.html"
    command_fields: ClassVar[dict[str, str]] = {
        "compiled_on": "datum",
        "sources": "kallor",
        "summary": "sammanfattning",
    }

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        names = ["datum", "kallor", "sekretess", "sammanfattning"]
        labels = {
            "datum": "Sammanställd",
            "kallor": "Källor",
            "sekretess": "Sekretessmarkerad",
            "sammanfattning": "Sammanfattning",
        }
        for q in programme.survey_questions:
            for suffix, what in (
                ("resultat", "resultat"),
                ("ja", "antal ja"),
                ("nej", "antal nej"),
                ("svarande", "antal svarande"),
            ):
                names.append(f"{q.key}-{suffix}")
                labels[f"{q.key}-{suffix}"] = f"{q.text} – {what}"
        for env in programme.police_environments:
            names += [f"{env.key}-bedomning", f"{env.key}-kommentar"]
            labels[f"{env.key}-bedomning"] = f"{env.label} – bedömning"
            labels[f"{env.key}-kommentar"] = f"{env.label} – kommentar"
        self.names = tuple(names)  # type: ignore[misc]
        self.labels = labels  # type: ignore[misc]

    def stored(self, draft: Draft) -> Values:
        situation = draft.revision.situation or SituationPicture()
        values: Values = dict.fromkeys(self.names, "")
        values["datum"] = situation.compiled_on.isoformat() if situation.compiled_on else ""
        values["kallor"] = "\n".join(situation.sources)
        values["sekretess"] = "ja" if situation.confidential else ""
        values["sammanfattning"] = situation.summary or ""
        for answer in situation.survey:
            values[f"{answer.question_key}-resultat"] = answer.finding or ""
            for suffix, count in (
                ("ja", answer.yes_count),
                ("nej", answer.no_count),
                ("svarande", answer.respondents),
            ):
                values[f"{answer.question_key}-{suffix}"] = "" if count is None else str(count)
        for item in situation.police:
            values[f"{item.environment}-bedomning"] = item.status.value
            values[f"{item.environment}-kommentar"] = item.text or ""
        return values

    def parse(self, values: Values, draft: Draft) -> tuple[dict[str, Any], list[FormError]]:
        errors: list[FormError] = []
        compiled_on = None
        if values["datum"]:
            try:
                compiled_on = dt.date.fromisoformat(values["datum"])
            except ValueError:
                errors.append(
                    FormError(
                        "datum", "Datumet måste vara ett riktigt datum, till exempel 2016-11-30."
                    )
                )
        sources = lines(values["kallor"])
        if any(len(s) > SHORT_MAX for s in sources):
            errors.append(FormError("kallor", f"En källa får vara högst {SHORT_MAX} tecken."))
        check_length(errors, values, "sammanfattning", LONG_MAX, "Sammanfattningen")
        survey = []
        for q in self.programme.survey_questions:
            finding = values[f"{q.key}-resultat"]
            counts: dict[str, int | None] = {}
            for suffix in ("ja", "nej", "svarande"):
                name = f"{q.key}-{suffix}"
                counts[suffix] = _count(values[name], name, errors)
            check_length(errors, values, f"{q.key}-resultat", LONG_MAX, "Resultatet")
            yes, no, respondents = counts["ja"], counts["nej"], counts["svarande"]
            if respondents is not None and (yes or 0) + (no or 0) > respondents:
                errors.append(FormError(f"{q.key}-svarande", "Fler ja- och nej-svar än svarande."))
            if finding or any(c is not None for c in counts.values()):
                survey.append(
                    {
                        "question_key": q.key,
                        "finding": finding or None,
                        "yes_count": yes,
                        "no_count": no,
                        "respondents": respondents,
                    }
                )
        police = []
        for env in self.programme.police_environments:
            status = values[f"{env.key}-bedomning"]
            comment = values[f"{env.key}-kommentar"]
            if status and status not in {s.value for s in EnvironmentActivity}:
                errors.append(FormError(f"{env.key}-bedomning", "Välj en av bedömningarna."))
            elif status:
                police.append({"environment": env.key, "status": status, "text": comment or None})
            elif comment:
                errors.append(
                    FormError(
                        f"{env.key}-bedomning",
                        f"Välj polisens bedömning av {env.label.lower()} till kommentaren.",
                    )
                )
        command = {
            "compiled_on": compiled_on,
            "sources": sources,
            "confidential": values["sekretess"] == "ja",
            "summary": values["sammanfattning"] or None,
            "survey": survey,
            "police": police,
        }
        return command, errors

    def save(
        self,
        registry: Registry,
        draft: Draft,
        command: dict[str, Any],
        version: int | None,
        actor: Actor,
    ) -> str:
        registry.put_situation(draft.revision.id, command, expected_version=version, actor=actor)
        return "lagesbild"

    def with_values(self, revision: Revision, values: Values, draft: Draft) -> Revision:
        command, errors = self.parse(values, draft)
        if errors:
            return revision
        situation = SituationPicture(
            compiled_on=command["compiled_on"],
            sources=command["sources"],
            confidential=command["confidential"],
            summary=command["summary"],
            survey=[SurveyAnswer(**a) for a in command["survey"]],
            police=[
                PoliceAssessment(
                    environment=p["environment"],
                    status=EnvironmentActivity(p["status"]),
                    text=p["text"],
                )
                for p in command["police"]
            ],
        )
        return structs.replace(revision, situation=situation)


def _count(value: str, name: str, errors: list[FormError]) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        errors.append(FormError(name, "Ange ett heltal, till exempel 12."))
        return None
    if not 0 <= number <= COUNT_MAX:
        errors.append(FormError(name, "Antalet kan inte vara negativt eller orimligt stort."))
        return None
    return number


# --- Activities ----------------------------------------------------------------------


class ActivityForm(EditorForm):
    names = (
        "titel",
        "beskrivning",
        "niva",
        "teman",
        "ansvarig",
        "partner",
        "uppfoljningsmetod",
        "malgrupp",
        "omraden",
    )
    multi = ("teman",)
    labels: ClassVar[dict[str, str]] = {
        "titel": "Aktivitet",
        "beskrivning": "Beskrivning",
        "niva": "Nivå",
        "teman": "Teman",
        "ansvarig": "Ansvarig",
        "partner": "Samverkanspartner",
        "uppfoljningsmetod": "Hur aktiviteten följs upp",
        "malgrupp": "Målgrupp",
        "omraden": "Områden",
    }
    title = "Aktivitet"
    template = "drafts/activity.html"
    command_fields: ClassVar[dict[str, str]] = {
        "title": "titel",
        "description": "beskrivning",
        "level": "niva",
        "themes": "teman",
        "responsible": "ansvarig",
        "partners": "partner",
        "follow_up_method": "uppfoljningsmetod",
        "target_group": "malgrupp",
        "areas": "omraden",
    }

    def __init__(self, activity: Activity | None, level: str | None = None) -> None:
        self.activity = activity  # None: a new activity
        self.level = level

    def stored(self, draft: Draft) -> Values:
        a = self.activity
        if a is None:
            values = dict.fromkeys(self.names, "")
            values["niva"] = self.level or ""
            return values
        return {
            "titel": a.title,
            "beskrivning": a.description or "",
            "niva": a.level,
            "teman": "\n".join(sorted(a.themes)),
            "ansvarig": a.responsible or "",
            "partner": "\n".join(a.partners),
            "uppfoljningsmetod": a.follow_up_method or "",
            "malgrupp": a.target_group or "",
            "omraden": "\n".join(a.areas),
        }

    def version(self, draft: Draft) -> int:
        return self.activity.version if self.activity else 0

    def parse(self, values: Values, draft: Draft) -> tuple[dict[str, Any], list[FormError]]:
        errors: list[FormError] = []
        programme = draft.programme
        if not values["titel"]:
            errors.append(FormError("titel", "Skriv vad aktiviteten heter."))
        check_length(errors, values, "titel", NAME_MAX, "Aktivitetens namn")
        check_length(errors, values, "beskrivning", LONG_MAX, "Beskrivningen")
        if values["niva"] not in programme.level_keys():
            errors.append(FormError("niva", "Välj aktivitetens nivå."))
        themes = lines(values["teman"])
        if any(t not in programme.theme_keys() for t in themes):
            errors.append(FormError("teman", "Välj bara bland programmets teman."))
        check_length(errors, values, "ansvarig", NAME_MAX, "Ansvarig")
        partners = lines(values["partner"])
        if any(len(p) > NAME_MAX for p in partners):
            errors.append(FormError("partner", f"En partner får vara högst {NAME_MAX} tecken."))
        check_length(errors, values, "uppfoljningsmetod", SHORT_MAX, "Uppföljningen")
        check_length(errors, values, "malgrupp", SHORT_MAX, "Målgruppen")
        areas = lines(values["omraden"])
        if any(len(x) > NAME_MAX for x in areas):
            errors.append(FormError("omraden", f"Ett område får vara högst {NAME_MAX} tecken."))
        command = {
            "title": values["titel"],
            "description": values["beskrivning"] or None,
            "level": values["niva"],
            "themes": themes,
            "responsible": values["ansvarig"] or None,
            "partners": partners,
            "follow_up_method": values["uppfoljningsmetod"] or None,
            "target_group": values["malgrupp"] or None,
            "areas": areas,
        }
        return command, errors

    def save(
        self,
        registry: Registry,
        draft: Draft,
        command: dict[str, Any],
        version: int | None,
        actor: Actor,
    ) -> str:
        if self.activity is None:
            created = registry.add_activity(draft.revision.id, command, actor=actor)
            return f"aktivitet-{created.id}"
        registry.update_activity(self.activity.id, command, expected_version=version, actor=actor)
        return f"aktivitet-{self.activity.id}"

    def with_values(self, revision: Revision, values: Values, draft: Draft) -> Revision:
        if self.activity is None:
            return revision
        command, _errors = self.parse(values, draft)
        activities = [
            structs.replace(a, **command) if a.id == self.activity.id else a
            for a in revision.activities
        ]
        return structs.replace(revision, activities=activities)

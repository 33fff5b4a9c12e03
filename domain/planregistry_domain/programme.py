"""The programme (riktlinjer/program) a plan answers to, held as data.

A programme names its plan sections, the activity levels and themes, the survey
questions of the situation picture, the extremist environments the police assess,
and its revision cycle. A new programme (for example against violence in close
relationships) is a new `Programme` value, not new code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from msgspec import Meta, Struct, field

from planregistry_domain.constraints import Name, Slug
from planregistry_domain.vocabulary import OrganizationKind


class Term(Struct, frozen=True, kw_only=True):
    """One entry of a controlled vocabulary."""

    key: Slug
    label: Name
    description: str | None = None


class PeriodTerm(Struct, frozen=True, kw_only=True):
    """A reporting period of the year, e.g. `T1` (tertialrapport 1) or `VB`."""

    key: Annotated[str, Meta(pattern=r"^[A-Z0-9]{1,8}$")]
    label: Name


class SectionSpec(Struct, frozen=True, kw_only=True):
    key: Slug
    heading: Name
    required: bool = True
    guidance: str | None = None


class SurveyQuestion(Struct, frozen=True, kw_only=True):
    key: Slug
    text: Name


class RevisionCycle(Struct, frozen=True, kw_only=True):
    """When a plan's yearly revision is due.

    `due_month` / `due_day` give the usual date in the cycle year; `due_dates`
    overrides it for a year (keys are years as text, since JSON keys are text).
    """

    interval_years: int = 1
    due_month: int = 5
    due_day: int = 31
    due_label: str = "Tertialrapport 1"
    due_dates: dict[str, dt.date] = field(default_factory=dict)

    def due_date(self, cycle_year: int) -> dt.date:
        override = self.due_dates.get(str(cycle_year))
        if override is not None:
            return override
        return dt.date(cycle_year, self.due_month, self.due_day)


class SituationRules(Struct, frozen=True, kw_only=True):
    """What a plan's situation picture (lägesbild) must hold.

    The manager survey is one way of building the picture, so it is not required
    unless a programme says so.
    """

    required: bool = True
    police_assessment: bool = True
    survey: bool = False


class KindRules(Struct, frozen=True, kw_only=True):
    """A programme's requirements for one kind of organisation; unset fields fall back
    on the programme's own (the sections' `required` flags, `required_levels`,
    `situation`)."""

    required_sections: tuple[str, ...] | None = None
    required_levels: tuple[str, ...] | None = None
    situation: SituationRules | None = None


class Requirements(Struct, frozen=True, kw_only=True):
    """What completeness checks a plan against: its programme and its kind together."""

    required_sections: tuple[str, ...]
    required_levels: tuple[str, ...]
    situation: SituationRules


class Programme(Struct, frozen=True, kw_only=True):
    id: Slug
    name: Name
    short_name: str | None = None
    adopted_by: str | None = None
    adopted_on: dt.date | None = None
    sections: tuple[SectionSpec, ...]
    levels: tuple[Term, ...]
    themes: tuple[Term, ...]
    survey_questions: tuple[SurveyQuestion, ...]
    police_environments: tuple[Term, ...]
    required_levels: tuple[str, ...] = ()
    # The guideline's goals; an activity names the ones it serves by key.
    goals: tuple[Term, ...] = ()
    reporting_periods: tuple[PeriodTerm, ...] = ()
    cycle: RevisionCycle = field(default_factory=RevisionCycle)
    situation: SituationRules = field(default_factory=SituationRules)
    # What differs for a kind of organisation (a specialist committee is not a district).
    kind_rules: dict[OrganizationKind, KindRules] = field(default_factory=dict)

    def requirements(self, kind: OrganizationKind | None = None) -> Requirements:
        """The requirements for a plan of an organisation of `kind` (None: the defaults)."""
        rules = self.kind_rules.get(kind) if kind is not None else None
        sections = tuple(s.key for s in self.sections if s.required)
        return Requirements(
            required_sections=(
                rules.required_sections
                if rules is not None and rules.required_sections is not None
                else sections
            ),
            required_levels=(
                rules.required_levels
                if rules is not None and rules.required_levels is not None
                else self.required_levels
            ),
            situation=(
                rules.situation
                if rules is not None and rules.situation is not None
                else self.situation
            ),
        )

    def level_keys(self) -> frozenset[str]:
        return frozenset(t.key for t in self.levels)

    def theme_keys(self) -> frozenset[str]:
        return frozenset(t.key for t in self.themes)

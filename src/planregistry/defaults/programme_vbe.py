"""Stockholm's guideline against violent extremism as a `Programme` value."""

from __future__ import annotations

from planregistry_domain.programme import (
    KindRules,
    PeriodTerm,
    Programme,
    RevisionCycle,
    SectionSpec,
    SituationRules,
    SurveyQuestion,
    Term,
)
from planregistry_domain.vocabulary import OrganizationKind

VBE = Programme(
    id="vbe",
    name="Riktlinjer mot våldsbejakande extremism",
    short_name="Våldsbejakande extremism",
    adopted_by="Kommunfullmäktige, maj 2016",
    sections=(
        SectionSpec(key="introduction", heading="Inledning"),
        SectionSpec(key="definitions", heading="Definitioner", required=False),
        SectionSpec(
            key="scope",
            heading="Avgränsning",
            guidance="Vilka verksamheter planen omfattar och vilka som är undantagna.",
        ),
        SectionSpec(
            key="environments",
            heading="Olika våldsbejakande extremistmiljöer i Sverige",
            required=False,
        ),
        SectionSpec(
            key="situation",
            heading="Lokal lägesbild",
            guidance="Lägesbild tagen fram med berörda nämnder och i samarbete med polisen.",
        ),
        SectionSpec(key="prevention", heading="Förebyggande arbete"),
        SectionSpec(key="hindering", heading="Förhindrande arbete"),
        SectionSpec(key="relatives_support", heading="Stöd till anhöriga"),
        SectionSpec(key="collaboration", heading="Samverkan"),
        SectionSpec(key="training", heading="Utbildning"),
        SectionSpec(
            key="follow_up",
            heading="Uppföljning",
            guidance="Hur planen följs upp årligen och när nästa revidering sker.",
        ),
    ),
    levels=(
        Term(key="promoting", label="Främjande"),
        Term(key="preventing", label="Förebyggande"),
        Term(key="hindering", label="Förhindrande"),
        Term(key="protecting", label="Skyddande"),
    ),
    themes=(
        Term(key="exit_support", label="Avhopparverksamhet"),
        Term(key="relatives_support", label="Anhörigstöd"),
        Term(key="staff_training", label="Utbildning av medarbetare"),
        Term(key="association_grants", label="Föreningsbidrag och lokaluthyrning"),
        Term(key="information_sharing_police", label="Informationsutbyte med polisen"),
        Term(key="early_identification", label="Tidig upptäckt"),
        Term(key="youth_participation", label="Ungas delaktighet och egenmakt"),
        Term(key="democracy_trust", label="Tillit och demokrati"),
        Term(key="violence_prevention_leisure", label="Våldsförebyggande fritidsverksamhet"),
        Term(key="family_support", label="Familjestöd"),
        Term(key="school_attendance", label="Skolnärvaro"),
        Term(key="crime_prevention", label="Brottsförebyggande samverkan"),
        Term(key="child_welfare_reports", label="Orosanmälningar och utredning"),
        Term(key="social_inclusion", label="Motverka utanförskap"),
        Term(key="values_work", label="Värdegrundsarbete"),
        Term(key="childhood_conditions", label="Goda uppväxtvillkor"),
    ),
    survey_questions=(
        SurveyQuestion(
            key="observed_expressions",
            text="Har enheten sett några uttryck för våldsbejakande extremism i sin verksamhet?",
        ),
        SurveyQuestion(
            key="preventive_work",
            text="Arbetar enheten i dag förebyggande för att motverka våldsbejakande extremism?",
        ),
        SurveyQuestion(
            key="active_detection",
            text="Jobbar enheten aktivt för att upptäcka våldsbejakande extremism?",
        ),
        SurveyQuestion(key="exit_work", text="Jobbar enheten med avhopparverksamhet?"),
        SurveyQuestion(
            key="relatives_support",
            text="Ger enheten stöd till föräldrar och andra anhöriga i frågor som berör "
            "våldsbejakande extremism?",
        ),
        SurveyQuestion(
            key="sufficient_knowledge",
            text="Har enheten tillräcklig kunskap om vad våldsbejakande extremism är och hur "
            "den kan förebyggas och motverkas?",
        ),
    ),
    police_environments=(
        Term(key="white_power", label="Vit makt-miljön"),
        Term(key="autonomous", label="Den autonoma miljön"),
        Term(key="islamist", label="Den islamistiska extremistmiljön"),
        Term(key="lone_actors", label="Ensamagerande extremister"),
    ),
    required_levels=("preventing", "hindering"),
    # The guideline's aims as the areas its plans must cover (the sections above); the
    # wording is the registry's, for activities to be tied to by key. Relabelling a goal
    # here changes no plan, since plans store only its key.
    goals=(
        Term(
            key="structure",
            label="Tydlig ansvarsfördelning och struktur",
            description="En tydlig ansvarsfördelning och struktur för arbetet med att "
            "förebygga och motverka våldsbejakande extremism på lokal nivå.",
        ),
        Term(key="knowledge", label="Kunskap om våldsbejakande extremism hos medarbetare"),
        Term(key="prevention", label="Förebygga att barn och unga dras in i extremism"),
        Term(key="hindering", label="Förhindra rekrytering och ideologiskt motiverade brott"),
        Term(key="exit_support", label="Stöd till den som vill lämna en extremistisk miljö"),
        Term(key="relatives_support", label="Stöd till anhöriga"),
        Term(key="collaboration", label="Samverkan med polisen och andra aktörer"),
    ),
    reporting_periods=(
        PeriodTerm(key="T1", label="Tertialrapport 1"),
        PeriodTerm(key="T2", label="Tertialrapport 2"),
        PeriodTerm(key="VB", label="Verksamhetsberättelse"),
    ),
    cycle=RevisionCycle(interval_years=1, due_month=5, due_day=31, due_label="Tertialrapport 1"),
    # A district plans for its whole area from a local situation picture made with the
    # police. A specialist committee (e.g. arbetsmarknadsnämnden) plans for its own
    # commission: its efforts, staff training, grants and premises; the local
    # environments, the hindering work with the police and support to relatives are
    # the districts' part, so they are not required of it.
    kind_rules={
        OrganizationKind.SPECIALIST: KindRules(
            required_sections=("introduction", "prevention", "training", "follow_up"),
            required_levels=("preventing",),
            situation=SituationRules(required=False, police_assessment=False),
        ),
    },
)

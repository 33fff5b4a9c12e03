"""Deterministic national-scale data for benchmarks: `planregistry bench-data --orgs N`.

N organisations in ceil(N / 20) municipalities, each with a plan under the default
programme and six revisions that between them take every lifecycle state:

    1–3 superseded, 4 approved (in force), 5 rejected or withdrawn, 6 draft or awaiting_board

with the decisions that led there, about thirty activities per revision (stable keys,
themes and partners), eleven sections, a situation picture with survey counts and
police assessments, and follow-ups for every period of each once-approved revision.

Rows go in with bulk Core inserts (executemany), in one transaction, with ids taken
after the highest already stored, so the data can join an existing registry. Each
organisation draws from its own seeded generator: the same N and seed give the same
rows, whatever the database. Being benchmark data, not anyone's change, it bypasses the
use cases and writes no audit entries.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, func, insert, select, text

from planregistry.defaults.programme_vbe import VBE
from planregistry.storage.activities import ACTIVITY
from planregistry.storage.engine import writer
from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    ActivityThemeRow,
    Base,
    DecisionConditionRow,
    DecisionRow,
    FollowUpRow,
    MunicipalityRow,
    OrganizationRow,
    PlanRow,
    PoliceAssessmentRow,
    ProgrammeRow,
    RevisionRow,
    SectionRow,
    SituationRow,
    SurveyAnswerRow,
)
from planregistry_domain.activity_details import Indicator, TimeFrame
from planregistry_domain.commands import CreateActivity
from planregistry_domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    RevisionStatus,
)

ORGS_PER_MUNICIPALITY = 20
DISTRICTS_PER_MUNICIPALITY = 14
LAST_CYCLE_YEAR = 2026
ACTIVITIES_PER_REVISION = 30
CHUNK = 50  # organisations generated and inserted at a time, to bound memory

_MUNICIPALITIES = (
    "Ängelholm", "Östersund", "Västerås", "Gävle", "Örebro", "Luleå", "Jönköping", "Malmö",
    "Göteborg", "Umeå", "Borås", "Norrköping", "Linköping", "Sundsvall", "Växjö", "Karlstad",
    "Skövde", "Trollhättan", "Nyköping", "Härnösand", "Mölndal", "Hässleholm", "Söderhamn",
    "Örnsköldsvik", "Kalmar", "Halmstad", "Uppsala", "Eskilstuna", "Södertälje", "Täby",
)  # fmt: skip
_DISTRICTS = (
    "Centrum", "Norr", "Söder", "Öster", "Väster", "Åkerby", "Älvdalen", "Björkhagen",
    "Sjöstaden", "Ängsbacka", "Hägerby", "Tallåsen", "Gärdet", "Lövholmen",
)  # fmt: skip
_SPECIALISTS = (
    ("Socialförvaltningen", "Socialnämnden"),
    ("Utbildningsförvaltningen", "Utbildningsnämnden"),
    ("Idrottsförvaltningen", "Idrottsnämnden"),
    ("Kulturförvaltningen", "Kulturnämnden"),
    ("Arbetsmarknadsförvaltningen", "Arbetsmarknadsnämnden"),
    ("Miljöförvaltningen", "Miljö- och hälsoskyddsnämnden"),
)
_TITLES = (
    "Utbildning för medarbetare om våldsbejakande extremism",
    "Samverkan med polisen enligt samverkansöverenskommelsen",
    "Stöd till anhöriga till personer i våldsbejakande miljöer",
    "Granskning av föreningsbidrag och lokaluthyrning",
    "Föräldraträffar om ungas nätvanor",
    "Fältassistenter på kvällar och helger",
    "Avhopparverksamhet i samverkan med socialtjänsten",
    "Värdegrundsarbete på fritidsgårdarna",
    "Tidig upptäckt genom orosanmälningar",
    "Trygghetsvandringar i utvecklingsområdena",
    "Dialogmöten med trossamfund och föreningar",
    "Sommarjobb och praktik för unga",
    "Informationsutbyte i lokala brottsförebyggande rådet",
    "Kartläggning av lokal lägesbild tillsammans med polisen",
    "Insatser för ökad skolnärvaro",
)
_PARTNERS = (
    "Polis", "Civilsamhället", "Utbildningsförvaltningen", "Region/Landstinget", "Rädda Barnen",
    "Stadsledningskontoret", "Samfund", "Föreningar", "Kronofogden", "Skatteverket",
    "Socialtjänsten", "Fältassistenterna", "Bostadsbolagen", "Försäkringskassan",
)  # fmt: skip
_METHODS = ("Uppföljning i ILS", "Enligt samverkansavtal med polisen", "Verksamhetsberättelse")
_LEVEL_WEIGHTS = {"promoting": 20, "preventing": 45, "hindering": 25, "protecting": 10}
_FOLLOW_UP_WEIGHTS = {
    FollowUpStatus.DONE: 35,
    FollowUpStatus.ONGOING: 35,
    FollowUpStatus.NOT_STARTED: 10,
    FollowUpStatus.POSTPONED: 12,
    FollowUpStatus.DISCONTINUED: 8,
}
_POLICE_WEIGHTS = {
    EnvironmentActivity.NOT_ACTIVE: 55,
    EnvironmentActivity.ACTIVE: 25,
    EnvironmentActivity.UNKNOWN: 20,
}
_PERIOD_REPORTED = {"T1": (5, 15), "T2": (9, 15), "VB": (13, 31)}  # month (13 = next Jan), day

S = RevisionStatus
B = DecisionBody
O = DecisionOutcome  # noqa: E741


class BenchSummary(msgspec.Struct, kw_only=True):
    organizations: int
    municipalities: int
    revisions: int
    activities: int
    follow_ups: int
    seconds: float


_ID_TABLES = (PlanRow, RevisionRow, SectionRow, ActivityRow, FollowUpRow, DecisionRow)
_SEQUENCED = tuple(t.__tablename__ for t in _ID_TABLES)


class _Ids:
    """Next free integer id per table, after whatever is already stored."""

    def __init__(self, conn: Connection) -> None:
        self.next = {
            t.__tablename__: (conn.scalar(select(func.max(t.id))) or 0) + 1 for t in _ID_TABLES
        }

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class _Batch:
    """Rows per table for one chunk of organisations, inserted table by table."""

    def __init__(self) -> None:
        self.rows: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, table: str, **row: Any) -> None:
        self.rows[table].append(row)

    def flush(self, conn: Connection) -> None:
        for table in Base.metadata.sorted_tables:  # parents before children
            rows = self.rows.pop(table.name, None)
            if rows:
                conn.execute(insert(table), rows)


def generate(
    engine: Engine,
    orgs: int,
    *,
    seed: int = 1,
    last_year: int = LAST_CYCLE_YEAR,
    progress: Callable[[int], None] | None = None,
) -> BenchSummary:
    """Fill a migrated database with `orgs` organisations' plans (see the module doc)."""
    started = time.perf_counter()
    municipalities = math.ceil(orgs / ORGS_PER_MUNICIPALITY)
    counts: defaultdict[str, int] = defaultdict(int)
    with writer(engine).begin() as conn:
        _ensure_programme(conn)
        ids = _Ids(conn)
        batch = _Batch()
        for m in range(municipalities):
            batch.add(MunicipalityRow.__tablename__, id=_municipality_id(m), name=_municipality(m))
        for first in range(0, orgs, CHUNK):
            for index in range(first, min(first + CHUNK, orgs)):
                _organization(batch, ids, index, random.Random(f"{seed}:{index}"), last_year)
            for name, rows in batch.rows.items():
                counts[name] += len(rows)
            batch.flush(conn)
            if progress is not None:
                progress(min(first + CHUNK, orgs))
        _after_bulk_load(conn)
    return BenchSummary(
        organizations=orgs,
        municipalities=municipalities,
        revisions=counts[RevisionRow.__tablename__],
        activities=counts[ActivityRow.__tablename__],
        follow_ups=counts[FollowUpRow.__tablename__],
        seconds=round(time.perf_counter() - started, 1),
    )


def _ensure_programme(conn: Connection) -> None:
    if conn.scalar(select(ProgrammeRow.id).where(ProgrammeRow.id == VBE.id)) is None:
        conn.execute(
            insert(ProgrammeRow),
            [{"id": VBE.id, "name": VBE.name, "definition": msgspec.to_builtins(VBE)}],
        )


def _after_bulk_load(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Ids were given explicitly: move each sequence past them for later inserts.
        for name in _SEQUENCED:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
            )
    # Fresh statistics, so the planner knows the tables are no longer empty.
    conn.execute(text("ANALYZE"))


def _municipality_id(m: int) -> str:
    return f"bench-{m + 1:04d}"


def _municipality(m: int) -> str:
    base = _MUNICIPALITIES[m % len(_MUNICIPALITIES)]
    round_ = m // len(_MUNICIPALITIES)
    return f"{base}s kommun" if round_ == 0 else f"{base}s kommun {round_ + 1}"


def _stamp(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), dt.UTC) + dt.timedelta(
        minutes=rng.randrange(600)
    )


def _organization(batch: _Batch, ids: _Ids, index: int, rng: random.Random, last_year: int) -> None:
    m, k = divmod(index, ORGS_PER_MUNICIPALITY)
    municipality = _municipality_id(m)
    org_id = f"{municipality}-{k + 1:02d}"
    place = _municipality(m).removesuffix(" kommun").removesuffix("s")
    if k < DISTRICTS_PER_MUNICIPALITY:
        district = _DISTRICTS[k % len(_DISTRICTS)]
        name, committee = f"{district} stadsdelsförvaltning", f"{district} stadsdelsnämnd"
        kind = OrganizationKind.DISTRICT
    else:
        name, committee = _SPECIALISTS[(k - DISTRICTS_PER_MUNICIPALITY) % len(_SPECIALISTS)]
        kind = OrganizationKind.SPECIALIST
    in_force_year = last_year - (1 if rng.random() < 0.4 else 0)
    created = _stamp(dt.date(in_force_year - 4, 9, 1), rng)
    batch.add(
        OrganizationRow.__tablename__,
        id=org_id,
        municipality_id=municipality,
        name=f"{name} ({place})",
        kind=kind.value,
        committee=committee,
        coordinators=[],
        version=1,
        created_at=created,
        updated_at=created,
    )
    plan_id = ids.take(PlanRow.__tablename__)
    batch.add(
        PlanRow.__tablename__,
        id=plan_id,
        organization_id=org_id,
        programme_id=VBE.id,
        created_at=created,
        updated_at=created,
    )
    _Plan(batch, ids, rng, plan_id, in_force_year, last_year).revisions()


class _Plan:
    """One plan's six revisions; activity keys carry over from one revision to the next."""

    def __init__(
        self,
        batch: _Batch,
        ids: _Ids,
        rng: random.Random,
        plan_id: int,
        in_force_year: int,
        last_year: int,
    ) -> None:
        self.batch, self.ids, self.rng = batch, ids, rng
        self.plan_id, self.in_force_year, self.last_year = plan_id, in_force_year, last_year
        self.activities: dict[str, CreateActivity] = {}
        self.next_key = 1
        # The richer details are drawn apart, so that a seed still gives the same plans.
        self.details = random.Random(f"{plan_id}:details")

    def revisions(self) -> None:
        y = self.in_force_year
        final = self.rng.choice((S.REJECTED, S.WITHDRAWN))
        current = self.rng.choice((S.DRAFT, S.AWAITING_BOARD))
        plan: list[tuple[int, RevisionStatus]] = [
            (y - 3, S.SUPERSEDED),
            (y - 2, S.SUPERSEDED),
            (y - 1, S.SUPERSEDED),
            (y, S.APPROVED),
            (y + 1, final),
            (y + 1, current),
        ]
        previous_approved: int | None = None
        for number, (year, status) in enumerate(plan, start=1):
            revision_id = self.ids.take(RevisionRow.__tablename__)
            self._revision(revision_id, number, year, status, previous_approved)
            if status in (S.SUPERSEDED, S.APPROVED):
                previous_approved = revision_id

    def _revision(
        self, revision_id: int, number: int, year: int, status: RevisionStatus, based_on: int | None
    ) -> None:
        rng = self.rng
        created = _stamp(dt.date(year - 1, 10, rng.randint(1, 28)), rng)
        with_conditions = status in (S.SUPERSEDED, S.APPROVED) and rng.random() < 0.15
        self.batch.add(
            RevisionRow.__tablename__,
            id=revision_id,
            plan_id=self.plan_id,
            number=number,
            label=f"Vers. {number}, reviderad för {year}",
            cycle_year=year,
            status=status.value,
            based_on_id=based_on,
            case_numbers=[f"1.2.3-{rng.randint(100, 999)}/{year}"],
            scope_exclusions=[],
            priority_areas=rng.sample(_DISTRICTS, 2),
            conditions_response="Villkoren är besvarade i avsnittet Uppföljning."
            if number > 1
            else None,
            version=rng.randint(3, 40),
            created_at=created,
            updated_at=created,
        )
        self._sections(revision_id, year)
        self._situation(revision_id, year)
        activity_ids = self._activities(revision_id, created)
        self._decisions(revision_id, year, status, with_conditions)
        if status in (S.SUPERSEDED, S.APPROVED):
            current = status is S.APPROVED and year == self.last_year
            periods = ("T1", "T2") if current else ("T1", "T2", "VB")
            self._follow_ups(activity_ids, year, periods)

    def _sections(self, revision_id: int, year: int) -> None:
        for position, spec in enumerate(VBE.sections):
            self.batch.add(
                SectionRow.__tablename__,
                id=self.ids.take(SectionRow.__tablename__),
                revision_id=revision_id,
                position=position,
                key=spec.key,
                heading=spec.heading,
                body=f"{spec.heading} för {year}. {spec.guidance or ''} "
                "Förvaltningen arbetar främjande, förebyggande och förhindrande mot "
                "våldsbejakande extremism i samverkan med polisen och civilsamhället.",
            )

    def _situation(self, revision_id: int, year: int) -> None:
        rng = self.rng
        self.batch.add(
            SituationRow.__tablename__,
            revision_id=revision_id,
            compiled_on=dt.date(year - 1, 11, rng.randint(1, 30)),
            sources=["Enkät till förvaltningens chefer", "Polisens lägesbild"],
            confidential=rng.random() < 0.05,
            summary="Enkäten visar få uttryck för våldsbejakande extremism i verksamheterna.",
        )
        for position, question in enumerate(VBE.survey_questions):
            respondents = rng.randint(15, 120)
            counted = rng.random() >= 0.1  # some plans report findings without counts
            yes = rng.randint(0, respondents) if counted else None
            no = rng.randint(0, respondents - yes) if yes is not None else None
            self.batch.add(
                SurveyAnswerRow.__tablename__,
                revision_id=revision_id,
                question_key=question.key,
                position=position,
                finding=f"Svaren på frågan om {question.key.replace('_', ' ')} är blandade.",
                yes_count=yes,
                no_count=no,
                respondents=respondents if counted else None,
            )
        for position, environment in enumerate(VBE.police_environments):
            (status,) = rng.choices(list(_POLICE_WEIGHTS), weights=list(_POLICE_WEIGHTS.values()))
            self.batch.add(
                PoliceAssessmentRow.__tablename__,
                revision_id=revision_id,
                environment=environment.key,
                position=position,
                status=status.value,
                text=f"Polisens bedömning av {environment.label.lower()}.",
            )

    def _activities(self, revision_id: int, created: dt.datetime) -> list[int]:
        rng = self.rng
        keys = list(self.activities)
        if keys:  # a revision keeps most of its predecessor's activities (same keys)
            for key in rng.sample(keys, rng.randint(0, 2)):
                del self.activities[key]
        while len(self.activities) < ACTIVITIES_PER_REVISION + rng.randint(-2, 2):
            self.activities[f"aktivitet-{self.next_key:03d}"] = self._new_activity()
            self.next_key += 1
        activity_ids: list[int] = []
        for position, (key, spec) in enumerate(self.activities.items()):
            activity_id = self.ids.take(ActivityRow.__tablename__)
            activity_ids.append(activity_id)
            self.batch.add(
                ActivityRow.__tablename__,
                id=activity_id,
                revision_id=revision_id,
                key=key,
                position=position,
                version=1,
                updated_at=created,
                **ACTIVITY.stored(spec),
            )
            for theme_position, theme in enumerate(spec.themes):
                self.batch.add(
                    ActivityThemeRow.__tablename__,
                    activity_id=activity_id,
                    theme=theme,
                    position=theme_position,
                )
            for partner_position, partner in enumerate(spec.partners):
                self.batch.add(
                    ActivityPartnerRow.__tablename__,
                    activity_id=activity_id,
                    position=partner_position,
                    partner=partner,
                )
        return activity_ids

    def _new_activity(self) -> CreateActivity:
        rng = self.rng
        (level,) = rng.choices(list(_LEVEL_WEIGHTS), weights=list(_LEVEL_WEIGHTS.values()))
        # Drawn in this order so that a seed keeps giving the same data.
        title = rng.choice(_TITLES)
        method = rng.choice(_METHODS)
        target_group = rng.choice(("Unga 13–17 år", "Unga vuxna 18–29 år", None))
        areas = rng.sample(_DISTRICTS, rng.randint(0, 2))
        return CreateActivity(
            title=title,
            description="Aktiviteten genomförs under året och följs upp per tertial.",
            level=level,
            responsible="Förvaltningen",
            follow_up_method=method,
            target_group=target_group,
            areas=areas,
            themes=rng.sample([t.key for t in VBE.themes], rng.randint(1, 3)),
            partners=rng.sample(_PARTNERS, rng.randint(1, 4)),
            **self._details(),
        )

    def _details(self) -> dict[str, Any]:
        """Goals, a time frame and an indicator for about half of the activities."""
        details = self.details
        if details.random() < 0.5:
            return {}
        start = dt.date(2016 + details.randrange(8), 1 + details.randrange(12), 1)
        ongoing = details.random() < 0.5
        end = None if ongoing else start + dt.timedelta(days=details.randrange(90, 720))
        return {
            "goals": details.sample([g.key for g in VBE.goals], details.randint(1, 2)),
            "time_frame": TimeFrame(start=start, end=end, ongoing=ongoing),
            "contact_role": details.choice(("Samordnare", "Enhetschef", "Fältassistent")),
            "indicators": [Indicator(key="deltagare", name="Antal deltagare", unit="personer")],
        }

    def _decisions(
        self, revision_id: int, year: int, status: RevisionStatus, with_conditions: bool
    ) -> None:
        rng = self.rng
        committee_on = dt.date(year, 3, rng.randint(1, 28))
        board_on = dt.date(year, rng.choice((4, 5, 6)), rng.randint(1, 28))
        steps: list[tuple[DecisionBody, DecisionOutcome, dt.date, S, S]] = []
        if status in (S.SUPERSEDED, S.APPROVED, S.REJECTED, S.AWAITING_BOARD):
            steps.append((B.COMMITTEE, O.APPROVED, committee_on, S.DRAFT, S.AWAITING_BOARD))
        if status in (S.SUPERSEDED, S.APPROVED):
            outcome = O.APPROVED_WITH_CONDITIONS if with_conditions else O.APPROVED
            steps.append((B.CITY_EXECUTIVE_BOARD, outcome, board_on, S.AWAITING_BOARD, S.APPROVED))
        elif status is S.REJECTED:
            steps.append(
                (B.CITY_EXECUTIVE_BOARD, O.REJECTED, board_on, S.AWAITING_BOARD, S.REJECTED)
            )
        elif status is S.WITHDRAWN:
            steps.append((B.COMMITTEE, O.WITHDRAWN, committee_on, S.DRAFT, S.WITHDRAWN))
        elif status is S.DRAFT and rng.random() < 0.3:
            steps.append((B.COMMITTEE, O.RETURNED, committee_on, S.DRAFT, S.DRAFT))
        for body, outcome, decided_on, before, after in steps:
            decision_id = self.ids.take(DecisionRow.__tablename__)
            if outcome is O.APPROVED_WITH_CONDITIONS:
                # The board's conditions, each a row the next revision answers.
                self.batch.add(
                    DecisionConditionRow.__tablename__,
                    decision_id=decision_id,
                    position=1,
                    text="Planen ska kompletteras med en tydligare lägesbild.",
                )
            self.batch.add(
                DecisionRow.__tablename__,
                id=decision_id,
                revision_id=revision_id,
                body=body.value,
                outcome=outcome.value,
                decided_on=decided_on,
                case_number=f"1.2.3-{rng.randint(100, 999)}/{year}",
                minutes_ref=f"§ {rng.randint(1, 40)}",
                conditions="Planen ska kompletteras med en tydligare lägesbild."
                if outcome is O.APPROVED_WITH_CONDITIONS
                else None,
                status_before=before.value,
                status_after=after.value,
                recorded_by="Central samordnare"
                if body is B.CITY_EXECUTIVE_BOARD
                else "Samordnare",
                recorded_at=_stamp(decided_on, rng),
            )

    def _follow_ups(self, activity_ids: list[int], year: int, periods: tuple[str, ...]) -> None:
        rng = self.rng
        statuses, weights = list(_FOLLOW_UP_WEIGHTS), list(_FOLLOW_UP_WEIGHTS.values())
        for period in periods:
            month, day = _PERIOD_REPORTED[period]
            due = dt.date(year + 1, 1, day) if month == 13 else dt.date(year, month, day)
            for activity_id in activity_ids:
                if rng.random() < 0.1:
                    continue  # not reported this period
                # Now and then a first report is corrected later: the latest one counts.
                reports = 2 if rng.random() < 0.05 else 1
                for n in range(reports):
                    (status,) = rng.choices(statuses, weights=weights)
                    self.batch.add(
                        FollowUpRow.__tablename__,
                        id=self.ids.take(FollowUpRow.__tablename__),
                        activity_id=activity_id,
                        period=f"{year}-{period}",
                        status=status.value,
                        comment=None if n == 0 else "Rättad uppgift.",
                        reported_by="Samordnare",
                        reported_at=_stamp(due + dt.timedelta(days=n * 7), rng),
                    )

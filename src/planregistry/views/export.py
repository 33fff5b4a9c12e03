"""Any comparison view as one table: Swedish column headings and one row per view row.

The CSV and Excel writers (`planregistry.views.formats`) only see a `Table`, so every
view is laid out once, here. Labels come from the programme (levels, themes, survey
questions, police environments) and from the vocabulary (kinds, statuses).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from functools import singledispatch
from typing import Any

from msgspec import Struct

from planregistry_domain import comparisons as cmp
from planregistry_domain.programme import Term


class ColumnKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    SHARE = "share"  # a fraction 0–1, shown as a percentage in Excel
    DATE = "date"
    YES_NO = "yes_no"


Cell = str | int | float | bool | dt.date | None


class Column(Struct, frozen=True, kw_only=True):
    heading: str
    kind: ColumnKind = ColumnKind.TEXT


class Table(Struct, kw_only=True):
    """A view laid out for people: `name` names the sheet and the file."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    # What the table was taken with: the filters and the date, as (label, value).
    about: list[tuple[str, str]]


# Short names for the layouts below.
NUM, SHARE, DATE, YES_NO = (
    ColumnKind.INTEGER,
    ColumnKind.SHARE,
    ColumnKind.DATE,
    ColumnKind.YES_NO,
)


def _organization_columns() -> list[Column]:
    return [
        Column(heading="Organisations-id"),
        Column(heading="Organisation"),
        Column(heading="Typ"),
        Column(heading="Kommun"),
        Column(heading="Program"),
    ]


def _organization_cells(row: cmp.OrganizationColumns) -> list[Cell]:
    return [
        row.organization_id,
        row.organization_name,
        row.kind.label,
        row.municipality,
        row.programme_id,
    ]


def _revision_columns() -> list[Column]:
    return [
        Column(heading="Revision", kind=NUM),
        Column(heading="Cykelår", kind=NUM),
        Column(heading="Revisionens status"),
    ]


def _revision_cells(ref: cmp.RevisionRef | None) -> list[Cell]:
    if ref is None:
        return [None, None, None]
    return [ref.number, ref.cycle_year, ref.status.label]


def _about(view: Any) -> list[tuple[str, str]]:
    f: cmp.ComparisonFilter = view.filters
    basis = {cmp.Basis.IN_FORCE: "Gällande revision", cmp.Basis.LATEST: "Senaste revision"}
    about = [
        ("Uttaget", view.today.isoformat()),
        ("Program", f.programme or "alla"),
        ("Kommun", f.municipality or "alla"),
        ("Typ", f.kind.label if f.kind else "alla"),
        ("Cykelår", str(f.cycle_year) if f.cycle_year else "alla"),
    ]
    if isinstance(view, cmp.CoverageView | cmp.PartnerMatrix | cmp.SituationComparison):
        about.append(("Underlag", basis[f.basis]))
    if isinstance(view, cmp.FollowUpProgress):
        about.append(("Period", f.period or "alla"))
    return about


@singledispatch
def table(view: Any) -> Table:
    """The view as a table of Swedish columns; every view type has its layout below."""
    raise TypeError(f"No table layout for {type(view).__name__}")


@table.register
def _status(view: cmp.StatusBoard) -> Table:
    columns = [
        *_organization_columns(),
        Column(heading="Gällande revision", kind=NUM),
        Column(heading="Gällande cykelår", kind=NUM),
        Column(heading="Godkänd av KS", kind=DATE),
        Column(heading="Pågående revision", kind=NUM),
        Column(heading="Pågående cykelår", kind=NUM),
        Column(heading="Status"),
        Column(heading="Nästa revidering", kind=DATE),
        Column(heading="Försenad", kind=YES_NO),
    ]
    rows: list[list[Cell]] = []
    for row in view.rows:
        f, o = row.in_force, row.in_progress
        rows.append(
            [
                *_organization_cells(row),
                f.number if f else None,
                f.cycle_year if f else None,
                f.approved_on if f else None,
                o.number if o else None,
                o.cycle_year if o else None,
                o.status.label if o else None,
                row.next_due,
                row.overdue,
            ]
        )
    return Table(
        name="status",
        title="Statustavla",
        columns=columns,
        rows=rows,
        about=_about(view),
    )


def _count_columns(prefix: str, terms: Sequence[Term]) -> list[Column]:
    return [Column(heading=f"{prefix}: {t.label}", kind=NUM) for t in terms]


@table.register
def _coverage(view: cmp.CoverageView) -> Table:
    columns = [
        *_organization_columns(),
        *_revision_columns(),
        Column(heading="Aktiviteter", kind=NUM),
        *_count_columns("Nivå", view.levels),
        *_count_columns("Tema", view.themes),
    ]
    rows: list[list[Cell]] = [
        [
            *_organization_cells(row),
            *_revision_cells(row.revision),
            row.activities,
            *(row.levels.get(t.key) for t in view.levels),
            *(row.themes.get(t.key) for t in view.themes),
        ]
        for row in view.rows
    ]
    return Table(
        name="coverage",
        title="Aktivitetstäckning",
        columns=columns,
        rows=rows,
        about=_about(view),
    )


# Partners get a column each up to this many (those most organisations name); the rest
# are counted together, so a registry naming thousands of partners still fits a sheet
# (Excel stops at 16,384 columns) and stays readable.
MAX_PARTNER_COLUMNS = 100
OTHER_PARTNERS = "Övriga samverkanspartner (antal)"


@table.register
def _partners(view: cmp.PartnerMatrix) -> Table:
    shown = [p.partner for p in view.partners[:MAX_PARTNER_COLUMNS]]
    others = len(view.partners) - len(shown)
    columns = [
        *_organization_columns(),
        *_revision_columns(),
        Column(heading="Aktiviteter", kind=NUM),
        *(Column(heading=p, kind=NUM) for p in shown),
        *([Column(heading=OTHER_PARTNERS, kind=NUM)] if others else []),
    ]
    rows: list[list[Cell]] = [
        [
            *_organization_cells(row),
            *_revision_cells(row.revision),
            row.activities,
            *(row.partners.get(p, 0) for p in shown),
            *([len(row.partners.keys() - set(shown))] if others else []),
        ]
        for row in view.rows
    ]
    about = _about(view)
    if others:
        about.append(
            (
                "Samverkanspartner",
                f"de {len(shown)} som flest organisationer nämner har en kolumn var; "
                f"övriga {others} räknas per organisation i kolumnen ”{OTHER_PARTNERS}”",
            )
        )
    return Table(
        name="partners", title="Samverkanspartner", columns=columns, rows=rows, about=about
    )


@table.register
def _situation(view: cmp.SituationComparison) -> Table:
    columns = [
        *_organization_columns(),
        *_revision_columns(),
        Column(heading="Lägesbild upprättad", kind=DATE),
        Column(heading="Sekretess", kind=YES_NO),
        Column(heading="Undanhållen", kind=YES_NO),
    ]
    for q in view.questions:
        columns += [
            Column(heading=f"{q.text} – andel ja", kind=SHARE),
            Column(heading=f"{q.text} – ja", kind=NUM),
            Column(heading=f"{q.text} – nej", kind=NUM),
            Column(heading=f"{q.text} – svarande", kind=NUM),
            Column(heading=f"{q.text} – iakttagelse"),
        ]
    for env in view.environments:
        columns += [
            Column(heading=f"{env.label} – polisens bedömning"),
            Column(heading=f"{env.label} – kommentar"),
        ]
    rows: list[list[Cell]] = []
    for row in view.rows:
        survey = {s.question_key: s for s in row.survey}
        police = {p.environment: p for p in row.police}
        cells: list[Cell] = [
            *_organization_cells(row),
            *_revision_cells(row.revision),
            row.compiled_on,
            row.confidential if row.has_situation else None,
            row.withheld if row.has_situation else None,
        ]
        for q in view.questions:
            s = survey.get(q.key)
            cells += (
                [s.share_yes, s.yes_count, s.no_count, s.respondents, s.finding]
                if s
                else [None] * 5
            )
        for env in view.environments:
            p = police.get(env.key)
            status = p.status.label if p and p.status else None
            cells += [status, p.text if p else None]
        rows.append(cells)
    return Table(
        name="situation",
        title="Lägesbilder",
        columns=columns,
        rows=rows,
        about=_about(view),
    )


@table.register
def _follow_up(view: cmp.FollowUpProgress) -> Table:
    columns = [
        *_organization_columns(),
        Column(heading="Period"),
        *_revision_columns(),
        Column(heading="Aktiviteter", kind=NUM),
    ]
    for status in view.statuses:
        columns += [
            Column(heading=status.label, kind=NUM),
            Column(heading=f"{status.label} (andel)", kind=SHARE),
        ]
    rows: list[list[Cell]] = []
    for row in view.rows:
        cells: list[Cell] = [
            *_organization_cells(row),
            row.period,
            *_revision_cells(row.revision),
            row.activities,
        ]
        for status in view.statuses:
            cells += [row.counts.get(status.key), row.shares.get(status.key)]
        rows.append(cells)
    return Table(
        name="follow-up",
        title="Uppföljning per period",
        columns=columns,
        rows=rows,
        about=_about(view),
    )

"""The activity aggregate in storage: its row, its themes and partners, and the struct.

Every reader and writer of an activity (the use cases, the revision reader, a new
revision's copy, the backup, the benchmark generator) goes through `ACTIVITY`, so a
field stored in a column of the same name needs no change here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from msgspec import UNSET

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import ActivityPartnerRow, ActivityRow, ActivityThemeRow
from planregistry_domain.commands import CreateActivity, UpdateActivity
from planregistry_domain.model import Activity

ACTIVITY = RowMap(Activity, ActivityRow)


def activity(row: ActivityRow) -> Activity:
    """The activity of a row loaded with its themes and partners."""
    return ACTIVITY.read(
        row,
        {"themes": [t.theme for t in row.themes], "partners": [p.partner for p in row.partners]},
    )


def new_row(source: CreateActivity | Activity, **server: Any) -> ActivityRow:
    """The rows of a new activity from a command or a stored activity; `server` sets what
    the server owns (revision, key, position, version, time) over the source's values."""
    return ACTIVITY.new_row(
        source, themes=theme_rows(source.themes), partners=partner_rows(source.partners), **server
    )


def apply(row: ActivityRow, command: UpdateActivity) -> None:
    """Set what the update sets (`position` is a move: see the use case)."""
    for column, value in ACTIVITY.stored(command, exclude=("position",)).items():
        setattr(row, column, value)
    if command.themes is not UNSET:
        row.themes = theme_rows(command.themes)
    if command.partners is not UNSET:
        row.partners = partner_rows(command.partners)


def theme_rows(themes: Iterable[str]) -> list[ActivityThemeRow]:
    return [ActivityThemeRow(theme=t, position=i) for i, t in enumerate(themes)]


def partner_rows(partners: Iterable[str]) -> list[ActivityPartnerRow]:
    return [ActivityPartnerRow(position=i, partner=p) for i, p in enumerate(partners)]

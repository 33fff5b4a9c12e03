"""Organisations over time: when one existed, and which views show it.

Districts are merged and renamed. An organisation that ended keeps its plans and its
name for the years it existed; the one that took over (its `successor`) is a new
organisation with its own plans. So a view of a cycle year shows the organisations
that existed in that year (a merged district under its own name), and a view of now
shows those that exist today (the successor, not the districts it replaced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planregistry_domain.errors import FieldError, ValidationError


def existed_during(
    valid_from: dt.date | None, valid_to: dt.date | None, start: dt.date, end: dt.date
) -> bool:
    """Whether an organisation valid `valid_from`–`valid_to` (inclusive, open where null)
    existed at some time between `start` and `end` (inclusive)."""
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


def shown_in_view(
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    *,
    today: dt.date,
    cycle_year: int | None,
) -> bool:
    """A view of `cycle_year` shows who existed that year; a view of now, who exists today."""
    if cycle_year is None:
        return existed_during(valid_from, valid_to, today, today)
    return existed_during(
        valid_from, valid_to, dt.date(cycle_year, 1, 1), dt.date(cycle_year, 12, 31)
    )


def check_history(
    org_id: str,
    municipality: str,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    successor: str | None,
    *,
    successor_municipality: str | None,
    successors: Mapping[str, str | None],
) -> None:
    """Refuse a validity period or successor that cannot be true.

    `successor_municipality` is the successor's municipality (None when it does not
    exist; one in another municipality is refused as if it did not); `successors` maps
    every organisation id of the municipality to its successor as stored, so that a
    chain leading back to `org_id` is refused.
    """
    errors: list[FieldError] = []
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors.append(
            FieldError(path="$.valid_to", message="Slutdatum kan inte ligga före startdatum.")
        )
    if successor is not None:
        if successor == org_id:
            errors.append(
                FieldError(
                    path="$.successor", message="En organisation kan inte efterträda sig själv."
                )
            )
        elif successor_municipality != municipality:
            # Another municipality's organisation is as unknown here as a missing one.
            errors.append(
                FieldError(path="$.successor", message=f"Organisationen {successor!r} finns inte.")
            )
        elif _leads_back(org_id, successor, successors):
            errors.append(
                FieldError(
                    path="$.successor",
                    message="Efterträdarna skulle bilda en cirkel tillbaka till organisationen.",
                )
            )
        if valid_to is None:
            errors.append(
                FieldError(
                    path="$.valid_to",
                    message="En organisation med efterträdare måste ha ett slutdatum.",
                )
            )
    if errors:
        raise ValidationError(
            "Organisationens giltighetstid eller efterträdare är ogiltig.", errors
        )


def _leads_back(org_id: str, successor: str, successors: Mapping[str, str | None]) -> bool:
    seen: set[str] = set()
    current: str | None = successor
    while current is not None and current not in seen:
        if current == org_id:
            return True
        seen.add(current)
        current = successors.get(current)
    return False

"""What a central coordinator asks of every activity beyond its level and actors.

When it runs (`TimeFrame`), what is measured at follow-up (`Indicator`) and the value
measured for a period (`Measurement`); and the rules that tie them to the programme's
goals and to the activity's own indicators. Every field is optional: a plan that says
nothing of them (the seed plan) stays valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Annotated

from msgspec import Meta, Struct

from planregistry_domain.constraints import Name, ShortText, Slug
from planregistry_domain.errors import FieldError
from planregistry_domain.programme import Programme

# A measured value: a count, a share or an amount; bounded so that it stays a number.
MeasuredValue = Annotated[float, Meta(ge=-1e12, le=1e12)]


class TimeFrame(Struct, kw_only=True, forbid_unknown_fields=True):
    """When an activity runs: from `start`, until `end`, or `ongoing` (no end).

    At least one of them is given; an ongoing activity has no end, and an end never
    comes before the start. A time frame as read can be sent back as it is.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    ongoing: bool = False

    def __post_init__(self) -> None:
        if self.start is None and self.end is None and not self.ongoing:
            raise ValueError("Tidsramen är tom: ange start, slut eller att den är löpande")
        if self.ongoing and self.end is not None:
            raise ValueError("En löpande aktivitet har inget slutdatum")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("Tidsramens slut ligger före dess start")

    def text_sv(self) -> str:
        """`2017-09-01–2018-06-30`, `från 2017-09-01, löpande`, `till 2018-06-30`, `löpande`."""
        start, end = self.start, self.end
        if start is not None and end is not None:
            return f"{start.isoformat()}–{end.isoformat()}"
        parts = [f"från {start.isoformat()}"] if start else []
        parts += [f"till {end.isoformat()}"] if end else []
        parts += ["löpande"] if self.ongoing else []
        return ", ".join(parts)


class Indicator(Struct, kw_only=True, forbid_unknown_fields=True):
    """What is measured at follow-up, e.g. `deltagare`: "Antal deltagare" in "personer"."""

    key: Slug
    name: Name
    unit: ShortText | None = None

    def text_sv(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


class Measurement(Struct, kw_only=True, forbid_unknown_fields=True):
    """The value one of the activity's indicators had in a follow-up period."""

    indicator: Slug
    value: MeasuredValue


def goal_errors(goals: Sequence[str], programme: Programme) -> list[FieldError]:
    """Goals must be the programme's, each named once."""
    known = {g.key for g in programme.goals}
    errors: list[FieldError] = []
    for index, goal in enumerate(goals):
        path = f"$.goals[{index}]"
        if goal not in known:
            allowed = ", ".join(sorted(known)) or "(programmet har inga mål)"
            message = f"Okänt mål {goal!r} i programmet {programme.id!r}; tillåtna: {allowed}."
            errors.append(FieldError(path=path, message=message))
        elif goal in goals[:index]:
            errors.append(FieldError(path=path, message=f"Målet {goal!r} anges två gånger."))
    return errors


def indicator_errors(indicators: Sequence[Indicator]) -> list[FieldError]:
    """An indicator's key names it in follow-up, so keys are unique within the activity."""
    keys = [i.key for i in indicators]
    return [
        FieldError(path=f"$.indicators[{index}].key", message=f"Indikatorn {key!r} finns redan.")
        for index, key in enumerate(keys)
        if key in keys[:index]
    ]


def measurement_errors(
    measurements: Sequence[Measurement], indicators: Iterable[str]
) -> list[FieldError]:
    """A measured value belongs to one of the activity's indicators, once per report."""
    known = list(indicators)
    errors: list[FieldError] = []
    for index, measurement in enumerate(measurements):
        path = f"$.measurements[{index}].indicator"
        key = measurement.indicator
        if key not in known:
            allowed = ", ".join(known) or "(aktiviteten har inga indikatorer)"
            message = f"Aktiviteten har ingen indikator {key!r}; dess indikatorer: {allowed}."
            errors.append(FieldError(path=path, message=message))
        elif key in [m.indicator for m in measurements[:index]]:
            errors.append(FieldError(path=path, message=f"Indikatorn {key!r} anges två gånger."))
    return errors

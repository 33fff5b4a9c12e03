"""What the draft editor's forms share: reading a post, errors beside fields, and merging.

An editor form is a flat set of named text values (`Values`). The page sends, beside
the fields, the version it was based on and those fields as stored then (`grund`,
JSON in a hidden field). When the library refuses a save as stale, the three sets —
what was stored then, what the person typed, what is stored now — are merged field by
field (`merge`): whatever only one side changed is kept; a field both changed is a
conflict the person settles (keep mine / take theirs) or rewrites.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from planregistry_api.web import forms
from planregistry_api.web.forms import FormError
from planregistry_domain.errors import ValidationError

Values = dict[str, str]

BASE_FIELD = "grund"
VERSION_FIELD = "version"
# A conflict's choice is posted as `val-<field>`: keep mine or take the stored one.
CHOICE_PREFIX = "val-"
MINE = "min"
THEIRS = "deras"


@dataclass
class Conflict:
    field: str
    label: str
    mine: str
    theirs: str


@dataclass
class Merge:
    """The outcome of merging a stale save: values to show and what needs a choice."""

    values: Values
    conflicts: list[Conflict] = field(default_factory=list)
    # Fields the other person changed and the person had not: taken from the other.
    taken: list[str] = field(default_factory=list)
    other_changed_any: bool = False


def text(form: Any, name: str) -> str:
    # Browsers send CRLF line breaks; the stored text format uses LF.
    return forms.text(form, name).replace("\r\n", "\n")


def posted(form: Any, names: Iterable[str], multi: Iterable[str] = ()) -> Values:
    """The named fields of a post; a multi-valued field (checkboxes) as sorted lines."""
    many = set(multi)
    values: Values = {}
    for name in names:
        if name in many:
            chosen = [v for v in form.getall(name, []) if isinstance(v, str) and v]
            values[name] = "\n".join(sorted(set(chosen)))
        else:
            values[name] = text(form, name)
    return values


def version_of(form: Any) -> int | None:
    return forms.number(form, VERSION_FIELD)


def encode_base(values: Mapping[str, str]) -> str:
    return msgspec.json.encode(dict(values)).decode()


def decode_base(form: Any) -> Values | None:
    """The stored values the form was based on, or None if missing or tampered with."""
    raw = text(form, BASE_FIELD)
    try:
        base = msgspec.json.decode(raw, type=dict[str, str])
    except msgspec.DecodeError:
        return None
    return base


def apply_choices(form: Any, values: Values, base: Values | None) -> Values:
    """A conflict settled as "take theirs" takes the stored value the form was based on
    (after a stale save, `grund` holds the other person's values)."""
    if base is None:
        return values
    chosen = dict(values)
    for name in values:
        if text(form, CHOICE_PREFIX + name) == THEIRS and name in base:
            chosen[name] = base[name]
    return chosen


def merge(base: Values | None, mine: Values, theirs: Values, labels: Mapping[str, str]) -> Merge:
    """Three-way merge of one form; without a base every difference is a conflict."""
    result = Merge(values=dict(mine))
    for name, my_value in mine.items():
        their_value = theirs.get(name, "")
        base_value = None if base is None else base.get(name)
        if base_value is not None and their_value != base_value:
            result.other_changed_any = True
        if my_value == their_value:
            continue
        if base_value is not None and my_value == base_value:
            result.values[name] = their_value
            result.taken.append(name)
        elif base_value is not None and their_value == base_value:
            continue
        else:
            result.conflicts.append(
                Conflict(
                    field=name, label=labels.get(name, name), mine=my_value, theirs=their_value
                )
            )
    if base is None and result.conflicts:
        result.other_changed_any = True
    return result


def lines(value: str) -> list[str]:
    """A field with one entry per line (partners, sources, areas) as a list."""
    return [line.strip() for line in value.splitlines() if line.strip()]


def check_length(errors: list[FormError], values: Values, name: str, limit: int, what: str) -> None:
    if len(values.get(name, "")) > limit:
        errors.append(FormError(name, f"{what} får vara högst {limit} tecken."))


def library_errors(exc: ValidationError, fields: Mapping[str, str]) -> list[FormError]:
    """The library's refusal placed beside the field it names, in Swedish.

    `fields` maps the command's top-level field names to the form's field ids; the
    library's own words are Swedish for its rules, but a type check speaks msgspec's
    English, so that is said again plainly.
    """
    placed = []
    for error in exc.errors:
        name = error.path.removeprefix("$.").split(".")[0].split("[")[0]
        message = str(error.message)
        if message.startswith(("Expected", "Object")):
            message = "Värdet godtas inte (fel form eller för långt)."
        placed.append(FormError(fields.get(name), message))
    return placed or [FormError(None, exc.detail)]


def text_blocks(body: str | None) -> list[tuple[str, list[str]]]:
    """The stored text format as blocks: paragraphs split by a blank line, and lists
    of lines starting with "- " (what the API stores and the importer writes)."""
    blocks: list[tuple[str, list[str]]] = []
    for chunk in (body or "").replace("\r\n", "\n").split("\n\n"):
        for row in (r.strip() for r in chunk.split("\n")):
            if not row:
                continue
            kind = "ul" if row.startswith(("- ", "• ")) else "p"
            item = row[2:].strip() if kind == "ul" else row
            if blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(item)
            else:
                blocks.append((kind, [item]))
        blocks.append(("", []))  # a blank line ends every block
    return [b for b in blocks if b[0]]

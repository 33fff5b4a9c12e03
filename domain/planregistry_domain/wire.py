"""The HTTP API's wire format, written once for the server (`planregistry_api`) and the
client (`planregistry_client`): paths, entity tags, problem types, comparison filters.

Pure Python: importing it loads neither the server nor the database stack.
"""

from __future__ import annotations

import re
from typing import NamedTuple

API_VERSION = "v1"
"""The API version (the paths under `/api/v1`)."""

API_PREFIX = f"/api/{API_VERSION}"

PROBLEM_BASE = "https://planregistry.se/problems/"
"""Every problem's `type` is this plus a stable slug (`not-found`, `stale-version`…)."""

PROBLEM_JSON = "application/problem+json"


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


def problem_slug(type_uri: str) -> str:
    return type_uri.removeprefix(PROBLEM_BASE)


# --- Entity tags -------------------------------------------------------------------
# Strong, naming the entity, its id and its stored version: `"revision-12-v7"`.

ORGANIZATION = "organization"
REVISION = "revision"
ACTIVITY = "activity"
DOCUMENT = "document"  # a document never changes: its tag is always version 1

_OURS = re.compile(r"^(?P<kind>[a-z]+)-(?P<key>.+)-v(?P<version>[0-9]{1,18})$")


class EntityTag(NamedTuple):
    kind: str
    key: str
    version: int


def etag(kind: str, key: object, version: int) -> str:
    """The ETag of a resource of this kind, id and version (`"revision-12-v7"`)."""
    return f'"{kind}-{key}-v{version}"'


def parse_etag(tag: str) -> EntityTag | None:
    """What one of our tags names; `tag` is quoted (`"revision-12-v7"`) or opaque."""
    opaque = tag.strip()
    if len(opaque) >= 2 and opaque[0] == opaque[-1] == '"':
        opaque = opaque[1:-1]
    match = _OURS.match(opaque)
    if match is None:
        return None
    return EntityTag(match["kind"], match["key"], int(match["version"]))


def version_of(tag: str | None) -> int | None:
    """The version a strong (quoted) tag of this API names (`"revision-12-v7"` → 7)."""
    ours = parse_etag(tag) if tag and tag.strip().startswith('"') else None
    return None if ours is None else ours.version


# --- Comparison views ----------------------------------------------------------------

COMPARISON_FILTERS: dict[str, tuple[str, ...]] = {
    "status": ("programme", "kind", "municipality", "cycle_year"),
    "coverage": ("programme", "kind", "municipality", "cycle_year", "basis"),
    "partners": ("programme", "kind", "municipality", "cycle_year", "basis"),
    "situation": ("programme", "kind", "municipality", "cycle_year", "basis"),
    "follow-up": ("programme", "kind", "municipality", "cycle_year", "period"),
}
"""Each view under `/comparisons/` and the query parameters it takes (named as the
fields of `ComparisonFilter`)."""

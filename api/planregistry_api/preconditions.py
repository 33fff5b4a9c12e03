"""ETags and conditional requests: no lost updates, and cheap re-reads.

An ETag is strong and names the entity, its id and its stored `version`:
`"revision-12-v7"`. The library bumps a revision's version on any change to its parts,
so the revision's tag changes with them. A write passes the version its `If-Match`
names to the Registry as `expected_version`, which compares it in the same transaction
as the write: a tag read before someone else's change is refused (412), atomically.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar, cast

from litestar import Response
from litestar.datastructures import ResponseHeader
from litestar.exceptions import ClientException
from litestar.params import HeaderParameter
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from planregistry import Written
from planregistry_domain.wire import REVISION, etag, parse_etag

T = TypeVar("T")

# Versions start at 1, so this one never matches: the Registry answers 412 (or 404).
NO_VERSION = 0

_TAG = re.compile(r'\s*(?:(?P<weak>W/)?"(?P<tag>[^"]*)"|(?P<star>\*))\s*(?:,|$)')

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        description="The ETag of the version this change is based on (required; `*` "
        "accepts any). Missing: 428; not the current version: 412.",
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        description="An ETag the client holds; if it is still current the answer is 304.",
    ),
]

ETAG_HEADER = ResponseHeader(
    name="ETag",
    documentation_only=True,
    description='Strong entity tag of the stored version, e.g. `"revision-12-v7"`; '
    "send it back as `If-Match` to change the resource.",
)


class PreconditionRequired(ClientException):
    status_code = 428
    detail = "Ändringen kräver If-Match med resursens ETag (hämta den med GET)."


def _entity_tags(header: str) -> list[tuple[bool, str]]:
    """(is_weak, opaque-tag) pairs of a header; `*` is returned as (False, "*")."""
    tags: list[tuple[bool, str]] = []
    position = 0
    while position < len(header):
        match = _TAG.match(header, position)
        if match is None or match.end() == position:
            break  # Unparsable rest: the tags read so far still count.
        if match.group("star"):
            tags.append((False, "*"))
        else:
            tags.append((bool(match.group("weak")), match.group("tag")))
        position = match.end()
    return tags


def expected_version(if_match: str | None, kind: str, key: object) -> int | None:
    """The version an `If-Match` names for this entity; None for `*`.

    Missing → 428. Weak tags never match (RFC 9110 compares If-Match strongly). When
    several tags name the entity the highest counts: versions only grow and a client
    can only hold tags that were issued, so the current version is among them exactly
    when it is the highest.
    """
    if if_match is None or not if_match.strip():
        raise PreconditionRequired()
    versions: list[int] = []
    for weak, tag in _entity_tags(if_match):
        if tag == "*":
            return None
        ours = None if weak else parse_etag(tag)
        if ours is not None and ours.kind == kind and ours.key == str(key):
            versions.append(ours.version)
    return max(versions, default=NO_VERSION)


def revision_etag(written: Written[Any]) -> dict[str, str]:
    """The revision's new tag after a write to one of its parts, as the write reported it."""
    return {"ETag": etag(REVISION, written.revision_id, written.revision_version)}


def not_modified(if_none_match: str | None, current: str) -> bool:
    """If-None-Match compares weakly: `W/"x"` matches `"x"`; `*` matches anything."""
    if if_none_match is None:
        return False
    opaque = current.strip('"')
    return any(tag in ("*", opaque) for _weak, tag in _entity_tags(if_none_match))


def tagged(content: T, tag: str, if_none_match: str | None = None) -> Response[T]:
    """The representation with its ETag, or 304 when the client already has it."""
    if not_modified(if_none_match, tag):
        empty = Response[Any](None, status_code=HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return cast("Response[T]", empty)
    return Response(content, headers={"ETag": tag})

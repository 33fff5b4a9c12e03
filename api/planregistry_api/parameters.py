"""Path and query parameters shared by the controllers, with their bounds.

Bounds keep values the databases cannot hold (ids past PostgreSQL's `integer`, NUL
characters, which PostgreSQL text refuses) out of the queries: they answer 400 here
instead of failing inside the driver.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

# PostgreSQL `integer`, the type of every numeric id.
MAX_ID = 2**31 - 1
SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Slug = Annotated[str, PathParameter(pattern=SLUG_PATTERN, min_length=1, max_length=63)]
OptionalSlug = Annotated[
    str | None, QueryParameter(pattern=SLUG_PATTERN, min_length=1, max_length=63)
]

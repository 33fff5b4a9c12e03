"""Reviews in storage; their completeness findings are one JSON column."""

from __future__ import annotations

from typing import Any

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import ReviewRow
from planregistry_domain.commands import CreateReview
from planregistry_domain.model import Review

REVIEW = RowMap(Review, ReviewRow)


def review(row: ReviewRow) -> Review:
    return REVIEW.read(row)


def new_row(source: CreateReview | Review, **server: Any) -> ReviewRow:
    return REVIEW.new_row(source, **server)

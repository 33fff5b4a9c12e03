"""Documents in storage: their metadata row, mapped to `Document` by field name."""

from __future__ import annotations

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import DocumentRow
from planregistry_domain.documents import Document

DOCUMENT = RowMap(Document, DocumentRow)

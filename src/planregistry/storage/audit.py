"""The audit trail and the API keys in storage."""

from __future__ import annotations

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import ApiKeyRow, AuditRow
from planregistry_domain.audit import ApiKey, AuditEntry

AUDIT_ENTRY = RowMap(AuditEntry, AuditRow)

# An API key names its municipality and organisation as the policy's Scope does.
API_KEY_COLUMNS = {"municipality": "municipality_id", "organization": "organization_id"}
API_KEY = RowMap(ApiKey, ApiKeyRow, renamed=API_KEY_COLUMNS)

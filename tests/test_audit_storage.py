"""The audit trail is append-only in the database itself, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from planregistry.storage.tables import AuditRow


def test_audit_rows_can_be_added_but_never_changed_or_removed(database_url: str) -> None:
    engine = create_engine(database_url)
    row = {
        "occurred_at": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
        "actor_subject": "u1",
        "actor_name": "Anna Andersson",
        "actor_role": "central",
        "municipality_id": "stockholm",
        "organization_id": None,
        "entity": "organization",
        "entity_id": "bromma",
        "action": "update",
        "change": {"name": ["A", "B"]},
        "request_id": "r-1",
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), [row])
        for statement in (
            update(AuditRow).values(actor_name="Någon annan"),
            delete(AuditRow),
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
        with engine.connect() as conn:
            names = conn.execute(select(AuditRow.actor_name)).scalars().all()
        assert names == ["Anna Andersson"]
    finally:
        engine.dispose()

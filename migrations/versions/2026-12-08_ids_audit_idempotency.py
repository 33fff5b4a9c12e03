"""ids never reused, an audit trail that cannot be replaced or truncated, idempotency keys

Revision ID: 0008
Revises: 0010
Create Date: 2026-12-08 00:30:00

- SQLite hands a deleted row's id to the next row unless the table says AUTOINCREMENT;
  then an old ETag (`activity-29-v1`) could match a new activity and the audit trail
  mix two objects under one id. Every table with an integer id is rebuilt with
  AUTOINCREMENT (PostgreSQL's sequences never hand out a number twice already).
- The audit trail refused UPDATE and DELETE; on SQLite `INSERT OR REPLACE` deletes
  without firing delete triggers, and on PostgreSQL TRUNCATE fires no row trigger.
  Both are refused now.
- `idempotency_keys`: the stored answers of POSTs sent with an `Idempotency-Key`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table whose id is an integer the database assigns.
INTEGER_ID_TABLES = (
    "plans",
    "revisions",
    "revision_sections",
    "activities",
    "follow_ups",
    "decisions",
    "reviews",
    "audit_log",
    "plan_imports",
    "documents",
    "plan_actors",
    "board_decisions",
    "decision_conditions",
    "condition_responses",
)
_APPEND_ONLY = "SELECT RAISE(ABORT, 'audit_log is append-only')"


def upgrade() -> None:
    if _sqlite():
        _rebuild(autoincrement=True)
        _sqlite_audit_triggers()
        op.execute(
            "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
            "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
            f"BEGIN {_APPEND_ONLY}; END"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )
    op.create_table(
        "idempotency_keys",
        sa.Column("credential", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("credential", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_expires_at"))
    op.drop_table("idempotency_keys")
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
        _rebuild(autoincrement=False)
        _sqlite_audit_triggers()
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _rebuild(*, autoincrement: bool) -> None:
    """Copy each table into a new one declared with (or without) AUTOINCREMENT.

    Alembic's batch mode reflects the table, so its columns, indexes and constraints
    are kept as they are; the migration environment runs with foreign keys off on
    SQLite, so dropping the old tables neither cascades nor is refused.
    """
    for table in INTEGER_ID_TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def _sqlite_audit_triggers() -> None:
    """The update and delete guards of 0002 (dropped with the table a rebuild replaces)."""
    for event in ("UPDATE", "DELETE"):
        op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{event.lower()}")
        op.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            f"BEGIN {_APPEND_ONLY}; END"
        )

"""forms kept across an expired web session

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-08 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_forms",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_forms")),
    )
    with op.batch_alter_table("kept_forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_forms_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kept_forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_forms_expires_at"))
    op.drop_table("kept_forms")

"""plan imports: uploaded plan documents and their proposals

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.String(length=63), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("applied_revision_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_by", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_revision_id"],
            ["revisions.id"],
            name=op.f("fk_plan_imports_applied_revision_id_revisions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_plan_imports_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_imports")),
        sa.UniqueConstraint(
            "organization_id", "sha256", name=op.f("uq_plan_imports_organization_id")
        ),
    )
    with op.batch_alter_table("plan_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_imports_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_imports_organization_id"))
    op.drop_table("plan_imports")

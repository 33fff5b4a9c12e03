"""actors register per municipality; organisations' validity period and successor

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_plan_actors_municipality_id_municipalities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actors")),
        sa.UniqueConstraint("municipality_id", "name", name=op.f("uq_plan_actors_municipality_id")),
    )
    with op.batch_alter_table("plan_actors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_actors_municipality_id"), ["municipality_id"], unique=False
        )
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("successor_id", sa.String(length=63), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_organizations_successor_id_organizations"),
            "organizations",
            ["successor_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_organizations_successor_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("successor_id")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
    with op.batch_alter_table("plan_actors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_actors_municipality_id"))
    op.drop_table("plan_actors")

"""richer activities (contact role, target groups, time frame, resources, indicators, goals),
measured values in follow-up, and documents attached to revisions and decisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The columns as the data move below reads and writes them (JSON encoded by SQLAlchemy).
_activities = sa.table(
    "activities",
    sa.column("id", sa.Integer()),
    sa.column("target_group", sa.String(length=1000)),
    sa.column("target_groups", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_role", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("target_groups", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("time_frame", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("resources", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("indicators", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("goals", sa.JSON(), nullable=False, server_default="[]"))
    # One target group becomes a list of one; the text column then goes.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_activities.c.id, _activities.c.target_group).where(
            _activities.c.target_group.is_not(None)
        )
    ).all()
    for activity_id, group in rows:
        bind.execute(
            _activities.update()
            .where(_activities.c.id == activity_id)
            .values(target_groups=[group])
        )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        for name in ("target_groups", "indicators", "goals"):
            batch_op.alter_column(name, server_default=None)
        batch_op.drop_column("target_group")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("measurements", sa.JSON(), nullable=False, server_default="[]")
        )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.alter_column("measurements", server_default=None)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=300), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_documents_decision_id_decisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revisions.id"],
            name=op.f("fk_documents_revision_id_revisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_decision_id"), ["decision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_revision_id"), ["revision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_documents_revision_id"))
        batch_op.drop_index(batch_op.f("ix_documents_decision_id"))
    op.drop_table("documents")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_column("measurements")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_group", sa.String(length=1000), nullable=True))
    # Several target groups become one text, as the API has shown them (joined by ", ").
    bind = op.get_bind()
    rows = bind.execute(sa.select(_activities.c.id, _activities.c.target_groups)).all()
    for activity_id, groups in rows:
        if groups:
            bind.execute(
                _activities.update()
                .where(_activities.c.id == activity_id)
                .values(target_group=", ".join(groups)[:1000])
            )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        for name in ("goals", "indicators", "resources", "time_frame", "target_groups"):
            batch_op.drop_column(name)
        batch_op.drop_column("contact_role")

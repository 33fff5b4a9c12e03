"""central review as a step, the board's joint decisions and conditions as a list

Reviews gain an outcome (existing ones become `comments`: feedback without a verdict),
findings tied to sections or activities, requests and an outside expert body. The board's
decision over many revisions is one `board_decisions` row that each revision's decision
points to; a decision's conditions become rows (an existing board decision's conditions
text becomes its one condition) that the next revision answers one by one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    op.create_table(
        "board_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.String(length=63), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("case_number", sa.String(length=1000), nullable=False),
        sa.Column("minutes_ref", sa.String(length=1000), nullable=True),
        sa.Column("recorded_by", sa.String(length=300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_board_decisions_municipality_id_municipalities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_decisions")),
    )
    with op.batch_alter_table("board_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_board_decisions_municipality_id"), ["municipality_id"], unique=False
        )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("board_decision_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_decisions_board_decision_id"), ["board_decision_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_decisions_board_decision_id_board_decisions"),
            "board_decisions",
            ["board_decision_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_table(
        "decision_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_conditions_decision_id_decisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_conditions")),
        sa.UniqueConstraint(
            "decision_id", "position", name=op.f("uq_decision_conditions_decision_id")
        ),
    )
    op.create_table(
        "condition_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("responded_by", sa.String(length=300), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["decision_conditions.id"],
            name=op.f("fk_condition_responses_condition_id_decision_conditions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revisions.id"],
            name=op.f("fk_condition_responses_revision_id_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition_responses")),
        sa.UniqueConstraint(
            "condition_id", "revision_id", name=op.f("uq_condition_responses_condition_id")
        ),
    )
    with op.batch_alter_table("condition_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_responses_revision_id"), ["revision_id"], unique=False
        )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=30), server_default="comments", nullable=False)
        )
        batch_op.add_column(
            sa.Column("remarks", sa.JSON(), server_default=_EMPTY_LIST, nullable=False)
        )
        batch_op.add_column(
            sa.Column("requests", sa.JSON(), server_default=_EMPTY_LIST, nullable=False)
        )
        batch_op.add_column(sa.Column("expert_body", sa.String(length=300), nullable=True))
    # A board decision's conditions text, as recorded so far, is its one condition.
    op.execute(
        "INSERT INTO decision_conditions (decision_id, position, text) "
        "SELECT id, 1, conditions FROM decisions "
        "WHERE body = 'city_executive_board' AND conditions IS NOT NULL "
        "AND TRIM(conditions) <> '' ORDER BY id"
    )


def downgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("expert_body")
        batch_op.drop_column("requests")
        batch_op.drop_column("remarks")
        batch_op.drop_column("outcome")
    with op.batch_alter_table("condition_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_responses_revision_id"))
    op.drop_table("condition_responses")
    op.drop_table("decision_conditions")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_decisions_board_decision_id_board_decisions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_decisions_board_decision_id"))
        batch_op.drop_column("board_decision_id")
    with op.batch_alter_table("board_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_decisions_municipality_id"))
    op.drop_table("board_decisions")

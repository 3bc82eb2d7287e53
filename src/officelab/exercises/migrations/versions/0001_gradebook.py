"""The gradebook: learners, graded exercises, the criteria each evidenced, the trainer's verdicts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "learner",
        sa.Column("name", sa.String(12), primary_key=True),
        sa.Column("class_name", sa.String(40), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "result",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(12), sa.ForeignKey("learner.name"), nullable=False, index=True),
        sa.Column("scenario", sa.String(49), nullable=False),
        sa.Column("graded_at", sa.Float, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("maximum", sa.Integer, nullable=False),
        sa.Column("sheet", sa.Text, nullable=False),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("result.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("criterion", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "trainer_verdict",
        sa.Column("learner", sa.String(12), sa.ForeignKey("learner.name"), primary_key=True),
        sa.Column("criterion", sa.String(16), primary_key=True),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("trainer", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("trainer_verdict", "evidence", "result", "learner"):
        op.drop_table(table)

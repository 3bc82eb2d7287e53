"""The desk: tickets (qualification, status, level, assignee, SLA instants, solution, satisfaction, a version for
optimistic concurrency) and their events (follow-ups, moves, escalations, evidence).

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
        "ticket",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lab", sa.String(12), nullable=False, index=True),
        sa.Column("site", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("urgency", sa.Integer, nullable=False),
        sa.Column("impact", sa.Integer, nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("priority_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("level", sa.String(2), nullable=False),
        sa.Column("assignee", sa.String(40), nullable=True),
        sa.Column("opened_at", sa.Float, nullable=False),
        sa.Column("owned_at", sa.Float, nullable=True),
        sa.Column("solved_at", sa.Float, nullable=True),
        sa.Column("closed_at", sa.Float, nullable=True),
        sa.Column("solution", sa.Text, nullable=False, server_default=""),
        sa.Column("satisfaction", sa.Integer, nullable=True),
        sa.Column("nodes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("checks", sa.Text, nullable=False, server_default="[]"),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("minutes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
    )


def downgrade() -> None:
    op.drop_table("ticket_event")
    op.drop_table("ticket")

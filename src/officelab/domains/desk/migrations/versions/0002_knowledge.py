"""The knowledge base: articles (problem, symptoms, cause, solution, the checks that prove it) and their French
search terms (stemmed, accents folded), an index the same on SQLite and PostgreSQL.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "kb_article",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("category", sa.String(80), nullable=False),
        sa.Column("symptoms", sa.Text, nullable=False, server_default=""),
        sa.Column("cause", sa.Text, nullable=False, server_default=""),
        sa.Column("solution", sa.Text, nullable=False),
        sa.Column("checks", sa.Text, nullable=False, server_default="[]"),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("ticket.id", ondelete="SET NULL"), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "kb_term",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("kb_article.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("weight", sa.Float, nullable=False),
    )
    op.create_index("ix_kb_term_term", "kb_term", ["term"])


def downgrade() -> None:
    op.drop_table("kb_term")
    op.drop_table("kb_article")

"""The inventory's assets, as the last scan of each lab found them (saved by `officelab inventory scan --save`):
what a ticket's linked elements are looked up in.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "inventory_asset",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("lab", sa.String(12), nullable=False, index=True),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("design", sa.String(64), nullable=False, server_default=""),
        sa.Column("vlan", sa.Integer, nullable=True),
        sa.Column("location", sa.String(80), nullable=False, server_default=""),
        sa.Column("ips", sa.Text, nullable=False, server_default=""),
        sa.Column("macs", sa.Text, nullable=False, server_default=""),
        sa.Column("owner", sa.String(64), nullable=False, server_default=""),
        sa.Column("difference", sa.Text, nullable=False, server_default=""),
        sa.Column("document", sa.Text, nullable=False, server_default="{}"),
        sa.Column("scanned_at", sa.Float, nullable=False),
    )
    op.create_index("ix_inventory_asset_lab_label", "inventory_asset", ["lab", "label"], unique=True)


def downgrade() -> None:
    op.drop_table("inventory_asset")

"""Alembic's environment for the web accounts: run on the connection `accounts.open_accounts` hands over."""

from __future__ import annotations

from alembic import context

from officelab.api.accounts import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

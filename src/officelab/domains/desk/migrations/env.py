"""Alembic's environment for the desk: run on the connection `tickets.open_desk` hands over."""

from __future__ import annotations

from alembic import context

from officelab.domains.desk.tickets import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

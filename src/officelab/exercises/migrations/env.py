"""Alembic's environment for the gradebook: run on the connection `gradebook.open_gradebook` hands over."""

from __future__ import annotations

from alembic import context

from officelab.exercises.gradebook import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

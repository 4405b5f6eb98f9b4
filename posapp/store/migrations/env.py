"""Alembic environment for the terminal schema: always runs on the connection ``open_database`` hands in."""

from __future__ import annotations

from alembic import context

from posapp.store.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

"""Alembic environment: the case log's schema, migrated in place (SQLite and PostgreSQL)."""

from __future__ import annotations

from alembic import context

from intake.caselog import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through intake.caselog.create_schema(), which passes a connection")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying
with context.begin_transaction():
    context.run_migrations()

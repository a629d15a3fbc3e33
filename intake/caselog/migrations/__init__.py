"""Alembic migrations of the case log; a schema change is a new revision, never an edit to an old one."""

"""The case log's database: engine, schema (Alembic migrations) and sessions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# Alembic narrates every connection at INFO; an upgrade that does nothing is not news at 3 a.m.
logging.getLogger("alembic").setLevel(logging.WARNING)

__all__ = ["MIGRATIONS", "alembic_config", "create_schema", "has_case_log", "make_engine", "session_factory"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers (cases list) don't block the poller
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()
    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def create_schema(engine: Engine) -> None:
    """Create or upgrade the case log to the current schema (Alembic migrations, in one transaction)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def has_case_log(engine: Engine) -> bool:
    return inspect(engine).has_table("messages")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

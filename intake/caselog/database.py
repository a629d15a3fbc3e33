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

__all__ = ["MIGRATIONS", "alembic_config", "checkpoint", "create_schema", "has_case_log", "make_engine",
           "session_factory"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, lock_timeout_seconds: float = 10.0) -> Engine:
    """The engine; `lock_timeout_seconds` is how long a write waits for another's lock before it fails (a
    temporary fault: the pass stops and the next one tries again)."""
    # hide_parameters: an error's text never carries the row's values (names, addresses, subjects) into a log.
    engine = create_engine(url, future=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")  # readers (cases list) don't block the poller
            # In WAL, NORMAL syncs the log at each checkpoint rather than at each commit: an application crash
            # loses nothing, a power cut at most the commits since the last checkpoint (see `checkpoint`).
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={int(lock_timeout_seconds * 1000)}")
            cur.close()
    elif engine.dialect.name == "postgresql":
        @event.listens_for(engine, "connect")
        def _postgresql_lock_timeout(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"SET lock_timeout = {int(lock_timeout_seconds * 1000)}")
            cur.close()
            dbapi_conn.commit()
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


def checkpoint(sessions: sessionmaker[Session]) -> None:
    """Make every commit so far durable and keep the WAL short (SQLite; PostgreSQL syncs each commit itself). A
    checkpoint syncs the WAL before copying it back (https://sqlite.org/pragma.html#pragma_synchronous), so run
    before notices leave, it keeps a power cut from losing a case whose acknowledgement was already sent."""
    engine = sessions.kw["bind"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

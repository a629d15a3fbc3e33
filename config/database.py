"""The case log's database: its URL, and the password for it kept out of the TOML."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from config.reader import ConfigError, Reader, section

__all__ = ["DATABASE_ENV_VAR", "Database", "database_settings"]

# When set, the case log's URL: a container or a test run points a one-mailbox configuration at a server.
DATABASE_ENV_VAR = "FOI_INTAKE_DATABASE_URL"


@dataclass(frozen=True)
class Database:
    url: str
    # How long a write waits for another's lock before the pass stops (a temporary fault, retried next pass).
    lock_timeout_seconds: float = 10.0


def database_settings(data: dict[str, Any], base: Path, mailbox: str) -> Database:
    """The case log's URL; its password, if any, from `password_env` or `password_file` like every secret
    (read even by read-only commands: they read the case log). Each of several mailboxes has its own."""
    d = Reader(section(data, "database", required=False), "database",
               {"url", "password_env", "password_file", "lock_timeout_seconds"})
    from_env = None if mailbox else os.environ.get(DATABASE_ENV_VAR)
    default = base / (f"foi-intake-{mailbox}.sqlite3" if mailbox else "foi-intake.sqlite3")
    url = from_env or d.text("url", f"sqlite:///{default.as_posix()}")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError("database.url", "not a database URL (dialect+driver://user@host/name)") from exc
    if parsed.password is not None and not from_env:
        raise ConfigError("database.url", "passwords never live in the TOML; use password_env or password_file")
    password = d.secret(base)
    if password:
        url = parsed.set(password=password).render_as_string(hide_password=False)
    return Database(url=url, lock_timeout_seconds=d.number("lock_timeout_seconds", 10.0))

"""Several mailboxes in one file: `[[mailbox]]` tables, each read as a whole configuration of its own.

An FOI and a subject access mailbox, or a shared service running the mailboxes of several bodies: each
`[[mailbox]]` has a `name`, its own connection settings, and may override any shared section under it
(`[mailbox.organisation]`, `[mailbox.queues]`…). Each keeps its own case log, so one body's cases,
reminders and digests never reach another's, and a notice is sent only by the worker of its mailbox.
"""

from __future__ import annotations

import re
from typing import Any

from config.reader import ConfigError

__all__ = ["OVERRIDABLE", "expand"]

# Sections a mailbox may override under its own table; the rest (classifier, logging) serve every mailbox.
OVERRIDABLE = ("organisation", "smtp", "database", "schedule", "clock", "responders", "queues", "fees", "oauth2",
               "health", "security", "retention", "web")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def expand(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, configuration) per mailbox. A single `[mailbox]` table is one mailbox named ""."""
    tables = data.get("mailbox")
    if not isinstance(tables, list):
        return [("", data)]
    if not tables:
        raise ConfigError("mailbox", "expected a [mailbox] table or at least one [[mailbox]]")
    shared = {k: v for k, v in data.items() if k != "mailbox"}
    found: list[tuple[str, dict[str, Any]]] = []
    for number, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            raise ConfigError(f"mailbox[{number}]", "expected a table")
        name = table.get("name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ConfigError(f"mailbox[{number}].name", "expected a short name: lower-case letters, digits, - or _")
        if name in (n for n, _ in found):
            raise ConfigError(f"mailbox[{number}].name", f"{name!r} is used twice")
        merged = dict(shared)
        for key in OVERRIDABLE:
            if key in table:
                if not isinstance(table[key], dict):
                    raise ConfigError(f"mailbox.{name}.{key}", "expected a table")
                merged[key] = {**(shared.get(key) or {}), **table[key]}
        merged["mailbox"] = {k: v for k, v in table.items() if k not in OVERRIDABLE and k != "name"}
        found.append((name, merged))
    return found

"""`[security]`: whom the bot believes. Who we answer, which mail server's checks we read, which forwards count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.reader import ConfigError, Reader, section

__all__ = ["Security", "security_settings"]


@dataclass(frozen=True)
class Security:
    # The authserv-id our own mail server writes in Authentication-Results (RFC 8601); None: none is read.
    authserv_id: str | None = None
    # A Reply-To in (or sent from) one of these domains is answered even when it is not the From's domain.
    trusted_reply_to_domains: tuple[str, ...] = ()
    # A staff forward whose original is older than this many working days goes to a person, never backdated.
    forward_max_age_working_days: int = 20
    # The same mail from the same sender again within this many days is a duplicate: filed, no case, no notice.
    duplicate_window_days: int = 30


def _domains(r: Reader, key: str) -> tuple[str, ...]:
    value = r.table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(d, str) and "." in d and "@" not in d for d in value):
        raise ConfigError(f"security.{key}", "expected a list of domain names")
    return tuple(d.lower().strip(".") for d in value)


def security_settings(data: dict[str, Any]) -> Security:
    r = Reader(section(data, "security", required=False), "security",
               {"authserv_id", "trusted_reply_to_domains", "forward_max_age_working_days", "duplicate_window_days"})
    authserv_id = r.text("authserv_id") if "authserv_id" in r.table else None
    return Security(authserv_id=authserv_id.strip().lower() if authserv_id else None,
                    trusted_reply_to_domains=_domains(r, "trusted_reply_to_domains"),
                    forward_max_age_working_days=r.integer("forward_max_age_working_days", 20, minimum=0),
                    duplicate_window_days=r.integer("duplicate_window_days", 30, minimum=0))

"""`[retention]`: how long personal data is kept (UK GDPR Art 5(1)(e)); both periods off unless set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.reader import Reader, section

__all__ = ["Retention", "retention_settings"]


@dataclass(frozen=True)
class Retention:
    """How long personal data is kept (0: for ever). The daily job deletes what is older, and logs the counts."""

    raw_mail_days: int = 0  # the raw bytes of a message, once it is no longer needed by a live case
    closed_case_days: int = 0  # a responded or closed case, its messages and notices, after its last action


def retention_settings(data: dict[str, Any]) -> Retention:
    r = Reader(section(data, "retention", required=False), "retention", {"raw_mail_days", "closed_case_days"})
    return Retention(raw_mail_days=r.integer("raw_mail_days", 0), closed_case_days=r.integer("closed_case_days", 0))

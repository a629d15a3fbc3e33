"""`[related]` (the similar-request flag) and `[reports]` (the monthly report email): local choices, safe defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from config.reader import ConfigError, Reader, email, section

__all__ = ["Related", "Reports", "related_settings", "reports_settings"]


@dataclass(frozen=True)
class Related:
    """When a new request is flagged as possibly related to earlier ones (rules.md section 4); a flag only."""

    # Similarity (0 to 1, TF-IDF cosine of content words) from which two requests within 60 working days are
    # flagged for aggregation (Fees Regulations reg 5; policy 13.1), whoever sent them. Chosen on bench/related.py.
    threshold: float = 0.4
    # From the same requester, at any interval up to `repeat_lookback_days`: possibly repeated (s.14(2); 15.7).
    repeat_threshold: float = 0.6
    repeat_lookback_days: int = 365
    most: int = 10  # the most alike listed on a case


@dataclass(frozen=True)
class Reports:
    monthly_email: bool = False  # on the 1st, the previous month's HTML report to the DSP team
    monthly_to: str = ""  # default: organisation.dsp_address


def _fraction(r: Reader, name: str, default: float) -> float:
    value = r.number(name, default)
    if not 0 < value <= 1:
        raise ConfigError(f"{r.prefix}.{name}", f"expected a similarity between 0 and 1, got {value!r}")
    return value


def related_settings(data: dict[str, Any]) -> Related:
    r = Reader(section(data, "related", required=False), "related",
               {"threshold", "repeat_threshold", "repeat_lookback_days", "most"})
    return Related(threshold=_fraction(r, "threshold", Related.threshold),
                   repeat_threshold=_fraction(r, "repeat_threshold", Related.repeat_threshold),
                   repeat_lookback_days=r.integer("repeat_lookback_days", Related.repeat_lookback_days, minimum=1),
                   most=r.integer("most", Related.most, minimum=1))


def reports_settings(data: dict[str, Any]) -> Reports:
    r = Reader(section(data, "reports", required=False), "reports", {"monthly_email", "monthly_to"})
    monthly = r.table.get("monthly_email", False)
    if not isinstance(monthly, bool):
        raise ConfigError("reports.monthly_email", f"expected true or false, got {monthly!r}")
    return Reports(monthly_email=monthly, monthly_to=email(r, "monthly_to") if "monthly_to" in r.table else "")

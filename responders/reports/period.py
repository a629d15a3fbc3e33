"""A report's period: any two dates, a calendar quarter (2026Q3) or a financial year (1 April to 31 March)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from intake.errors import FoiIntakeError

__all__ = ["Period", "PeriodError", "financial_year", "months", "period", "previous_month", "quarter"]


class PeriodError(FoiIntakeError):
    """A period a person asked for that cannot be: a start after its end, a quarter that is not one."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str  # "2026 Q3", "financial year 2026/27", "March 2027"; "" for any two dates

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise PeriodError(f"--from {self.start} is after --to {self.end}")

    @property
    def describe(self) -> str:
        """"2026 Q3, 1 Jul 2026 to 30 Sep 2026"."""
        dates = f"{self.start.day} {self.start:%b %Y} to {self.end.day} {self.end:%b %Y}"
        return f"{self.label}, {dates}" if self.label else dates


def quarter(text: str) -> Period:
    """`2026Q3`: the calendar quarter July to September 2026 (the Cabinet Office's quarters, Q1 = January)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", text)
    if m is None:
        raise PeriodError(f"--quarter {text!r}: expected YEARQn, e.g. 2026Q3")
    year, q = int(m[1]), int(m[2])
    start = date(year, 3 * q - 2, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return Period(start, end, f"{year} Q{q}")


def financial_year(year: int) -> Period:
    """The financial year beginning 1 April `year` and ending 31 March `year + 1`."""
    return Period(date(year, 4, 1), date(year + 1, 3, 31), f"financial year {year}/{str(year + 1)[-2:]}")


def period(start: date | None, end: date | None, today: date) -> Period:
    """`--from/--to`: 1 January of this year to today unless given."""
    start, end = start or date(today.year, 1, 1), end or today
    return Period(start, end, "")


def previous_month(today: date) -> Period:
    """The calendar month before `today`'s: what the monthly report email covers."""
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end, f"{end:%B %Y}")


def months(p: Period) -> list[str]:
    """Every month the period touches, as YYYY-MM, in order."""
    out, y, m = [], p.start.year, p.start.month
    while (y, m) <= (p.end.year, p.end.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out

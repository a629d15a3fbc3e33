"""Date helpers for the clock: the local day of receipt, calendar months, lapse days and wall-calendar names."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.statute import CLARIFICATION_LAPSE_MONTHS, FEE_LAPSE_MONTHS

__all__ = [
    "calendar_for",
    "clarification_lapses_on",
    "fee_lapses_on",
    "fmt",
    "local_date",
    "month_abbr",
    "months_later",
    "parse_date",
]

# English names regardless of the process locale (strftime's %a/%b follow LC_TIME).
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local_date(at: datetime, tz: str) -> date:
    """The calendar day of `at` in the organisation's time zone (date of receipt)."""
    if at.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return at.astimezone(ZoneInfo(tz)).date()


def fmt(d: date) -> str:
    """'Sat 26 Dec 2026': a date a person can find on a wall calendar."""
    return f"{_DAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month]} {d.year}"


def month_abbr(month: int) -> str:
    return _MONTH_ABBR[month]


def months_later(d: date, months: int) -> tuple[date, bool]:
    """The corresponding date `months` later, or the last day of that month when there is none."""
    y, m0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m0 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    if d.day <= last:
        return date(year, month, d.day), True
    return date(year, month, last), False


def clarification_lapses_on(asked: date, months: int = CLARIFICATION_LAPSE_MONTHS) -> date:
    """Policy 14.1: a reply is due within 3 months of asking; the request lapses the day after."""
    last_day, _ = months_later(asked, months)
    return last_day + timedelta(days=1)


def fee_lapses_on(notice: date) -> date:
    """FOIA s.9(2): 3 months *beginning with* the notice day end the day before the corresponding
    date (or at the month's end when there is none); the request lapses the day after."""
    corresponding, exists = months_later(notice, FEE_LAPSE_MONTHS)
    last_day = corresponding - timedelta(days=1) if exists else corresponding
    return last_day + timedelta(days=1)


def parse_date(value: object, what: str) -> date:
    """A date from event data: a date, a datetime or an ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()  # also accepts plain YYYY-MM-DD
    except ValueError as exc:
        raise ValueError(f"{what}: not a YYYY-MM-DD date: {value!r}") from exc


@lru_cache(maxsize=32)
def calendar_for(extra: tuple[date, ...]) -> WorkingCalendar:
    """One calendar (and its per-year holiday cache) per configuration, shared across computations."""
    return WorkingCalendar(extra)

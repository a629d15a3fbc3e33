"""UK working-day calendar for the statutory clocks (FOIA s.10(6); EIR reg 2(1); RPSI reg 2).

A working day is any day except Saturday, Sunday, Christmas Day, Good Friday and a bank holiday
under the Banking and Financial Dealings Act 1971 in ANY part of the United Kingdom. Organisation
closure ("privilege") days are working days in law, so they are deliberately not modelled here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import holidays

__all__ = ["STATUTORY_NAMED_DAYS", "UK_JURISDICTIONS", "WorkingCalendar"]

# FOIA s.10(6)(b) / EIR reg 2(1): a bank holiday in any UK jurisdiction stops the count everywhere.
UK_JURISDICTIONS: tuple[tuple[str, str], ...] = (
    ("ENG", "England"),
    ("WLS", "Wales"),
    ("SCT", "Scotland"),
    ("NIR", "Northern Ireland"),
)

# FOIA s.10(6)(b) names these two directly (common-law holidays, not 1971 Act bank holidays).
STATUTORY_NAMED_DAYS: frozenset[str] = frozenset({"Christmas Day", "Good Friday"})

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _tidy(name: str) -> str:
    """Holiday names as the gov.uk bank-holiday list writes them."""
    return name.replace("(observed)", "(substitute day)").replace("Saint ", "St ")


def _join_places(places: list[str]) -> str:
    return places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]


class WorkingCalendar:
    """Working days in UK statutory-clock terms, with holiday lookups cached per year."""

    def __init__(
        self, extra_non_working_days: Iterable[date] | Mapping[date, str] = ()
    ) -> None:
        # Future proclamations (e.g. a one-off bank holiday not yet in `holidays`) come from config.
        if isinstance(extra_non_working_days, Mapping):
            self._extra: dict[date, str] = {
                d: str(label) for d, label in extra_non_working_days.items()
            }
        else:
            self._extra = {d: "" for d in extra_non_working_days}
        self._by_year: dict[int, dict[date, str]] = {}
        self._weekdays_by_year: dict[int, list[date]] = {}
        self._added: dict[tuple[date, int], date] = {}

    @property
    def extra_non_working_days(self) -> tuple[date, ...]:
        return tuple(sorted(self._extra))

    def _year(self, year: int) -> dict[date, str]:
        """All non-weekend non-working days of one year with their reasons (cached)."""
        cached = self._by_year.get(year)
        if cached is not None:
            return cached
        per_day: dict[date, dict[str, list[str]]] = {}
        for code, place in UK_JURISDICTIONS:
            for d, names in holidays.country_holidays("GB", subdiv=code, years=year).items():
                for name in names.split("; "):
                    per_day.setdefault(d, {}).setdefault(_tidy(name), []).append(place)
        all_places = [place for _, place in UK_JURISDICTIONS]
        reasons: dict[date, str] = {}
        for d, by_name in per_day.items():
            parts = []
            for name, places in by_name.items():
                if places == all_places or name in STATUTORY_NAMED_DAYS:
                    parts.append(name)
                else:
                    parts.append(f"bank holiday ({_join_places(places)}): {name}")
            reasons[d] = "; ".join(parts)
        for d, label in self._extra.items():
            if d.year == year:
                configured = "extra non-working day (configured)" + (f": {label}" if label else "")
                reasons[d] = f"{reasons[d]}; {configured}" if d in reasons else configured
        self._by_year[year] = reasons
        return reasons

    def non_working_reason(self, d: date) -> str | None:
        """Why `d` is not a working day, or None when it is one."""
        # A weekend is reason enough; its holiday (if any) moves to a substitute weekday.
        if d.weekday() >= 5:
            return _WEEKDAY_NAMES[d.weekday()]
        return self._year(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self._year(d.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d += timedelta(days=1)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """Day n of a count where `start` is day 0 (also when `start` is not a working day). Remembered: a case
        log's clocks ask the same few thousand (day, n) again and again (each answered case's review window)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        key = (start, n)
        if key not in self._added:
            d = start
            for _ in range(n):
                d = self.next_working_day(d)
            self._added[key] = d
        return self._added[key]

    def _closed_weekdays(self, year: int) -> list[date]:
        """Sorted non-working Mondays-Fridays of a year (cached with the year)."""
        cached = self._weekdays_by_year.get(year)
        if cached is None:
            cached = sorted(d for d in self._year(year) if d.weekday() < 5)
            self._weekdays_by_year[year] = cached
        return cached

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b is before a. O(years), not O(days)."""
        if b < a:
            return -self.working_days_between(b, a)
        closed = 0
        for year in range(a.year, b.year + 1):
            days = self._closed_weekdays(year)
            closed += bisect_right(days, b) - bisect_right(days, a)
        return _weekdays_up_to(b) - _weekdays_up_to(a) - closed


def _weekdays_up_to(d: date) -> int:
    """Mondays-Fridays from 1 Jan 0001 (a Monday) to d inclusive."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)

"""WorkingCalendar: UK working days for the statutory clocks (FOIA s.10(6); EIR reg 2(1)).

Every expected date below was read off a printed calendar and the gov.uk bank-holiday lists.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from intake.caselog.clock.calendar import WorkingCalendar

CAL = WorkingCalendar()

# Union of England & Wales, Scotland and Northern Ireland, 2024-2027, as published on gov.uk.
UK_NON_WORKING_WEEKDAYS = [
    # 2024
    date(2024, 1, 1), date(2024, 1, 2), date(2024, 3, 18), date(2024, 3, 29), date(2024, 4, 1),
    date(2024, 5, 6), date(2024, 5, 27), date(2024, 7, 12), date(2024, 8, 5), date(2024, 8, 26),
    date(2024, 12, 2), date(2024, 12, 25), date(2024, 12, 26),
    # 2025
    date(2025, 1, 1), date(2025, 1, 2), date(2025, 3, 17), date(2025, 4, 18), date(2025, 4, 21),
    date(2025, 5, 5), date(2025, 5, 26), date(2025, 7, 14), date(2025, 8, 4), date(2025, 8, 25),
    date(2025, 12, 1), date(2025, 12, 25), date(2025, 12, 26),
    # 2026 (15 June: the one-off Scottish bank holiday)
    date(2026, 1, 1), date(2026, 1, 2), date(2026, 3, 17), date(2026, 4, 3), date(2026, 4, 6),
    date(2026, 5, 4), date(2026, 5, 25), date(2026, 6, 15), date(2026, 7, 13), date(2026, 8, 3),
    date(2026, 8, 31), date(2026, 11, 30), date(2026, 12, 25), date(2026, 12, 28),
    # 2027
    date(2027, 1, 1), date(2027, 1, 4), date(2027, 3, 17), date(2027, 3, 26), date(2027, 3, 29),
    date(2027, 5, 3), date(2027, 5, 31), date(2027, 7, 12), date(2027, 8, 2), date(2027, 8, 30),
    date(2027, 11, 30), date(2027, 12, 27), date(2027, 12, 28),
]


def test_exactly_the_published_holidays_are_non_working_weekdays() -> None:
    found = []
    d = date(2024, 1, 1)
    while d <= date(2027, 12, 31):
        if d.weekday() < 5 and not CAL.is_working_day(d):
            found.append(d)
        d = date.fromordinal(d.toordinal() + 1)
    assert found == UK_NON_WORKING_WEEKDAYS


@pytest.mark.parametrize(
    ("d", "reason"),
    [
        (date(2026, 12, 26), "Saturday"),
        (date(2026, 12, 27), "Sunday"),
        (date(2026, 12, 28), "Boxing Day (substitute day)"),
        (date(2024, 12, 25), "Christmas Day"),
        (date(2027, 12, 27), "Christmas Day (substitute day)"),
        (date(2025, 4, 18), "Good Friday"),
        (date(2025, 4, 21), "bank holiday (England, Wales and Northern Ireland): Easter Monday"),
        (date(2026, 11, 30), "bank holiday (Scotland): St Andrew's Day"),
        (date(2024, 12, 2), "bank holiday (Scotland): St Andrew's Day (substitute day)"),
        (date(2025, 1, 2), "bank holiday (Scotland): New Year Holiday"),
        (date(2027, 1, 4), "bank holiday (Scotland): New Year Holiday (substitute day)"),
        (date(2025, 8, 4), "bank holiday (Scotland): Summer Bank Holiday"),
        (date(2025, 8, 25), "bank holiday (England, Wales and Northern Ireland): "
                            "Late Summer Bank Holiday"),
        (date(2026, 3, 17), "bank holiday (Northern Ireland): St Patrick's Day"),
        (date(2024, 3, 18), "bank holiday (Northern Ireland): St Patrick's Day (substitute day)"),
        (date(2024, 7, 12), "bank holiday (Northern Ireland): Battle of the Boyne"),
        (date(2025, 7, 14),
         "bank holiday (Northern Ireland): Battle of the Boyne (substitute day)"),
        (date(2025, 1, 1), "New Year's Day"),
        (date(2026, 5, 25), "Spring Bank Holiday"),
        (date(2025, 1, 3), None),
    ],
)
def test_non_working_reason(d: date, reason: str | None) -> None:
    assert CAL.non_working_reason(d) == reason


def test_scottish_one_off_15_june_2026() -> None:
    reason = CAL.non_working_reason(date(2026, 6, 15))
    assert reason is not None and reason.startswith("bank holiday (Scotland): ")
    assert CAL.is_working_day(date(2026, 6, 16))


def test_extra_non_working_days_from_config() -> None:
    # A future proclamation: e.g. a one-off holiday declared after `holidays` was released.
    cal = WorkingCalendar(extra_non_working_days=[date(2026, 9, 14)])
    assert not cal.is_working_day(date(2026, 9, 14))
    assert cal.non_working_reason(date(2026, 9, 14)) == "extra non-working day (configured)"
    assert CAL.is_working_day(date(2026, 9, 14))
    labelled = WorkingCalendar({date(2026, 9, 14): "State occasion"})
    assert labelled.non_working_reason(date(2026, 9, 14)) == (
        "extra non-working day (configured): State occasion"
    )
    assert cal.extra_non_working_days == (date(2026, 9, 14),)


def test_next_working_day() -> None:
    # Thu 24 Dec 2026 -> Fri 25 Xmas, Sat 26, Sun 27, Mon 28 Boxing (substitute) -> Tue 29 Dec.
    assert CAL.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    # Fri 31 Dec 2027 -> Sat 1, Sun 2, Mon 3 (NYD sub), Tue 4 (Scottish 2 Jan sub) -> Wed 5 Jan.
    assert CAL.next_working_day(date(2027, 12, 31)) == date(2028, 1, 5)
    # Mon 6 Jan 2025 is a working day; the next one after it is Tue 7.
    assert CAL.next_working_day(date(2025, 1, 6)) == date(2025, 1, 7)


def test_add_working_days_start_is_day_zero() -> None:
    # Fri 3 Jan 2025: day 1 Mon 6 Jan (Sat 4 / Sun 5 skipped).
    assert CAL.add_working_days(date(2025, 1, 3), 1) == date(2025, 1, 6)
    # Sat 4 Jan 2025 as start (not a working day): day 1 is still Mon 6 Jan.
    assert CAL.add_working_days(date(2025, 1, 4), 1) == date(2025, 1, 6)
    # Wed 25 Dec 2024 (Christmas) as start: Thu 26 Boxing skipped; day 1 Fri 27 Dec.
    assert CAL.add_working_days(date(2024, 12, 25), 1) == date(2024, 12, 27)
    assert CAL.add_working_days(date(2024, 12, 25), 0) == date(2024, 12, 25)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2024, 12, 25), -1)


def test_working_days_between_half_open() -> None:
    # (Fri 20 Dec 2024, Fri 3 Jan 2025]: Mon 23, Tue 24, Fri 27, Mon 30, Tue 31, Fri 3 = 6.
    assert CAL.working_days_between(date(2024, 12, 20), date(2025, 1, 3)) == 6
    assert CAL.working_days_between(date(2025, 1, 3), date(2024, 12, 20)) == -6
    assert CAL.working_days_between(date(2025, 1, 3), date(2025, 1, 3)) == 0


def test_many_lookups_are_fast() -> None:
    # Digest runs compute thousands of due dates: per-year caching keeps this well under a second.
    cal = WorkingCalendar()
    t0 = time.perf_counter()
    start = date(2024, 1, 1)
    for i in range(3000):
        cal.add_working_days(date.fromordinal(start.toordinal() + i % 1400), 20)
    assert time.perf_counter() - t0 < 2.0

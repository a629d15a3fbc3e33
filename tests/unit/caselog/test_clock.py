"""Statutory clock: hand-checked due dates, 2024-2027.

Every expected date was counted by hand on a printed calendar (python -m calendar) against the
gov.uk bank-holiday lists for England & Wales, Scotland and Northern Ireland; the count is in the
comment. "skip" = not a working day. Day 0 is the date of receipt in UK local time.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from intake.caselog.clock import (
    ClockEvent,
    ClockSettings,
    clarification_lapses_on,
    compute,
    fee_lapses_on,
    local_date,
    months_later,
)
from intake.cli import deadline as deadline_cli

LONDON = ZoneInfo("Europe/London")
RESUME = ClockSettings(clarification_restart="resume")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def ev(kind: str, y: int, m: int, d: int, hh: int = 12, **data: object) -> ClockEvent:
    return ClockEvent(kind, at(y, m, d, hh), data)


# --- plain 20-working-day counts (FOI) ----------------------------------------------------------
FOI_CASES = [
    # Fri 20 Dec 2024; 1 Mon 23, 2 Tue 24, skip Wed 25 Xmas, Thu 26 Boxing, 3 Fri 27, 4 Mon 30,
    # 5 Tue 31, skip Wed 1 Jan NYD, Thu 2 Jan (Scotland), 6 Fri 3, 7 Mon 6, 8 Tue 7, 9 Wed 8,
    # 10 Thu 9, 11 Fri 10, 12 Mon 13, 13 Tue 14, 14 Wed 15, 15 Thu 16, 16 Fri 17, 17 Mon 20,
    # 18 Tue 21, 19 Wed 22, 20 Thu 23 Jan 2025.
    pytest.param(at(2024, 12, 20), date(2025, 1, 23), id="xmas-2024"),
    # Mon 15 Dec 2025; 1 Tue 16, 2 Wed 17, 3 Thu 18, 4 Fri 19, 5 Mon 22, 6 Tue 23, 7 Wed 24,
    # skip Thu 25 Xmas, Fri 26 Boxing, 8 Mon 29, 9 Tue 30, 10 Wed 31, skip Thu 1 Jan NYD,
    # Fri 2 Jan (Scotland), 11 Mon 5, 12 Tue 6, 13 Wed 7, 14 Thu 8, 15 Fri 9, 16 Mon 12, 17 Tue 13,
    # 18 Wed 14, 19 Thu 15, 20 Fri 16 Jan 2026.
    pytest.param(at(2025, 12, 15), date(2026, 1, 16), id="xmas-2025"),
    # Thu 24 Dec 2026; skip Fri 25 Xmas, Sat 26, Sun 27, Mon 28 Boxing (substitute), 1 Tue 29,
    # 2 Wed 30, 3 Thu 31, skip Fri 1 Jan NYD, Sat 2, Sun 3, Mon 4 (Scottish 2 Jan substitute),
    # 4 Tue 5, 5 Wed 6, 6 Thu 7, 7 Fri 8, 8 Mon 11, 9 Tue 12, 10 Wed 13, 11 Thu 14, 12 Fri 15,
    # 13 Mon 18, 14 Tue 19, 15 Wed 20, 16 Thu 21, 17 Fri 22, 18 Mon 25, 19 Tue 26, 20 Wed 27 Jan.
    pytest.param(at(2026, 12, 24), date(2027, 1, 27), id="xmas-2026-substitutes"),
    # Wed 22 Dec 2027; 1 Thu 23, 2 Fri 24, skip Sat 25, Sun 26, Mon 27 (Xmas sub), Tue 28 (Boxing
    # sub), 3 Wed 29, 4 Thu 30, 5 Fri 31, skip Sat 1, Sun 2, Mon 3 (NYD sub), Tue 4 (Scottish sub),
    # 6 Wed 5, 7 Thu 6, 8 Fri 7, 9 Mon 10, 10 Tue 11, 11 Wed 12, 12 Thu 13, 13 Fri 14, 14 Mon 17,
    # 15 Tue 18, 16 Wed 19, 17 Thu 20, 18 Fri 21, 19 Mon 24, 20 Tue 25 Jan 2028.
    pytest.param(at(2027, 12, 22), date(2028, 1, 25), id="xmas-2027-substitutes"),
    # Mon 25 Mar 2024; 1 Tue 26, 2 Wed 27, 3 Thu 28, skip Fri 29 Good Friday, Sat, Sun, Mon 1 Apr
    # Easter Monday, 4 Tue 2, 5 Wed 3, 6 Thu 4, 7 Fri 5, 8 Mon 8, 9 Tue 9, 10 Wed 10, 11 Thu 11,
    # 12 Fri 12, 13 Mon 15, 14 Tue 16, 15 Wed 17, 16 Thu 18, 17 Fri 19, 18 Mon 22, 19 Tue 23,
    # 20 Wed 24 Apr 2024.
    pytest.param(at(2024, 3, 25), date(2024, 4, 24), id="easter-2024"),
    # Tue 15 Apr 2025; 1 Wed 16, 2 Thu 17, skip Fri 18 GF, Sat, Sun, Mon 21 EM, 3 Tue 22, 4 Wed 23,
    # 5 Thu 24, 6 Fri 25, 7 Mon 28, 8 Tue 29, 9 Wed 30, 10 Thu 1 May, 11 Fri 2, skip Mon 5 May
    # (early May), 12 Tue 6, 13 Wed 7, 14 Thu 8, 15 Fri 9, 16 Mon 12, 17 Tue 13, 18 Wed 14,
    # 19 Thu 15, 20 Fri 16 May 2025.
    pytest.param(at(2025, 4, 15), date(2025, 5, 16), id="easter-2025-early-may"),
    # Fri 15 Mar 2024; skip Sat 16, Sun 17 (St Patrick's), Mon 18 (its substitute), 1 Tue 19,
    # 2 Wed 20, 3 Thu 21, 4 Fri 22, 5 Mon 25, 6 Tue 26, 7 Wed 27, 8 Thu 28, skip Fri 29 GF, Sat,
    # Sun, Mon 1 Apr EM, 9 Tue 2, 10 Wed 3, 11 Thu 4, 12 Fri 5, 13 Mon 8, 14 Tue 9, 15 Wed 10,
    # 16 Thu 11, 17 Fri 12, 18 Mon 15, 19 Tue 16, 20 Wed 17 Apr 2024.
    pytest.param(at(2024, 3, 15), date(2024, 4, 17), id="st-patrick-sub-2024-easter"),
    # Fri 14 Mar 2025; skip Sat 15, Sun 16, Mon 17 St Patrick's, 1 Tue 18, 2 Wed 19, 3 Thu 20,
    # 4 Fri 21, 5 Mon 24, 6 Tue 25, 7 Wed 26, 8 Thu 27, 9 Fri 28, 10 Mon 31, 11 Tue 1 Apr, 12 Wed 2,
    # 13 Thu 3, 14 Fri 4, 15 Mon 7, 16 Tue 8, 17 Wed 9, 18 Thu 10, 19 Fri 11, 20 Mon 14 Apr 2025.
    pytest.param(at(2025, 3, 14), date(2025, 4, 14), id="st-patrick-2025"),
    # Mon 16 Mar 2026; skip Tue 17 St Patrick's, 1 Wed 18, 2 Thu 19, 3 Fri 20, 4 Mon 23, 5 Tue 24,
    # 6 Wed 25, 7 Thu 26, 8 Fri 27, 9 Mon 30, 10 Tue 31, 11 Wed 1 Apr, 12 Thu 2, skip Fri 3 GF,
    # Sat, Sun, Mon 6 EM, 13 Tue 7, 14 Wed 8, 15 Thu 9, 16 Fri 10, 17 Mon 13, 18 Tue 14, 19 Wed 15,
    # 20 Thu 16 Apr 2026.
    pytest.param(at(2026, 3, 16), date(2026, 4, 16), id="st-patrick-2026-easter"),
    # Tue 16 Mar 2027; skip Wed 17 St Patrick's, 1 Thu 18, 2 Fri 19, 3 Mon 22, 4 Tue 23, 5 Wed 24,
    # 6 Thu 25, skip Fri 26 GF, Sat, Sun, Mon 29 EM, 7 Tue 30, 8 Wed 31, 9 Thu 1 Apr, 10 Fri 2,
    # 11 Mon 5, 12 Tue 6, 13 Wed 7, 14 Thu 8, 15 Fri 9, 16 Mon 12, 17 Tue 13, 18 Wed 14, 19 Thu 15,
    # 20 Fri 16 Apr 2027.
    pytest.param(at(2027, 3, 16), date(2027, 4, 16), id="st-patrick-2027-easter"),
    # Mon 29 Apr 2024; 1 Tue 30, 2 Wed 1 May, 3 Thu 2, 4 Fri 3, skip Mon 6 (early May), 5 Tue 7,
    # 6 Wed 8, 7 Thu 9, 8 Fri 10, 9 Mon 13, 10 Tue 14, 11 Wed 15, 12 Thu 16, 13 Fri 17, 14 Mon 20,
    # 15 Tue 21, 16 Wed 22, 17 Thu 23, 18 Fri 24, skip Mon 27 (spring), 19 Tue 28, 20 Wed 29 May.
    pytest.param(at(2024, 4, 29), date(2024, 5, 29), id="may-2024"),
    # Thu 30 Apr 2026; 1 Fri 1 May, skip Mon 4, 2 Tue 5, 3 Wed 6, 4 Thu 7, 5 Fri 8, 6 Mon 11,
    # 7 Tue 12, 8 Wed 13, 9 Thu 14, 10 Fri 15, 11 Mon 18, 12 Tue 19, 13 Wed 20, 14 Thu 21,
    # 15 Fri 22, skip Mon 25 (spring), 16 Tue 26, 17 Wed 27, 18 Thu 28, 19 Fri 29, 20 Mon 1 Jun.
    pytest.param(at(2026, 4, 30), date(2026, 6, 1), id="may-2026"),
    # Fri 5 Jun 2026; 1 Mon 8, 2 Tue 9, 3 Wed 10, 4 Thu 11, 5 Fri 12, skip Mon 15 (Scotland
    # one-off), 6 Tue 16, 7 Wed 17, 8 Thu 18, 9 Fri 19, 10 Mon 22, 11 Tue 23, 12 Wed 24, 13 Thu 25,
    # 14 Fri 26, 15 Mon 29, 16 Tue 30, 17 Wed 1 Jul, 18 Thu 2, 19 Fri 3, 20 Mon 6 Jul 2026.
    pytest.param(at(2026, 6, 5), date(2026, 7, 6), id="scotland-15-june-2026"),
    # Mon 8 Jul 2024; 1 Tue 9, 2 Wed 10, 3 Thu 11, skip Fri 12 (NI), 4 Mon 15, 5 Tue 16, 6 Wed 17,
    # 7 Thu 18, 8 Fri 19, 9 Mon 22, 10 Tue 23, 11 Wed 24, 12 Thu 25, 13 Fri 26, 14 Mon 29,
    # 15 Tue 30, 16 Wed 31, 17 Thu 1 Aug, 18 Fri 2, skip Mon 5 Aug (Scotland), 19 Tue 6,
    # 20 Wed 7 Aug 2024.
    pytest.param(at(2024, 7, 8), date(2024, 8, 7), id="12-july-2024-scottish-august"),
    # Thu 10 Jul 2025; 1 Fri 11, skip Sat 12, Sun 13, Mon 14 (12 July substitute), 2 Tue 15,
    # 3 Wed 16, 4 Thu 17, 5 Fri 18, 6 Mon 21, 7 Tue 22, 8 Wed 23, 9 Thu 24, 10 Fri 25, 11 Mon 28,
    # 12 Tue 29, 13 Wed 30, 14 Thu 31, 15 Fri 1 Aug, skip Mon 4 Aug (Scotland), 16 Tue 5,
    # 17 Wed 6, 18 Thu 7, 19 Fri 8, 20 Mon 11 Aug 2025.
    pytest.param(at(2025, 7, 10), date(2025, 8, 11), id="12-july-sub-2025"),
    # Fri 10 Jul 2026; skip Sat 11, Sun 12, Mon 13 (12 July substitute), 1 Tue 14, 2 Wed 15,
    # 3 Thu 16, 4 Fri 17, 5 Mon 20, 6 Tue 21, 7 Wed 22, 8 Thu 23, 9 Fri 24, 10 Mon 27, 11 Tue 28,
    # 12 Wed 29, 13 Thu 30, 14 Fri 31, skip Mon 3 Aug (Scotland), 15 Tue 4, 16 Wed 5, 17 Thu 6,
    # 18 Fri 7, 19 Mon 10, 20 Tue 11 Aug 2026.
    pytest.param(at(2026, 7, 10), date(2026, 8, 11), id="12-july-sub-2026"),
    # Fri 9 Jul 2027; skip Sat 10, Sun 11, Mon 12 (NI), 1 Tue 13, 2 Wed 14, 3 Thu 15, 4 Fri 16,
    # 5 Mon 19, 6 Tue 20, 7 Wed 21, 8 Thu 22, 9 Fri 23, 10 Mon 26, 11 Tue 27, 12 Wed 28, 13 Thu 29,
    # 14 Fri 30, skip Mon 2 Aug (Scotland), 15 Tue 3, 16 Wed 4, 17 Thu 5, 18 Fri 6, 19 Mon 9,
    # 20 Tue 10 Aug 2027.
    pytest.param(at(2027, 7, 9), date(2027, 8, 10), id="12-july-2027-scottish-august"),
    # Mon 18 Aug 2025; 1 Tue 19, 2 Wed 20, 3 Thu 21, 4 Fri 22, skip Mon 25 (late summer),
    # 5 Tue 26, 6 Wed 27, 7 Thu 28, 8 Fri 29, 9 Mon 1 Sep, 10 Tue 2, 11 Wed 3, 12 Thu 4, 13 Fri 5,
    # 14 Mon 8, 15 Tue 9, 16 Wed 10, 17 Thu 11, 18 Fri 12, 19 Mon 15, 20 Tue 16 Sep 2025.
    pytest.param(at(2025, 8, 18), date(2025, 9, 16), id="august-2025"),
    # Fri 23 Jul 2027; 1 Mon 26, 2 Tue 27, 3 Wed 28, 4 Thu 29, 5 Fri 30, skip Mon 2 Aug (Scotland),
    # 6 Tue 3, 7 Wed 4, 8 Thu 5, 9 Fri 6, 10 Mon 9, 11 Tue 10, 12 Wed 11, 13 Thu 12, 14 Fri 13,
    # 15 Mon 16, 16 Tue 17, 17 Wed 18, 18 Thu 19, 19 Fri 20, 20 Mon 23 Aug 2027.
    pytest.param(at(2027, 7, 23), date(2027, 8, 23), id="scottish-august-2027"),
    # Thu 28 Nov 2024; 1 Fri 29, skip Sat 30 (St Andrew's), Sun 1 Dec, Mon 2 (its substitute),
    # 2 Tue 3, 3 Wed 4, 4 Thu 5, 5 Fri 6, 6 Mon 9, 7 Tue 10, 8 Wed 11, 9 Thu 12, 10 Fri 13,
    # 11 Mon 16, 12 Tue 17, 13 Wed 18, 14 Thu 19, 15 Fri 20, 16 Mon 23, 17 Tue 24, skip Wed 25,
    # Thu 26, 18 Fri 27, 19 Mon 30, 20 Tue 31 Dec 2024.
    pytest.param(at(2024, 11, 28), date(2024, 12, 31), id="st-andrew-sub-2024"),
    # Fri 28 Nov 2025; skip Sat 29, Sun 30 (St Andrew's), Mon 1 Dec (substitute), 1 Tue 2,
    # 2 Wed 3, 3 Thu 4, 4 Fri 5, 5 Mon 8, 6 Tue 9, 7 Wed 10, 8 Thu 11, 9 Fri 12, 10 Mon 15,
    # 11 Tue 16, 12 Wed 17, 13 Thu 18, 14 Fri 19, 15 Mon 22, 16 Tue 23, 17 Wed 24, skip Thu 25,
    # Fri 26, Sat, Sun, 18 Mon 29, 19 Tue 30, 20 Wed 31 Dec 2025.
    pytest.param(at(2025, 11, 28), date(2025, 12, 31), id="st-andrew-sub-2025"),
    # Fri 27 Nov 2026; skip Sat 28, Sun 29, Mon 30 (St Andrew's), 1 Tue 1 Dec, 2 Wed 2, 3 Thu 3,
    # 4 Fri 4, 5 Mon 7, 6 Tue 8, 7 Wed 9, 8 Thu 10, 9 Fri 11, 10 Mon 14, 11 Tue 15, 12 Wed 16,
    # 13 Thu 17, 14 Fri 18, 15 Mon 21, 16 Tue 22, 17 Wed 23, 18 Thu 24, skip Fri 25 Xmas, Sat 26,
    # Sun 27, Mon 28 Boxing (sub), 19 Tue 29, 20 Wed 30 Dec 2026.
    pytest.param(at(2026, 11, 27), date(2026, 12, 30), id="st-andrew-2026-xmas"),
    # Mon 29 Nov 2027; skip Tue 30 (St Andrew's), 1 Wed 1 Dec, 2 Thu 2, 3 Fri 3, 4 Mon 6, 5 Tue 7,
    # 6 Wed 8, 7 Thu 9, 8 Fri 10, 9 Mon 13, 10 Tue 14, 11 Wed 15, 12 Thu 16, 13 Fri 17, 14 Mon 20,
    # 15 Tue 21, 16 Wed 22, 17 Thu 23, 18 Fri 24, skip Sat 25, Sun 26, Mon 27, Tue 28 (subs),
    # 19 Wed 29, 20 Thu 30 Dec 2027.
    pytest.param(at(2027, 11, 29), date(2027, 12, 30), id="st-andrew-2027"),
    # Received ON a bank holiday, Mon 1 Jan 2024: day 0 anyway; skip Tue 2 (Scottish 2 Jan),
    # 1 Wed 3, 2 Thu 4, 3 Fri 5, 4 Mon 8, 5 Tue 9, 6 Wed 10, 7 Thu 11, 8 Fri 12, 9 Mon 15,
    # 10 Tue 16, 11 Wed 17, 12 Thu 18, 13 Fri 19, 14 Mon 22, 15 Tue 23, 16 Wed 24, 17 Thu 25,
    # 18 Fri 26, 19 Mon 29, 20 Tue 30 Jan 2024.
    pytest.param(at(2024, 1, 1), date(2024, 1, 30), id="received-on-bank-holiday-2-jan"),
    # Received on a Saturday, Sat 4 Jan 2025 (day 0); skip Sun 5, 1 Mon 6, 2 Tue 7, 3 Wed 8,
    # 4 Thu 9, 5 Fri 10, 6 Mon 13, 7 Tue 14, 8 Wed 15, 9 Thu 16, 10 Fri 17, 11 Mon 20, 12 Tue 21,
    # 13 Wed 22, 14 Thu 23, 15 Fri 24, 16 Mon 27, 17 Tue 28, 18 Wed 29, 19 Thu 30, 20 Fri 31 Jan.
    pytest.param(at(2025, 1, 4), date(2025, 1, 31), id="received-saturday"),
    # Thu 16 Jan 2025 at 23:59 is still Thu 16 (day 0); 1 Fri 17, 2 Mon 20, 3 Tue 21, 4 Wed 22,
    # 5 Thu 23, 6 Fri 24, 7 Mon 27, 8 Tue 28, 9 Wed 29, 10 Thu 30, 11 Fri 31, 12 Mon 3 Feb,
    # 13 Tue 4, 14 Wed 5, 15 Thu 6, 16 Fri 7, 17 Mon 10, 18 Tue 11, 19 Wed 12, 20 Thu 13 Feb 2025.
    pytest.param(at(2025, 1, 16, 23, 59), date(2025, 2, 13), id="received-23:59"),
    # A minute later, Fri 17 Jan 00:00 is day 0: one working day later, Fri 14 Feb 2025.
    pytest.param(at(2025, 1, 17, 0, 0), date(2025, 2, 14), id="received-00:00-next-day"),
    # DST: 23:30 UTC on Tue 31 Mar 2026 is 00:30 BST on Wed 1 Apr (day 0); 1 Thu 2, skip Fri 3 GF,
    # Sat, Sun, Mon 6 EM, 2 Tue 7, 3 Wed 8, 4 Thu 9, 5 Fri 10, 6 Mon 13, 7 Tue 14, 8 Wed 15,
    # 9 Thu 16, 10 Fri 17, 11 Mon 20, 12 Tue 21, 13 Wed 22, 14 Thu 23, 15 Fri 24, 16 Mon 27,
    # 17 Tue 28, 18 Wed 29, 19 Thu 30, 20 Fri 1 May 2026.
    pytest.param(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), date(2026, 5, 1), id="dst-utc-2330"),
    # Same instant counted as 31 Mar would give day 1 Wed 1 Apr ... day 20 Thu 30 Apr: 22:30 UTC
    # is 23:30 BST on Tue 31 Mar (day 0), so the due date is Thu 30 Apr 2026.
    pytest.param(datetime(2026, 3, 31, 22, 30, tzinfo=UTC), date(2026, 4, 30), id="dst-utc-2230"),
    # Winter: 23:30 UTC on Wed 31 Dec 2025 is 23:30 GMT, still 31 Dec (day 0); skip Thu 1 Jan,
    # Fri 2 (Scotland), 1 Mon 5, 2 Tue 6, 3 Wed 7, 4 Thu 8, 5 Fri 9, 6 Mon 12, 7 Tue 13, 8 Wed 14,
    # 9 Thu 15, 10 Fri 16, 11 Mon 19, 12 Tue 20, 13 Wed 21, 14 Thu 22, 15 Fri 23, 16 Mon 26,
    # 17 Tue 27, 18 Wed 28, 19 Thu 29, 20 Fri 30 Jan 2026.
    pytest.param(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), date(2026, 1, 30), id="gmt-new-year"),
]


@pytest.mark.parametrize(("received_at", "due"), FOI_CASES)
def test_foi_due_dates(received_at: datetime, due: date) -> None:
    r = compute("foi", received_at)
    assert r.due == due
    assert r.state == "running"
    assert r.explanation[-1].startswith("Due: ")


def test_local_date_dst() -> None:
    # 23:30 UTC on 31 Mar 2026 is 00:30 BST on 1 Apr; 00:30 UTC on 25 Oct 2026 is 01:30 BST.
    assert local_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "Europe/London") == date(
        2026, 4, 1)
    assert local_date(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Europe/London") == date(
        2026, 10, 25)
    with pytest.raises(ValueError):
        local_date(datetime(2026, 1, 1, 12, 0), "Europe/London")


def test_explanation_names_skipped_days() -> None:
    r = compute("foi", at(2026, 12, 24))
    assert "Thu 24 Dec 2026 — received: day 0" in r.explanation
    assert "Fri 25 Dec 2026 — skipped: Christmas Day" in r.explanation
    assert "Sat 26 Dec 2026 — skipped: Saturday" in r.explanation
    assert "Mon 28 Dec 2026 — skipped: Boxing Day (substitute day)" in r.explanation
    assert "Tue 29 Dec 2026 — day 1" in r.explanation
    assert ("Mon 4 Jan 2027 — skipped: bank holiday (Scotland): New Year Holiday "
            "(substitute day)") in r.explanation
    assert "Wed 27 Jan 2027 — day 20 — DUE" in r.explanation


# --- clarification (FOIA s.1(3), s.10(6)(b); policy 14.2 variant) --------------------------------
def test_clarification_restarts_afresh() -> None:
    # Received Mon 2 Dec 2024; asked Tue 10 Dec; reply Fri 20 Dec = new day 0; then as the xmas-2024
    # case: 1 Mon 23, 2 Tue 24, skip 25/26, 3 Fri 27, ... 20 Thu 23 Jan 2025.
    events = [
        ev("clarification_requested", 2024, 12, 10), ev("clarification_received", 2024, 12, 20)
    ]
    r = compute("foi", at(2024, 12, 2), events)
    assert r.due == date(2025, 1, 23)
    assert r.state == "running"


def test_clarification_resume_variant() -> None:
    # Received Mon 2 Dec 2024 (a Scottish holiday, still day 0); 1 Tue 3, 2 Wed 4, 3 Thu 5, 4 Fri 6,
    # 5 Mon 9; asked Tue 10 (not counted) ... reply Fri 20 (not counted); 6 Mon 23, 7 Tue 24,
    # skip 25/26, 8 Fri 27, 9 Mon 30, 10 Tue 31, skip 1/2 Jan, 11 Fri 3, 12 Mon 6, 13 Tue 7,
    # 14 Wed 8, 15 Thu 9, 16 Fri 10, 17 Mon 13, 18 Tue 14, 19 Wed 15, 20 Thu 16 Jan 2025.
    events = [  # deliberately unsorted
        ev("clarification_received", 2024, 12, 20), ev("clarification_requested", 2024, 12, 10)
    ]
    r = compute("foi", at(2024, 12, 2), events, settings=RESUME)
    assert r.due == date(2025, 1, 16)


def test_clarification_outstanding_stops_the_clock() -> None:
    # Received Mon 6 Jan 2025; asked Fri 10 Jan; 3 months of the request end Thu 10 Apr.
    events = [ev("clarification_requested", 2025, 1, 10)]
    r = compute("foi", at(2025, 1, 6), events, today=date(2025, 4, 10))
    assert (r.state, r.due, r.lapses_on) == ("stopped", None, date(2025, 4, 11))
    assert r.state_reason == "awaiting clarification"
    # Afresh: a full 20 days will be available once the reply arrives.
    assert r.working_days_remaining == 20


def test_clarification_lapse_after_three_months() -> None:
    # Policy 14.1: asked Fri 10 Jan 2025, no reply by Thu 10 Apr -> lapsed from Fri 11 Apr 2025.
    events = [ev("clarification_requested", 2025, 1, 10)]
    r = compute("foi", at(2025, 1, 6), events, today=date(2025, 4, 11))
    assert (r.state, r.due, r.lapses_on) == ("lapsed", None, date(2025, 4, 11))
    # A reply after the lapse changes nothing (it would be a new request).
    late_reply = [*events, ev("clarification_received", 2025, 4, 14)]
    assert compute("foi", at(2025, 1, 6), late_reply).state == "lapsed"


def test_clarification_lapse_month_end() -> None:
    # Asked Fri 29 Nov 2024: no 29 Feb 2025, so the 3 months end Fri 28 Feb; lapses Sat 1 Mar.
    assert clarification_lapses_on(date(2024, 11, 29)) == date(2025, 3, 1)


# --- fees (FOIA s.9(2), s.10(2)) ---------------------------------------------------------------
def test_fee_pause_across_christmas() -> None:
    # Received Mon 16 Dec 2024; 1 Tue 17, 2 Wed 18, 3 Thu 19; notice Fri 20 Dec (not counted) to
    # payment Fri 3 Jan 2025 (not counted); 4 Mon 6, 5 Tue 7, 6 Wed 8, 7 Thu 9, 8 Fri 10, 9 Mon 13,
    # 10 Tue 14, 11 Wed 15, 12 Thu 16, 13 Fri 17, 14 Mon 20, 15 Tue 21, 16 Wed 22, 17 Thu 23,
    # 18 Fri 24, 19 Mon 27, 20 Tue 28 Jan 2025.
    events = [ev("fee_notice", 2024, 12, 20), ev("fee_paid", 2025, 1, 3)]
    r = compute("foi", at(2024, 12, 16), events, today=date(2025, 1, 13))
    assert r.due == date(2025, 1, 28)
    # By Mon 13 Jan: days 1-3 plus Mon 6 .. Mon 13 (6 days) = 9 taken, 11 remaining.
    assert (r.working_days_taken, r.working_days_remaining) == (9, 11)
    # Without the fee the due date is Fri 17 Jan (counted day by day in the xmas-2024 pattern).
    assert compute("foi", at(2024, 12, 16)).due == date(2025, 1, 17)


def test_fee_notice_and_payment_same_day() -> None:
    # Received Mon 3 Mar 2025; 1 Tue 4; Wed 5 notice+payment (not counted); 2 Thu 6, 3 Fri 7,
    # 4 Mon 10, 5 Tue 11, 6 Wed 12, 7 Thu 13, 8 Fri 14, skip Mon 17 (St Patrick's), 9 Tue 18,
    # 10 Wed 19, 11 Thu 20, 12 Fri 21, 13 Mon 24, 14 Tue 25, 15 Wed 26, 16 Thu 27, 17 Fri 28,
    # 18 Mon 31, 19 Tue 1 Apr, 20 Wed 2 Apr 2025.
    events = [ev("fee_notice", 2025, 3, 5, 9), ev("fee_paid", 2025, 3, 5, 16)]
    assert compute("foi", at(2025, 3, 3), events).due == date(2025, 4, 2)


def test_fee_outstanding_and_lapse() -> None:
    # Notice Fri 10 Jan 2025: 3 months beginning with it end Wed 9 Apr; lapses Thu 10 Apr 2025.
    events = [ev("fee_notice", 2025, 1, 10)]
    stopped = compute("foi", at(2025, 1, 6), events, today=date(2025, 4, 9))
    assert (stopped.state, stopped.state_reason) == ("stopped", "awaiting fee")
    assert stopped.lapses_on == date(2025, 4, 10)
    # Days 1-3 (Tue 7 - Thu 9 Jan) were used; 17 remain while paused.
    assert stopped.working_days_remaining == 17
    assert compute("foi", at(2025, 1, 6), events, today=date(2025, 4, 10)).state == "lapsed"
    paid_too_late = [*events, ev("fee_paid", 2025, 4, 10)]
    assert compute("foi", at(2025, 1, 6), paid_too_late).state == "lapsed"


@pytest.mark.parametrize(
    ("notice", "lapses"),
    [
        # 3 months beginning with Fri 31 Jan 2025: no 31 Apr, so end Wed 30 Apr; lapse Thu 1 May.
        (date(2025, 1, 31), date(2025, 5, 1)),
        # Beginning with Sat 1 Mar 2025: end Sat 31 May; lapse Sun 1 Jun.
        (date(2025, 3, 1), date(2025, 6, 1)),
        # Beginning with Sun 30 Nov 2025: no 30 Feb 2026, end Sat 28 Feb; lapse Sun 1 Mar 2026.
        (date(2025, 11, 30), date(2026, 3, 1)),
    ],
)
def test_fee_lapse_dates(notice: date, lapses: date) -> None:
    assert fee_lapses_on(notice) == lapses


# --- subject access (UK GDPR Art 12(3), ICO method) --------------------------------------------
@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Wed 31 Jan 2024: no 31 Feb; last day of Feb in a leap year, Thu 29 Feb (a working day).
        (date(2024, 1, 31), date(2024, 2, 29)),
        # Fri 31 Jan 2025: no 31 Feb; Fri 28 Feb 2025 (working day).
        (date(2025, 1, 31), date(2025, 2, 28)),
        # Wed 12 Mar 2025 -> Sat 12 Apr; skip Sat 12, Sun 13 -> Mon 14 Apr 2025.
        (date(2025, 3, 12), date(2025, 4, 14)),
        # Thu 29 Feb 2024 -> Fri 29 Mar Good Friday; skip Sat 30, Sun 31, Mon 1 Apr EM -> Tue 2 Apr.
        (date(2024, 2, 29), date(2024, 4, 2)),
        # Fri 31 Oct 2025: no 31 Nov -> Sun 30 Nov; skip Mon 1 Dec (St Andrew's sub) -> Tue 2 Dec.
        (date(2025, 10, 31), date(2025, 12, 2)),
        # Thu 25 Nov 2027 -> Sat 25 Dec; skip Sun 26, Mon 27, Tue 28 (subs) -> Wed 29 Dec 2027.
        (date(2027, 11, 25), date(2027, 12, 29)),
    ],
)
def test_sar_due_dates(received: date, due: date) -> None:
    r = compute("sar", at(received.year, received.month, received.day))
    assert r.due == due


def test_sar_extension_and_late_extension() -> None:
    # Fri 31 Jan 2025 + 3 months: no 31 Apr -> Wed 30 Apr 2025 (working day).
    r = compute("sar", at(2025, 1, 31), [ev("sar_extension", 2025, 2, 10)])
    assert (r.due, r.length) == (date(2025, 4, 30), "3 months")
    # Mon 6 Jan 2025 is due Thu 6 Feb; an extension notified Fri 7 Feb is too late.
    late = compute("sar", at(2025, 1, 6), [ev("sar_extension", 2025, 2, 7)])
    assert late.due == date(2025, 2, 6)
    assert late.notes and "not applied" in late.notes[0]


def test_sar_id_requested_then_received() -> None:
    # ID arrives Mon 10 Mar 2025; one month runs from it -> Thu 10 Apr 2025.
    events = [ev("id_requested", 2025, 3, 3), ev("id_received", 2025, 3, 10)]
    assert compute("sar", at(2025, 3, 3, 9), events).due == date(2025, 4, 10)
    assert compute("sar", at(2025, 3, 3, 9), events[:1]).state == "stopped"


# --- EIR (regs 5, 7) and PIT (FOIA s.10(3)) ----------------------------------------------------
def test_eir_extension_to_40() -> None:
    # Mon 29 Apr 2024, day 20 Wed 29 May (may-2024 case); extension on Fri 10 May; 21 Thu 30,
    # 22 Fri 31, 23 Mon 3 Jun, 24 Tue 4, 25 Wed 5, 26 Thu 6, 27 Fri 7, 28 Mon 10, 29 Tue 11,
    # 30 Wed 12, 31 Thu 13, 32 Fri 14, 33 Mon 17, 34 Tue 18, 35 Wed 19, 36 Thu 20, 37 Fri 21,
    # 38 Mon 24, 39 Tue 25, 40 Wed 26 Jun 2024.
    assert compute("eir", at(2024, 4, 29)).due == date(2024, 5, 29)
    r = compute("eir", at(2024, 4, 29), [ev("eir_extension", 2024, 5, 10)])
    assert (r.due, r.length) == (date(2024, 6, 26), "40 working days")


def test_eir_extension_after_day_20_does_not_extend() -> None:
    r = compute("eir", at(2024, 4, 29), [ev("eir_extension", 2024, 5, 30)])
    assert r.due == date(2024, 5, 29)
    assert "cannot extend" in r.notes[0]


@pytest.mark.parametrize(
    ("data", "due"),
    [
        # Mon 18 Aug 2025, day 20 Tue 16 Sep; +20: 21 Wed 17, 22 Thu 18, 23 Fri 19, 24 Mon 22,
        # 25 Tue 23, 26 Wed 24, 27 Thu 25, 28 Fri 26, 29 Mon 29, 30 Tue 30, 31 Wed 1 Oct, 32 Thu 2,
        # 33 Fri 3, 34 Mon 6, 35 Tue 7, 36 Wed 8, 37 Thu 9, 38 Fri 10, 39 Mon 13, 40 Tue 14 Oct.
        ({}, date(2025, 10, 14)),
        # +10 -> day 30 Tue 30 Sep 2025.
        ({"days": 10}, date(2025, 9, 30)),
        # Until Fri 3 Oct 2025 (day 33 by the count above).
        ({"until": "2025-10-03"}, date(2025, 10, 3)),
        # Until Sun 5 Oct: not a working day, so the working day before it, Fri 3 Oct.
        ({"until": date(2025, 10, 5)}, date(2025, 10, 3)),
    ],
)
def test_pit_extension(data: dict[str, object], due: date) -> None:
    r = compute("foi", at(2025, 8, 18), [ev("pit_extension", 2025, 9, 15, **data)])
    assert r.due == due


def test_pit_extension_on_day_20_counts_but_not_after() -> None:
    # Notice on day 20 itself (Tue 16 Sep 2025) is in time -> Tue 14 Oct.
    ok = compute("foi", at(2025, 8, 18), [ev("pit_extension", 2025, 9, 16)])
    assert ok.due == date(2025, 10, 14)
    # Notice on Wed 17 Sep is too late; a response on Mon 22 Sep is late by 4 working days
    # (Wed 17, Thu 18, Fri 19, Mon 22).
    events = [ev("pit_extension", 2025, 9, 17), ev("responded", 2025, 9, 22)]
    late = compute("foi", at(2025, 8, 18), events)
    assert (late.due, late.state) == (date(2025, 9, 16), "late")
    assert "4 working days after" in late.state_reason


# --- internal review, re-use, publication scheme -----------------------------------------------
def test_internal_review_20_and_40() -> None:
    # Received Mon 1 Dec 2025 (St Andrew's substitute; still day 0); 1 Tue 2, 2 Wed 3, 3 Thu 4,
    # 4 Fri 5, 5 Mon 8 (acknowledge by), 6 Tue 9, 7 Wed 10, 8 Thu 11, 9 Fri 12, 10 Mon 15,
    # 11 Tue 16, 12 Wed 17, 13 Thu 18, 14 Fri 19, 15 Mon 22, 16 Tue 23, 17 Wed 24, skip Thu 25,
    # Fri 26, 18 Mon 29, 19 Tue 30, 20 Wed 31 Dec 2025.
    r = compute("internal_review", at(2025, 12, 1))
    assert (r.acknowledge_by, r.due) == (date(2025, 12, 8), date(2025, 12, 31))
    # Complex: skip Thu 1 Jan, Fri 2 (Scotland), 21 Mon 5, 22 Tue 6, 23 Wed 7, 24 Thu 8, 25 Fri 9,
    # 26 Mon 12, 27 Tue 13, 28 Wed 14, 29 Thu 15, 30 Fri 16, 31 Mon 19, 32 Tue 20, 33 Wed 21,
    # 34 Thu 22, 35 Fri 23, 36 Mon 26, 37 Tue 27, 38 Wed 28, 39 Thu 29, 40 Fri 30 Jan 2026.
    c = compute("internal_review", at(2025, 12, 1), [ev("complex_review", 2025, 12, 10)])
    assert c.due == date(2026, 1, 30)


def test_eir_internal_review_is_40_working_days() -> None:
    # EIR reg 11(4). Received Mon 1 Dec 2025: the 20-day count above ends Wed 31 Dec (day 20);
    # the complex-review count above reaches day 40 on Fri 30 Jan 2026 — the same days apply.
    r = compute("eir_internal_review", at(2025, 12, 1))
    assert (r.acknowledge_by, r.due) == (date(2025, 12, 8), date(2026, 1, 30))


def test_reuse_acknowledge_3_answer_20() -> None:
    # Wed 30 Jul 2025; 1 Thu 31, 2 Fri 1 Aug, skip Mon 4 (Scotland), 3 Tue 5 (acknowledge by),
    # 4 Wed 6, 5 Thu 7, 6 Fri 8, 7 Mon 11, 8 Tue 12, 9 Wed 13, 10 Thu 14, 11 Fri 15, 12 Mon 18,
    # 13 Tue 19, 14 Wed 20, 15 Thu 21, 16 Fri 22, skip Mon 25, 17 Tue 26, 18 Wed 27, 19 Thu 28,
    # 20 Fri 29 Aug 2025.
    r = compute("reuse", at(2025, 7, 30))
    assert (r.acknowledge_by, r.due) == (date(2025, 8, 5), date(2025, 8, 29))


def test_publication_scheme_5_days_with_backstop() -> None:
    # Thu 24 Dec 2026; skip Fri 25 .. Mon 28, 1 Tue 29, 2 Wed 30, 3 Thu 31, skip Fri 1 Jan .. Mon 4,
    # 4 Tue 5, 5 Wed 6 Jan 2027; backstop day 20 Wed 27 Jan 2027 (xmas-2026 case).
    r = compute("publication_scheme", at(2026, 12, 24))
    assert (r.due, r.backstop_due) == (date(2027, 1, 6), date(2027, 1, 27))


# --- responses, states, review window ----------------------------------------------------------
def test_met_late_and_review_window() -> None:
    # Due Thu 23 Jan 2025 (xmas-2024). Window: 40 working days after Thu 23 Jan: 1 Fri 24,
    # 2 Mon 27, 3 Tue 28, 4 Wed 29, 5 Thu 30, 6 Fri 31, 7 Mon 3 Feb, 8 Tue 4, 9 Wed 5, 10 Thu 6,
    # 11 Fri 7, 12 Mon 10, 13 Tue 11, 14 Wed 12, 15 Thu 13, 16 Fri 14, 17 Mon 17, 18 Tue 18,
    # 19 Wed 19, 20 Thu 20, 21 Fri 21, 22 Mon 24, 23 Tue 25, 24 Wed 26, 25 Thu 27, 26 Fri 28,
    # 27 Mon 3 Mar, 28 Tue 4, 29 Wed 5, 30 Thu 6, 31 Fri 7, 32 Mon 10, 33 Tue 11, 34 Wed 12,
    # 35 Thu 13, 36 Fri 14, skip Mon 17 (St Patrick's), 37 Tue 18, 38 Wed 19, 39 Thu 20,
    # 40 Fri 21 Mar 2025.
    met = compute("foi", at(2024, 12, 20), [ev("responded", 2025, 1, 23, 17)])
    assert (met.state, met.working_days_taken) == ("met", 20)
    assert met.review_request_deadline == date(2025, 3, 21)
    late = compute("foi", at(2024, 12, 20), [ev("responded", 2025, 1, 24)])
    assert (late.state, late.working_days_taken) == ("late", 21)


def test_overdue_running_and_remaining() -> None:
    # Due Thu 23 Jan 2025. On Fri 10 Jan: days 1-11 used, 9 left.
    r = compute("foi", at(2024, 12, 20), today=date(2025, 1, 10))
    assert (r.state, r.working_days_taken, r.working_days_remaining) == ("running", 11, 9)
    # On Mon 27 Jan: Fri 24 and Mon 27 are past the due date.
    o = compute("foi", at(2024, 12, 20), today=date(2025, 1, 27))
    assert (o.state, o.working_days_remaining) == ("overdue", -2)


def test_closed_without_response() -> None:
    r = compute("foi", at(2024, 12, 20), [ev("closed", 2025, 1, 6)], today=date(2025, 2, 1))
    assert r.state == "closed"


def test_events_in_any_order_give_the_same_answer() -> None:
    events = [
        ev("fee_notice", 2024, 12, 20), ev("fee_paid", 2025, 1, 3),
        ev("pit_extension", 2025, 1, 20, days=5), ev("responded", 2025, 2, 3),
    ]
    a = compute("foi", at(2024, 12, 16), events)
    b = compute("foi", at(2024, 12, 16), list(reversed(events)))
    assert a == b
    # Tue 28 Jan 2025 (fee case) + 5: 21 Wed 29, 22 Thu 30, 23 Fri 31, 24 Mon 3 Feb, 25 Tue 4.
    assert (a.due, a.state) == (date(2025, 2, 4), "met")


def test_inapplicable_and_bad_events() -> None:
    r = compute("internal_review", at(2025, 12, 1), [ev("fee_notice", 2025, 12, 3)])
    assert r.due == date(2025, 12, 31) and r.notes
    with pytest.raises(ValueError, match="unknown clock event"):
        compute("foi", at(2025, 1, 6), [ev("clarification_recieved", 2025, 1, 7)])
    with pytest.raises(ValueError, match="before receipt"):
        compute("foi", at(2025, 1, 6), [ev("responded", 2025, 1, 5)])
    with pytest.raises(ValueError, match="unknown kind"):
        compute("bogus", at(2025, 1, 6))


def test_months_later() -> None:
    assert months_later(date(2024, 1, 31), 1) == (date(2024, 2, 29), False)
    assert months_later(date(2025, 11, 15), 3) == (date(2026, 2, 15), True)


def test_to_json() -> None:
    j = compute("foi", at(2024, 12, 20)).to_json()
    assert (j["due"], j["state"]) == ("2025-01-23", "running")
    assert isinstance(j["explanation"], list)
    json.dumps(j)


# --- the `deadline` sub-command ------------------------------------------------------------------
def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="foi-intake")
    deadline_cli.add_parser(parser.add_subparsers(dest="command"))
    return deadline_cli.run(parser.parse_args(argv))


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(["deadline", "--kind", "foi", "--received", "2024-12-02T10:00",
                 "--event", "clarification_requested@2024-12-10T09:00",
                 "--event", "clarification_received@2024-12-20T15:30", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (out["due"], out["state"]) == ("2025-01-23", "running")
    assert any("day 20" in line for line in out["explanation"])


def test_cli_explain_and_event_data(capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(["deadline", "--kind", "foi", "--received", "2025-08-18T09:00",
                 "--event", "pit_extension@2025-09-15T10:00,days=10", "--explain"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("due 2025-09-30")
    assert "Mon 25 Aug 2025 — skipped: bank holiday (England, Wales and Northern Ireland)" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["deadline", "--kind", "fio", "--received", "2025-01-06T10:00"],
        ["deadline", "--kind", "foi"],
        ["deadline", "--kind", "foi", "--received", "06/01/2025"],
        ["deadline", "--kind", "foi", "--received", "2025-01-06T10:00", "--event", "oops"],
        ["deadline", "--kind", "foi", "--received", "2025-01-06T10:00", "--event", "x@2025-01-07"],
        ["deadline", "--kind", "foi", "--received", "2025-01-06T10:00", "--today", "tomorrow"],
        ["deadline", "--kind", "foi", "--received", "2025-01-06T10:00",
         "--event", "responded@2025-01-01T10:00"],
    ],
)
def test_cli_bad_input(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("foi-intake deadline: error: ")

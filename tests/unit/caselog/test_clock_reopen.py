"""A reopened case: its earlier response or closure no longer ends the clock, and the due date stays.

Received Mon 3 Mar 2025 (day 0); 1 Tue 4, 2 Wed 5, 3 Thu 6, 4 Fri 7, 5 Mon 10, 6 Tue 11, 7 Wed 12,
8 Thu 13, 9 Fri 14, skip Mon 17 (St Patrick's Day), 10 Tue 18, 11 Wed 19, 12 Thu 20, 13 Fri 21,
14 Mon 24, 15 Tue 25, 16 Wed 26, 17 Thu 27, 18 Fri 28, 19 Mon 31, 20 Tue 1 Apr 2025.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake.caselog.clock import EVENT_TYPES, KINDS, ClockEvent, ClockSettings, compute
from intake.vocabulary import EventType

LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)
DUE = date(2025, 4, 1)


def ev(kind: str, m: int, d: int, **data: object) -> ClockEvent:
    return ClockEvent(kind, datetime(2025, m, d, 12, 0, tzinfo=LONDON), data)


def test_every_clock_event_type_is_in_the_vocabulary() -> None:
    assert all(isinstance(t, EventType) for t in EVENT_TYPES)
    assert EventType.REOPENED in EVENT_TYPES


def test_a_response_then_a_reopen_runs_again_to_the_same_due_date() -> None:
    answered = compute("foi", RECEIVED, [ev("responded", 3, 10)], today=date(2025, 3, 20))
    assert (answered.state, answered.due) == ("met", DUE)
    r = compute("foi", RECEIVED, [ev("responded", 3, 10), ev("reopened", 3, 14)], today=date(2025, 3, 20))
    assert (r.state, r.due, r.responded) == ("running", DUE, None)
    assert r.working_days_remaining == 8  # day 12 on Thu 20 Mar: the days since the response counted
    assert r.events_applied == ("responded@2025-03-10", "reopened@2025-03-14")
    assert ("Fri 14 Mar 2025 — reopened: the response of Mon 10 Mar 2025 no longer ends the clock; "
            "the days since count as usual (day 8 so far), so the due date does not move") in r.explanation


def test_a_reopened_case_past_its_due_date_is_overdue() -> None:
    events = [ev("responded", 3, 28), ev("reopened", 4, 3)]
    r = compute("foi", RECEIVED, events, today=date(2025, 4, 4))
    assert (r.state, r.due) == ("overdue", DUE)
    assert r.working_days_remaining == -3  # Wed 2, Thu 3, Fri 4 Apr


def test_a_second_response_after_a_reopen_is_judged_against_the_same_due_date() -> None:
    events = [ev("responded", 3, 10), ev("reopened", 3, 14), ev("responded", 4, 3)]
    r = compute("foi", RECEIVED, events, today=date(2025, 4, 10))
    assert (r.state, r.due, r.responded) == ("late", DUE, date(2025, 4, 3))
    on_time = compute("foi", RECEIVED, [*events[:2], ev("responded", 3, 31)], today=date(2025, 4, 10))
    assert (on_time.state, on_time.due) == ("met", DUE)


def test_a_closure_then_a_reopen_runs_again() -> None:
    r = compute("foi", RECEIVED, [ev("closed", 3, 5), ev("reopened", 3, 6)], today=date(2025, 3, 7))
    assert (r.state, r.due, r.working_days_remaining) == ("running", DUE, 16)


@pytest.mark.parametrize("restart", ["afresh", "resume"])
def test_a_reopen_while_the_clock_was_stopped_stops_it_again(restart: str) -> None:
    events = [ev("clarification_requested", 3, 5), ev("responded", 3, 6), ev("reopened", 3, 12)]
    r = compute("foi", RECEIVED, events, settings=ClockSettings(clarification_restart=restart),
                today=date(2025, 3, 13))
    assert (r.state, r.due, r.state_reason) == ("stopped", None, "awaiting clarification")
    assert ("Wed 12 Mar 2025 — reopened: the response of Thu 6 Mar 2025 no longer ends the clock; "
            "it is still stopped") in r.explanation


def test_a_reopen_with_nothing_ended_has_no_effect() -> None:
    r = compute("foi", RECEIVED, [ev("reopened", 3, 5)], today=date(2025, 3, 7))
    assert (r.state, r.due) == ("running", DUE)
    assert r.events_applied == ()
    assert r.notes == ("reopened@2025-03-05: reopened, but nothing had ended the clock; no effect",)


def test_a_lapse_is_final() -> None:
    events = [ev("clarification_requested", 3, 5), ev("reopened", 7, 1)]
    r = compute("foi", RECEIVED, events, today=date(2025, 7, 2))
    assert r.state == "lapsed"
    assert r.notes == ("reopened@2025-07-01: ignored, after the case was lapsed",)


def test_a_reopened_subject_access_request_runs_again_to_the_same_due_date() -> None:
    events = [ev("responded", 3, 10), ev("reopened", 3, 17)]
    r = compute("sar", RECEIVED, events, today=date(2025, 3, 20))
    assert (r.state, r.due, r.responded) == ("running", date(2025, 4, 3), None)
    late = compute("sar", RECEIVED, events, today=date(2025, 4, 4))
    assert (late.state, late.due) == ("overdue", date(2025, 4, 3))
    assert late.explanation[-2] == ("Mon 17 Mar 2025 — reopened: the response of Mon 10 Mar 2025 no longer "
                                    "ends the clock, so the due date does not move")


def test_a_reopen_after_the_lapse_day_of_a_pause_lapses_on_that_day() -> None:
    # Asked Wed 5 Mar; no reply within 3 months, so the request lapses on Fri 6 Jun 2025.
    events = [ev("clarification_requested", 3, 5), ev("responded", 3, 6), ev("reopened", 6, 20)]
    r = compute("foi", RECEIVED, events, today=date(2025, 6, 23))
    assert (r.state, r.lapses_on) == ("lapsed", date(2025, 6, 6))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(KINDS), received=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31),
                                                          timezones=st.just(LONDON)),
       answered=st.integers(0, 60), reopened=st.integers(0, 60), later=st.integers(0, 90))
def test_reopening_never_moves_the_due_date(kind: str, received: datetime, answered: int, reopened: int,
                                            later: int) -> None:
    response = received + timedelta(days=answered)
    events = [ClockEvent("responded", response), ClockEvent("reopened", response + timedelta(days=reopened, minutes=1))]
    today = (response + timedelta(days=reopened + later)).date()
    before = compute(kind, received, events[:1])
    after = compute(kind, received, events, today=today)
    assert after.due == before.due
    assert after.state == ("overdue" if before.due and today > before.due else "running")

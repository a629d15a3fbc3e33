"""Properties of the statutory clock that must hold for any receipt time and any pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.caselog.clock import KINDS, ClockEvent, ClockSettings, compute
from intake.caselog.clock.calendar import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar()
WORKING_DAY_KINDS = tuple(k for k in KINDS if k != "sar")
FAST = settings(max_examples=150, deadline=None)

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(LONDON)
)
restart_modes = st.sampled_from(["afresh", "resume"])


def _shift(at: datetime, days: int, minutes: int = 0) -> datetime:
    """`days` calendar days after `at` (wall-clock arithmetic keeps the local time of day)."""
    return at + timedelta(days=days, minutes=minutes)


@FAST
@given(kind=st.sampled_from(KINDS), a=instants, gap=st.timedeltas(timedelta(0), timedelta(days=60)))
def test_later_receipt_never_gives_an_earlier_due_date(
    kind: str, a: datetime, gap: timedelta
) -> None:
    b = a + gap
    due_a, due_b = compute(kind, a).due, compute(kind, b).due
    assert due_a is not None and due_b is not None
    assert due_a <= due_b


@FAST
@given(kind=st.sampled_from(KINDS), at=instants)
def test_due_date_is_always_a_working_day(kind: str, at: datetime) -> None:
    due = compute(kind, at).due
    assert due is not None and CAL.is_working_day(due)
    assert due > at.astimezone(LONDON).date()


@FAST
@given(
    kind=st.sampled_from(("foi", "eir")),
    at=instants,
    start=st.integers(0, 35),
    length=st.integers(0, 80),
    mode=restart_modes,
)
def test_a_clarification_never_shortens_the_clock(
    kind: str, at: datetime, start: int, length: int, mode: str
) -> None:
    events = [
        ClockEvent("clarification_requested", _shift(at, start)),
        ClockEvent("clarification_received", _shift(at, start + length, 1)),
    ]
    plain = compute(kind, at).due
    paused = compute(kind, at, events, settings=ClockSettings(clarification_restart=mode)).due
    assert plain is not None and paused is not None
    assert paused >= plain
    assert CAL.is_working_day(paused)


@FAST
@given(at=instants, start=st.integers(0, 35), length=st.integers(0, 80))
def test_a_fee_pause_never_shortens_the_clock(at: datetime, start: int, length: int) -> None:
    events = [
        ClockEvent("fee_notice", _shift(at, start)),
        ClockEvent("fee_paid", _shift(at, start + length, 1)),
    ]
    plain = compute("foi", at).due
    paused = compute("foi", at, events).due
    assert plain is not None and paused is not None
    assert paused >= plain
    # The pause can add at most the working days it covers (notice to payment, both included).
    notice, paid = _shift(at, start).date(), _shift(at, start + length, 1).date()
    covered = CAL.working_days_between(notice - timedelta(days=1), paid)
    assert CAL.working_days_between(plain, paused) <= covered


@FAST
@given(
    at=instants,
    offsets=st.lists(st.integers(0, 40), min_size=2, max_size=2),
    seed=st.randoms(use_true_random=False),
)
def test_event_order_never_matters(at: datetime, offsets: list[int], seed: object) -> None:
    a, b = sorted(offsets)
    events = [
        ClockEvent("fee_notice", _shift(at, a)),
        ClockEvent("fee_paid", _shift(at, b, 2)),
        ClockEvent("pit_extension", _shift(at, a, 1), {"days": 5}),
    ]
    shuffled = list(events)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    assert compute("foi", at, events) == compute("foi", at, shuffled)


@FAST
@given(start=st.dates(date(2020, 1, 1), date(2035, 12, 31)), n=st.integers(1, 60))
def test_add_and_count_working_days_agree(start: date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == n


event_types = st.sampled_from(["clarification_requested", "clarification_received", "fee_notice", "fee_paid",
                               "pit_extension", "eir_extension", "sar_extension", "complex_review", "reuse_extension",
                               "id_requested", "id_received", "responded", "closed", "reopened"])


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(KINDS), at=instants, mode=restart_modes,
       steps=st.lists(st.tuples(event_types, st.integers(0, 90)), max_size=6), today=st.integers(-5, 400))
def test_the_verdict_without_the_explanation_is_the_same(
    kind: str, at: datetime, mode: str, steps: list[tuple[str, int]], today: int
) -> None:
    # Issue 12: lists of cases ask for the verdict only, and a quiet stretch of days is then counted in one go.
    events = [ClockEvent(t, _shift(at, sum(d for _, d in steps[:i + 1])),
                         {"days": 20} if t in ("pit_extension", "eir_extension") else {})
              for i, (t, _) in enumerate(steps)]
    config = ClockSettings(clarification_restart=mode)
    day = (at + timedelta(days=today)).date()
    full = compute(kind, at, events, settings=config, today=day)
    verdict = compute(kind, at, events, settings=config, today=day, explaining=False)
    assert {**verdict.to_json(), "explanation": []} == {**full.to_json(), "explanation": []}

"""One handler per event type: how the event changes a working-day count, as a structured outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from intake.caselog.clock.dates import clarification_lapses_on, fee_lapses_on, parse_date
from intake.caselog.clock.model import Ev
from intake.caselog.clock.statute import EXTENSIONS, PIT_USUAL_MAX_FURTHER_DAYS
from intake.caselog.clock.steps import (
    ClarificationAnswered,
    ClarificationAsked,
    Ended,
    FeeNotice,
    FeePaid,
    FurtherDays,
    NewLimit,
    Outcome,
    Reopened,
)
from intake.caselog.clock.tally import Tally
from intake.vocabulary import EventType

__all__ = ["HANDLERS", "Handler"]

Handler = Callable[[Ev, date, Tally], Outcome]


def clarification_requested(e: Ev, d: date, c: Tally) -> Outcome:
    if "clarification" in c.pauses:
        return ClarificationAsked(applied=False)
    c.pauses["clarification"] = d
    c.lapse_on["clarification"] = clarification_lapses_on(d, c.lapse_months)
    return ClarificationAsked(lapses_on=c.lapse_on["clarification"], after_due=not c.in_time,
                              tells_day=not c.afresh, pauses=True)


def clarification_received(e: Ev, d: date, c: Tally) -> Outcome:
    if "clarification" not in c.pauses:
        return ClarificationAnswered(outstanding=False, applied=False)
    del c.pauses["clarification"], c.lapse_on["clarification"]
    if c.afresh:
        c.start, c.counted, c.reached = d, 0, {}
        return ClarificationAnswered(outstanding=True, afresh=True, tells_day=True, restarts=True)
    return ClarificationAnswered(outstanding=True, counted=c.counted, tells_day=True)


def fee_notice(e: Ev, d: date, c: Tally) -> Outcome:
    if "fee" in c.pauses:
        return FeeNotice(applied=False)
    c.pauses["fee"] = d
    c.lapse_on["fee"] = fee_lapses_on(d)
    return FeeNotice(lapses_on=c.lapse_on["fee"], tells_day=True, pauses=True)


def fee_paid(e: Ev, d: date, c: Tally) -> Outcome:
    if "fee" not in c.pauses:
        return FeePaid(outstanding=False, applied=False)
    del c.pauses["fee"], c.lapse_on["fee"]
    return FeePaid(outstanding=True, counted=c.counted, tells_day=True)


def further_days(e: Ev, d: date, c: Tally) -> Outcome:
    """PIT / re-use extension: further working days, from `days`, `until`, or the usual 20."""
    ext = EXTENSIONS[e.type]
    if not c.in_time:
        return FurtherDays(ext=ext, too_late=True, applied=False)
    if "until" in e.data:
        until = parse_date(e.data["until"], f"{e.type} until")
        touched = bool(c.pauses) or d == c.start
        base = d if touched else d - timedelta(days=1)
        extra = c.cal.working_days_between(c.projected_due(base), until)
        working = c.cal.is_working_day(until)
        if extra <= 0:
            return FurtherDays(ext=ext, until=until, applied=False)
    else:
        until, working, extra = None, True, _whole_days(e)
        if extra <= 0:
            return FurtherDays(ext=ext, applied=False)
    c.further += extra
    c.limit += extra
    over = PIT_USUAL_MAX_FURTHER_DAYS if c.further > PIT_USUAL_MAX_FURTHER_DAYS else None
    return FurtherDays(ext=ext, extra=extra, limit=c.limit, until=until, until_is_working_day=working,
                       over_usual=over)


def _whole_days(e: Ev) -> int:
    raw = e.data.get("days", PIT_USUAL_MAX_FURTHER_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{e.type}: days must be a whole number, got {raw!r}") from exc
    if days < 0:
        raise ValueError(f"{e.type}: days must be >= 0")
    return days


def new_limit(e: Ev, d: date, c: Tally) -> Outcome:
    """EIR extension / complex review: the limit becomes the longer one."""
    ext = EXTENSIONS[e.type]
    assert ext.to is not None  # the statute table gives these two a new limit
    if not c.in_time:
        return NewLimit(ext=ext, too_late=True, applied=False)
    if c.limit >= ext.to:
        return NewLimit(ext=ext, limit=c.limit, applied=False)
    c.limit = ext.to
    return NewLimit(ext=ext, limit=ext.to)


def ended(e: Ev, d: date, c: Tally) -> Outcome:
    c.end(e.type, d)
    return Ended(ends=e.type)


def reopened(e: Ev, d: date, c: Tally) -> Outcome:
    """The earlier ending no longer ends the clock: the count carries on as if it never had.

    The statutory due date does not move: the working days since the ending count as usual
    (unless the clock was stopped then), so the case is running or overdue again.
    """
    if c.ending is None:
        return Reopened(applied=False)
    what, on = c.ending
    c.ending, c.responded_on = None, None
    first, last = on + timedelta(days=1), d - timedelta(days=1)
    if c.pauses:
        last = min(last, *(lapse - timedelta(days=1) for lapse in c.lapse_on.values()))
        if first <= last and c.in_time:
            c.pause_days(first, last)
    else:
        day = first
        while day <= last:
            if c.cal.is_working_day(day):
                c.count_day(day)
            day += timedelta(days=1)
    return Reopened(ended=EventType(what), ended_on=on, counted=c.counted, still_stopped=bool(c.pauses))


HANDLERS: dict[EventType, Handler] = {
    EventType.CLARIFICATION_REQUESTED: clarification_requested,
    EventType.CLARIFICATION_RECEIVED: clarification_received,
    EventType.FEE_NOTICE: fee_notice,
    EventType.FEE_PAID: fee_paid,
    EventType.PIT_EXTENSION: further_days,
    EventType.REUSE_EXTENSION: further_days,
    EventType.EIR_EXTENSION: new_limit,
    EventType.COMPLEX_REVIEW: new_limit,
    EventType.RESPONDED: ended,
    EventType.CLOSED: ended,
    EventType.REOPENED: reopened,
}

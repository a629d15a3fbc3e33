"""The working-day count: walk the calendar from receipt, let each event's handler act, then judge.

Counting (rules.md section 3): the calendar day of receipt in the organisation's time zone is day 0,
whatever the hour and even on a weekend or bank holiday; the next working day is day 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from intake.caselog.clock import explain
from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.handlers import HANDLERS
from intake.caselog.clock.model import ClockResult, ClockSettings, ClockState, Ev
from intake.caselog.clock.statute import REVIEW_WINDOW_DAYS, Rule
from intake.caselog.clock.steps import (
    Counted,
    EventStep,
    Header,
    Intro,
    Lapsed,
    NoEffect,
    NotApplicable,
    NotCounted,
    Received,
    Skipped,
)
from intake.caselog.clock.tally import LAPSED, Tally
from intake.vocabulary import ClarificationRestart, EventType

__all__ = ["working_day_clock"]


@dataclass(frozen=True)
class _Day:
    """What the events of one day did, as far as counting that day goes."""

    touched: bool  # the clock was or became stopped this day
    restarted: bool  # a new count starts this day (day 0)
    told: bool  # an event's own line already says the day is not counted


def working_day_clock(
    kind: str, rule: Rule, received: date, evs: list[Ev], settings: ClockSettings,
    cal: WorkingCalendar, today: date | None, header: Header, explaining: bool = True,
) -> ClockResult:
    c = Tally(rule, received, cal, afresh=settings.clarification_restart == ClarificationRestart.AFRESH,
              lapse_months=settings.clarification_lapse_months, explaining=explaining)
    c.steps += [header, Intro(rule.label, rule.days, rule.source)]
    by_day: dict[date, list[Ev]] = {}
    for e in evs:
        by_day.setdefault(e.day, []).append(e)
    last_event = max([received, *by_day])
    walked_to = _walk(c, kind, received, by_day, last_event, today) - timedelta(days=1)
    return _judge(c, kind, received, today, last_event, walked_to)


def _walk(c: Tally, kind: str, received: date, by_day: dict[date, list[Ev]], last_event: date,
          today: date | None) -> date:
    """Day by day from receipt; returns the first day not walked."""
    d = received
    while True:
        if d > last_event and c.ending is None and c.pauses:
            # No more events: jump straight to the lapse if `today` has reached it, else stop.
            first_lapse = min(c.lapse_on[p] for p in c.pauses)
            if today is None or today < first_lapse:
                break
            if d < first_lapse:
                if c.in_time:
                    c.pause_days(d, first_lapse - timedelta(days=1))
                d = first_lapse
        if d > last_event and (c.ending or not c.in_time):
            break  # after the due date only events matter; the rest is arithmetic in _judge
        if not c.explaining and c.ending is None and not c.pauses and d != c.start and d not in by_day:
            d = _quiet_days(c, d, by_day, last_event)  # the verdict alone: plain days only count
            continue
        lapsed_today = _lapse(c, d)
        if d == received:
            c.emit(Received(d, None if c.cal.is_working_day(d) else c.cal.non_working_reason(d)))
        past_due = not c.in_time
        day_events = by_day.get(d, [])
        day = _events(c, kind, d, day_events)
        ended_before = c.ending is not None and c.ending[1] < d
        if d == c.start or day.restarted or lapsed_today or ended_before:
            pass  # day 0 of a count, or the case already ended: nothing to count
        elif day.touched:
            if day_events:
                if not day.told:
                    c.emit(NotCounted(d))
            elif not past_due:
                c.pause_days(d, d)
        elif c.cal.is_working_day(d):
            c.count_day(d)
            if c.in_time or c.counted == c.limit:
                ack = c.rule.ack_days and c.counted == c.rule.ack_days and c.start == received
                c.emit(Counted(d, c.counted, c.rule.ack_source if ack else None, c.counted == c.limit))
        elif not past_due:
            c.emit(Skipped(d, c.cal.non_working_reason(d)))
        d += timedelta(days=1)
    c.flush()
    return d


def _quiet_days(c: Tally, d: date, by_day: dict[date, list[Ev]], last_event: date) -> date:
    """Count the days from `d` that nothing happens on (no event, no pause, no ending), as the walk would: each
    working day counts. Returns the next day to walk: an event's day, or the day after the count reached its limit
    when no event is left."""
    if d > last_event:
        while c.in_time:
            if c.cal.is_working_day(d):
                c.count_day(d)
            d += timedelta(days=1)
        return d
    while d not in by_day:
        if c.cal.is_working_day(d):
            c.count_day(d)
        d += timedelta(days=1)
    return d


def _lapse(c: Tally, d: date) -> bool:
    """Policy 14.1 / FOIA s.9(2): a pause that reaches its lapse day ends the request."""
    if c.ending is not None:
        return False
    for cause in sorted(c.pauses):
        if d >= (on := c.lapse_on[cause]):
            # `on` is `d` unless a reopen carried the count past the lapse day.
            c.emit(Lapsed(on, cause, c.lapse_months))
            c.ending, c.lapse_cause = (LAPSED, on), cause
            return True
    return False


def _events(c: Tally, kind: str, d: date, day_events: list[Ev]) -> _Day:
    touched, restarted, told = bool(c.pauses), False, False
    for e in day_events:
        # Only a response or closure can be undone by reopening; a lapse is final.
        if c.ending is not None and not (e.type == EventType.REOPENED and c.ending[0] != LAPSED):
            step: NoEffect | NotApplicable = NoEffect(d, e.type, c.ending[0])
            c.emit(step)
            c.notes.append(explain.note(e.tag, step))
            continue
        if e.type not in c.rule.events:
            step = NotApplicable(d, e.type, c.rule.label, kind)
            c.emit(step)
            c.notes.append(explain.note(e.tag, step))
            continue
        outcome = HANDLERS[e.type](e, d, c)
        restarted = restarted or outcome.restarts
        touched = touched or outcome.pauses
        told = told or outcome.tells_day
        c.emit(EventStep(d, outcome))
        if outcome.applied:
            c.applied.append(e.tag)
        else:
            c.notes.append(explain.note(e.tag, EventStep(d, outcome)))
    return _Day(touched, restarted, told)


def _judge(c: Tally, kind: str, received: date, today: date | None, last_event: date,
           walked_to: date) -> ClockResult:
    """The state, due date and days left, once the walk is over."""
    cal, rule, ending = c.cal, c.rule, c.ending
    end = ending[1] if ending else (today or last_event)
    taken = sum(1 for x in c.reached.values() if x <= end)
    if ending is None and not c.pauses and end > walked_to:
        taken += cal.working_days_between(walked_to, end)  # running days after the walk ended
    remaining: int | None = None
    lapses_on = min((c.lapse_on[p] for p in c.pauses), default=None)
    due: date | None = None
    if ending and ending[0] == LAPSED:
        state, lapses_on = ClockState.LAPSED, ending[1]
        reason = explain.lapse_text(c.lapse_cause, c.lapse_months)
    elif c.pauses:
        state, reason = ClockState.STOPPED, explain.reason_stopped(list(c.pauses))
        if ending:
            state = ClockState.MET if ending[0] == EventType.RESPONDED else ClockState.CLOSED
            reason = explain.reason_ended_while_stopped(ending[0], ending[1])
        elif today:
            fresh = c.afresh and "clarification" in c.pauses
            remaining = c.limit if fresh else c.limit - c.counted
    else:
        due = c.reached.get(c.limit) or c.projected_due(ending[1] if ending else walked_to + timedelta(days=1))
        state, reason, remaining = _running_state(c, due, today)
    ack = cal.add_working_days(received, rule.ack_days) if rule.ack_days else None
    backstop = cal.add_working_days(c.start, rule.backstop_days) if rule.backstop_days else None
    window = (cal.add_working_days(c.responded_on, REVIEW_WINDOW_DAYS)
              if rule.review_window and c.responded_on else None)
    if state not in {ClockState.STOPPED, ClockState.LAPSED}:
        lapses_on = None
    lines = [explain.render(s) for s in c.steps] + explain.summary_lines(
        state, reason, due=due, limit=c.limit, ack=ack, ack_days=rule.ack_days, ack_source=rule.ack_source,
        backstop=backstop, lapses_on=lapses_on, window=window) if c.explaining else []
    return ClockResult(
        kind=kind, received=received, due=due, state=state, state_reason=reason,
        working_days_taken=taken, working_days_remaining=remaining, explanation=lines,
        length=explain.plural(c.limit), acknowledge_by=ack, lapses_on=lapses_on,
        backstop_due=backstop, responded=c.responded_on, review_request_deadline=window,
        events_applied=tuple(c.applied), notes=tuple(c.notes),
    )


def _running_state(c: Tally, due: date, today: date | None) -> tuple[ClockState, str, int | None]:
    """Met, late or closed when the case ended; otherwise running or overdue against `today`."""
    cal, ending = c.cal, c.ending
    if ending and ending[0] == EventType.RESPONDED:
        late = due < ending[1]
        reason = explain.reason_responded(ending[1], due, cal.working_days_between(due, ending[1]) if late else None)
        return (ClockState.LATE if late else ClockState.MET), reason, None
    if ending:
        return ClockState.CLOSED, explain.reason_closed(ending[1]), None
    if today and today > due:
        days = cal.working_days_between(due, today)
        return ClockState.OVERDUE, explain.reason_overdue(due, days), -days
    left = c.limit - sum(1 for x in c.reached.values() if x <= today) if today else None
    return ClockState.RUNNING, explain.reason_running(due, left, today), left

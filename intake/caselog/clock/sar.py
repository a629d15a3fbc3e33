"""The subject access clock: UK GDPR Art 12(3) by the ICO method (corresponding date, month end,
next working day), extendable once by two months; identification, when asked for, starts it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from intake.caselog.clock import explain
from intake.caselog.clock import steps as st
from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.dates import months_later
from intake.caselog.clock.model import ClockResult, ClockState, Ev
from intake.caselog.clock.statute import SAR_EVENTS, SAR_EXTENDED_MONTHS, SAR_KIND, SAR_MONTHS
from intake.vocabulary import EventType

__all__ = ["sar_clock"]

_LABEL = "Subject access request"


@dataclass
class _Sar:
    """The state of the reckoning while the events are read."""

    cal: WorkingCalendar
    start: date
    months: int = SAR_MONTHS
    awaiting_id: bool = False
    # UK GDPR Art 12A (inserted by DUAA 2025 s.76, "stop the clock"): days waiting for clarification the
    # controller reasonably needs do not count, towards the month or the time to give an extension notice.
    clarifying_since: date | None = None
    paused_days: int = 0
    ending: tuple[EventType, date] | None = None
    steps: list[st.Step] = field(default_factory=list)
    after: list[st.Step] = field(default_factory=list)  # the response and anything later read best last
    applied: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def refuse(self, tag: str, step: st.Step, *, last: bool = False) -> None:
        (self.after if last else self.steps).append(step)
        self.notes.append(explain.note(tag, step))

    def due_for(self, n: int) -> date:
        target, _ = months_later(self.start, n)
        target += timedelta(days=self.paused_days)
        return target if self.cal.is_working_day(target) else self.cal.next_working_day(target)


def _apply(s: _Sar, e: Ev) -> None:
    """One event: refused steps go to the notes, applied ones to `events_applied`."""
    if s.ending is not None and e.type != EventType.REOPENED:
        s.refuse(e.tag, st.NoEffect(e.day, e.type, s.ending[0]), last=True)
        return
    if e.type not in SAR_EVENTS:
        s.refuse(e.tag, st.NotApplicable(e.day, e.type, _LABEL, SAR_KIND))
        return
    if e.type == EventType.SAR_EXTENSION:
        if s.awaiting_id or e.day > s.due_for(SAR_MONTHS) or s.months == SAR_EXTENDED_MONTHS:
            s.refuse(e.tag, st.SarExtension(e.day, applied=False))
            return
        s.months = SAR_EXTENDED_MONTHS
        s.steps.append(st.SarExtension(e.day, applied=True))
    elif e.type == EventType.ID_REQUESTED:
        s.awaiting_id = True
        s.steps.append(st.SarIdRequested(e.day))
    elif e.type == EventType.ID_RECEIVED:
        if not s.awaiting_id:
            s.refuse(e.tag, st.SarIdReceived(e.day, outstanding=False))
            return
        s.awaiting_id, s.start = False, e.day
        s.steps.append(st.SarIdReceived(e.day, outstanding=True))
    elif e.type in (EventType.CLARIFICATION_REQUESTED, EventType.CLARIFICATION_RECEIVED):
        if not _clarification(s, e):
            return
    elif e.type == EventType.REOPENED:
        # The statutory date does not move: the reckoning below runs to the same due date.
        if s.ending is None:
            s.refuse(e.tag, st.EventStep(e.day, st.Reopened(applied=False)), last=True)
            return
        s.after.append(st.EventStep(e.day, st.Reopened(ended=s.ending[0], ended_on=s.ending[1])))
        s.ending = None
    else:
        s.ending = (e.type, e.day)
        s.after.append(st.SarEnded(e.day, e.type))
    s.applied.append(e.tag)


def _clarification(s: _Sar, e: Ev) -> bool:
    """Pause on the request, resume on the reply; False when the event changed nothing."""
    if e.type == EventType.CLARIFICATION_REQUESTED:
        if s.clarifying_since is not None:
            s.refuse(e.tag, st.SarClarificationAsked(e.day, applied=False))
            return False
        s.clarifying_since = e.day
        s.steps.append(st.SarClarificationAsked(e.day))
        return True
    if s.clarifying_since is None or e.data.get("complete") is False:
        s.refuse(e.tag, st.SarClarificationAnswered(e.day, outstanding=False))
        return False
    waited = max((e.day - max(s.clarifying_since, s.start)).days, 0)
    s.paused_days, s.clarifying_since = s.paused_days + waited, None
    s.steps.append(st.SarClarificationAnswered(e.day, days_paused=waited))
    return True


def sar_clock(received: date, evs: list[Ev], cal: WorkingCalendar, today: date | None,
              header: st.Header, explaining: bool = True) -> ClockResult:
    s = _Sar(cal, received)
    s.steps += [header, st.SarIntro(), st.SarReceived(received)]
    for e in evs:
        _apply(s, e)
    ending = s.ending
    taken = max(cal.working_days_between(s.start, ending[1] if ending else (today or s.start)), 0)
    length = "1 month" if s.months == 1 else f"{s.months} months"
    if (s.awaiting_id or s.clarifying_since) and ending is None:
        reason = "awaiting identification" if s.awaiting_id else "awaiting clarification"
        lines = ([explain.render(x) for x in s.steps] + [f"Result: {ClockState.STOPPED} — {reason}"]
                 if explaining else [])
        return ClockResult(SAR_KIND, received, None, ClockState.STOPPED, reason, taken, None, lines,
                           length="1 month", events_applied=tuple(s.applied), notes=tuple(s.notes))
    target, exact = months_later(s.start, s.months)
    s.steps.append(st.SarMonths(s.months, s.start, target, exact))
    due = target + timedelta(days=s.paused_days)
    while not cal.is_working_day(due):
        s.steps.append(st.Skipped(due, cal.non_working_reason(due)))
        due += timedelta(days=1)
    s.steps += [st.SarDue(due), *s.after]
    state, reason, remaining = _sar_state(cal, due, ending, today)
    lines = [explain.render(x) for x in s.steps] + [f"Result: {state} — {reason}"] if explaining else []
    return ClockResult(
        kind=SAR_KIND, received=received, due=due, state=state, state_reason=reason,
        working_days_taken=taken, working_days_remaining=remaining, explanation=lines, length=length,
        responded=ending[1] if ending and ending[0] == EventType.RESPONDED else None,
        events_applied=tuple(s.applied), notes=tuple(s.notes),
    )


def _sar_state(cal: WorkingCalendar, due: date, ending: tuple[EventType, date] | None,
               today: date | None) -> tuple[ClockState, str, int | None]:
    if ending and ending[0] == EventType.RESPONDED:
        state = ClockState.LATE if ending[1] > due else ClockState.MET
        return state, explain.reason_sar_responded(ending[1], due), None
    if ending:
        return ClockState.CLOSED, explain.reason_closed(ending[1]), None
    if today and today > due:
        return ClockState.OVERDUE, explain.reason_sar_overdue(due, today), -cal.working_days_between(due, today)
    return ClockState.RUNNING, explain.reason_running(due, None, None), (
        cal.working_days_between(today, due) if today else None)

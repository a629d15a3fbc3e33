"""The explanation: each step of a count in words, and the summary lines and reasons of a result.

Every sentence the clock prints is written here; the count hands over data, never text to test.
"""

from __future__ import annotations

from datetime import date

from intake.caselog.clock.dates import fmt, month_abbr
from intake.caselog.clock.statute import (
    FEE_LAPSE_MONTHS,
    PUBLICATION_SCHEME_BACKSTOP_DAYS,
    REVIEW_WINDOW_DAYS,
)
from intake.caselog.clock.steps import (
    ClarificationAnswered,
    ClarificationAsked,
    Counted,
    Ended,
    EventStep,
    FeeNotice,
    FeePaid,
    FurtherDays,
    Header,
    Intro,
    Lapsed,
    NewLimit,
    NoEffect,
    NotApplicable,
    NotCounted,
    Outcome,
    Received,
    Reopened,
    SarClarificationAnswered,
    SarClarificationAsked,
    SarDue,
    SarEnded,
    SarExtension,
    SarIdReceived,
    SarIdRequested,
    SarIntro,
    SarMonths,
    SarReceived,
    Skipped,
    Step,
    StoppedRun,
)
from intake.vocabulary import EventType
from intake.vocabulary import plural as counted

__all__ = [
    "PAUSE_TEXT",
    "lapse_text",
    "note",
    "plural",
    "reason_closed",
    "reason_ended_while_stopped",
    "reason_overdue",
    "reason_responded",
    "reason_running",
    "reason_sar_overdue",
    "reason_sar_responded",
    "reason_stopped",
    "render",
    "summary_lines",
]

PAUSE_TEXT = {"clarification": "awaiting clarification", "fee": "awaiting fee"}
_LAPSE_TEXT = {
    "clarification": "no clarification within {n} months of the request (policy 14.1)",
    "fee": f"fee not paid within {FEE_LAPSE_MONTHS} months beginning with the notice day (FOIA s.9(2))",
}


def plural(n: int, word: str = "working day") -> str:
    return counted(n, word)  # the clock's unit, unless it says otherwise


def lapse_text(cause: str, months: int) -> str:
    return _LAPSE_TEXT[cause].format(n=months)


def _spaced(event: EventType) -> str:
    return event.replace("_", " ")


def render(step: Step) -> str:
    """One line of the explanation."""
    match step:
        case Header(received_at=at, received=received, timezone=tz):
            return (f"Received {at.isoformat()} = {fmt(received)} in {tz} "
                    "(the date of receipt is day 0, whatever the hour)")
        case Intro(label=label, days=days, source=source):
            return (f"{label}: {plural(days)} ({source}); day 1 is the first working day "
                    "after the date of receipt")
        case SarIntro():
            return "Subject access request: one calendar month (UK GDPR Art 12(3), ICO method)"
        case EventStep(on=on, outcome=outcome):
            return f"{fmt(on)} — {outcome_text(outcome)}"
        case SarMonths():
            return _sar_months(step)
        case StoppedRun(first=a, last=b, pauses=pauses, working_days=wd):
            span = fmt(a) if a == b else f"{fmt(a)} to {fmt(b)}"
            reason = "; ".join(PAUSE_TEXT[p] for p in pauses)
            return f"{span} — clock stopped ({reason}): not counted ({plural(wd)})"
        case _:
            return f"{fmt(step.on)} — {_day_text(step)}"


def _day_text(step: Step) -> str:
    """What a dated line says after its date."""
    match step:
        case Received(non_working=reason):
            return "received: day 0" + (f" ({reason})" if reason else "")
        case Counted(n=n, ack_source=ack, due=due):
            marks = ([f"acknowledgement due ({ack})"] if ack else []) + (["DUE"] if due else [])
            return f"day {n}" + "".join(f" — {m}" for m in marks)
        case Skipped(reason=reason):
            return f"skipped: {reason}"
        case NotCounted():
            return "not counted (clock stopped)"
        case Lapsed(cause=cause, months=months):
            return "lapsed: " + lapse_text(cause, months)
        case NoEffect(event=event, ended=ended):
            return f"{_spaced(event)}: no effect (already {ended})"
        case NotApplicable(event=event, label=label):
            return f"{_spaced(event)}: does not apply to {label.lower()}s; ignored"
        case SarReceived():
            return "received"
        case SarExtension(applied=True):
            return "extension by two further months (UK GDPR Art 12(3))"
        case SarExtension(applied=False):
            return "extension: not applied (must be notified within the first month, once; UK GDPR Art 12(3))"
        case SarIdRequested():
            return "identification requested: the month starts when it arrives (ICO)"
        case SarIdReceived(outstanding=True):
            return "identification received: the month runs from here"
        case SarIdReceived(outstanding=False):
            return "identification received (none outstanding)"
        case SarClarificationAsked(applied=True):
            return "clarification requested: the month is paused until the reply (UK GDPR Art 12A, DUAA 2025)"
        case SarClarificationAsked(applied=False):
            return "clarification requested: already paused"
        case SarClarificationAnswered(outstanding=True, days_paused=n):
            return f"clarification received: the month resumes, {plural(n, 'day')} later"
        case SarClarificationAnswered(outstanding=False):
            return "clarification received (none outstanding)"
        case SarEnded(ending=ending):
            return str(ending)
        case SarDue():
            return "DUE (a working day)"
    raise AssertionError(step)  # pragma: no cover - every step type is listed above


def _sar_months(step: SarMonths) -> str:
    word = "one calendar month" if step.months == 1 else f"{step.months} calendar months"
    if step.exact:
        return f"{word} from {fmt(step.start)}: the same date, {fmt(step.target)}"
    missing = f"{step.start.day} {month_abbr(step.target.month)} {step.target.year}"
    return f"{word} from {fmt(step.start)}: no {missing}, so the last day of that month, {fmt(step.target)}"


def outcome_text(o: Outcome) -> str:
    """What an event did, as the explanation and the notes say it."""
    match o:
        case ClarificationAsked(lapses_on=None):
            return "clarification requested again: clock already stopped"
        case ClarificationAsked(lapses_on=date() as lapses_on, after_due=late, tells_day=told):
            how = ", this day not counted" if told else ""
            return (f"clarification requested: clock stopped (FOIA s.1(3); EIR reg 9){how}; "
                    f"lapses on {fmt(lapses_on)} without a reply" + (" (asked after the due date)" if late else ""))
        case ClarificationAnswered(outstanding=False):
            return "clarification received but none was outstanding; ignored"
        case ClarificationAnswered(afresh=True):
            return ("clarification received: a new count starts, this day is day 0 "
                    "(FOIA s.10(6)(b); EIR reg 9(4))")
        case ClarificationAnswered(counted=n):
            return f"clarification received: not counted; the count resumes after day {n} (policy 14.2)"
        case FeeNotice(lapses_on=None):
            return "fees notice again: clock already paused for a fee"
        case FeeNotice(lapses_on=date() as lapses_on):
            return ("fees notice given: clock paused from this day, not counted (FOIA s.10(2)); "
                    f"lapses on {fmt(lapses_on)} if unpaid (s.9(2))")
        case FeePaid(outstanding=False):
            return "fee paid but no fees notice was outstanding; ignored"
        case FeePaid(counted=n):
            return f"fee paid: not counted (FOIA s.10(2)); the count resumes after day {n}"
        case FurtherDays():
            return _further_days(o)
        case NewLimit(ext=ext, too_late=True):
            return f"{ext.name}: notified after the due date, so it cannot extend it ({ext.source})"
        case NewLimit(ext=ext, applied=False, limit=limit):
            return f"{ext.name}: already {plural(limit)}"
        case NewLimit(ext=ext, limit=limit):
            return f"{ext.name} ({ext.source}): the due date is now day {limit}"
        case Ended(ends=EventType.RESPONDED):
            return "responded"
        case Ended():
            return "closed without a response"
        case Reopened(ended=None):
            return "reopened, but nothing had ended the clock; no effect"
        case Reopened(ended=ended, ended_on=date() as on, counted=n):
            what = "response" if ended == EventType.RESPONDED else "closure"
            head = f"reopened: the {what} of {fmt(on)} no longer ends the clock"
            if o.still_stopped:
                return head + "; it is still stopped"
            since = f"; the days since count as usual (day {n} so far)" if n is not None else ""
            return f"{head}{since}, so the due date does not move"
    raise AssertionError(o)  # pragma: no cover - every outcome type is listed above


def _further_days(o: FurtherDays) -> str:
    name, src = o.ext.name, o.ext.source
    if o.too_late:
        return f"{name}: given after the due date, so it cannot extend it ({src})"
    note = ""
    if o.until is not None:
        if o.extra <= 0:
            note = f" (until {fmt(o.until)} is not after the current due date)"
        else:
            note = f" (until {fmt(o.until)})"
            if not o.until_is_working_day:
                note += f"; {fmt(o.until)} is not a working day, so the working day before it"
    if not o.applied:
        return f"{name}: no further days{note}"
    warn = ""
    if o.over_usual is not None:
        warn = f"; more than the {o.over_usual} further working days normally reasonable"
    return f"{name} ({src}): +{plural(o.extra)}{note}; the due date is now day {o.limit}{warn}"


def note(tag: str, step: Step) -> str:
    """The `notes` entry for an event the count did not apply."""
    match step:
        case NoEffect(ended=ended):
            return f"{tag}: ignored, after the case was {ended}"
        case NotApplicable(kind=kind):
            return f"{tag}: not applicable to {kind}; ignored"
        case SarExtension():
            return f"{tag}: not applied"
        case SarIdReceived():
            return f"{tag}: no identification was outstanding; ignored"
        case SarClarificationAsked() | SarClarificationAnswered():
            return f"{tag}: {_day_text(step)}; ignored"
        case EventStep(outcome=outcome):
            return f"{tag}: {outcome_text(outcome)}"
    raise AssertionError(step)  # pragma: no cover - only refused events have notes


# --- the result -----------------------------------------------------------------------------------
def reason_stopped(pauses: list[str]) -> str:
    return "; ".join(PAUSE_TEXT[p] for p in sorted(pauses))


def reason_ended_while_stopped(ending: str, on: date) -> str:
    return f"{ending} on {fmt(on)} while the clock was stopped"


def reason_responded(on: date, due: date, late_days: int | None) -> str:
    when = f"{plural(late_days)} after " if late_days is not None else "on or before "
    return f"responded {fmt(on)}, {when}the due date {fmt(due)}"


def reason_closed(on: date) -> str:
    return f"closed {fmt(on)} without a response"


def reason_overdue(due: date, days: int) -> str:
    return f"due {fmt(due)}; {plural(days)} overdue"


def reason_running(due: date, left: int | None, today: date | None) -> str:
    return f"due {fmt(due)}" + (f"; {plural(left)} left on {fmt(today)}" if left is not None and today else "")


def reason_sar_responded(on: date, due: date) -> str:
    return f"responded {fmt(on)}; due {fmt(due)}"


def reason_sar_overdue(due: date, today: date) -> str:
    return f"due {fmt(due)}; overdue on {fmt(today)}"


def summary_lines(
    state: str, reason: str, *, due: date | None, limit: int, ack: date | None, ack_days: int | None,
    ack_source: str, backstop: date | None, lapses_on: date | None, window: date | None,
) -> list[str]:
    """The closing lines of a working-day explanation."""
    lines = [f"Result: {state} — {reason}"]
    if due:
        lines.append(f"Due: {fmt(due)} (day {limit}: {plural(limit)})")
    if ack:
        lines.append(f"Acknowledge by: {fmt(ack)} (day {ack_days}, {ack_source})")
    if backstop:
        lines.append(f"Statutory backstop: {fmt(backstop)} (day {PUBLICATION_SCHEME_BACKSTOP_DAYS}, FOIA s.10(1))")
    if lapses_on:
        lines.append(f"Lapses on: {fmt(lapses_on)}")
    if window:
        lines.append(f"Requester may ask for an internal review until {fmt(window)} "
                     f"({REVIEW_WINDOW_DAYS} working days after the response)")
    return lines

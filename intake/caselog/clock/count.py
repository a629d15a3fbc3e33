"""Statutory clock: due dates from a case's event log (FOIA s.10, EIR regs 5/7, UK GDPR Art 12(3)).

Pure functions, no database: the same received time and events always give the same answer
(events are sorted by time, then type, so their input order never matters).

Counting (rules.md section 3): the calendar day of receipt in the organisation's time zone is day 0,
whatever the hour and even on a weekend or bank holiday; the next working day is day 1.

States (`ClockResult.state`):
  running  the clock is counting and the due date has not passed (or no `today` was given)
  overdue  running, and `today` is after the due date
  stopped  paused: awaiting clarification and/or a fee, or (SAR) identification (`state_reason`);
           `due` is None until the clock restarts, `lapses_on` says when the request lapses
  lapsed   no clarification within 3 months of asking (policy 14.1) or no fee within 3 months
           beginning with the notice day (FOIA s.9(2)), judged against `today` and later events
  met      a `responded` event on or before the due date (or while the clock was stopped)
  late     a `responded` event after the due date
  closed   a `closed` event with no response (e.g. withdrawn) before any lapse
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from intake.caselog.clock.calendar import WorkingCalendar

KINDS = ("foi", "eir", "sar", "internal_review", "eir_internal_review", "reuse", "publication_scheme")
STATES = ("running", "overdue", "stopped", "lapsed", "met", "late", "closed")
EVENT_TYPES = (
    "clarification_requested",
    "clarification_received",
    "fee_notice",
    "fee_paid",
    "pit_extension",
    "eir_extension",
    "sar_extension",
    "complex_review",
    "reuse_extension",
    "id_requested",
    "id_received",
    "responded",
    "closed",
)
RESTART_MODES = ("afresh", "resume")

# --- The legal rules, one place each -------------------------------------------------------------
FOI_DAYS = 20  # FOIA s.10(1): promptly and no later than the 20th working day after receipt.
EIR_DAYS = 20  # EIR reg 5(2): as soon as possible and no later than 20 working days.
EIR_EXTENDED_DAYS = 40  # EIR reg 7(1): 40 working days when complex and voluminous.
PIT_USUAL_MAX_FURTHER_DAYS = 20  # FOIA s.10(3) "reasonable"; ICO: normally <= 20 further days.
REVIEW_ACK_DAYS = 5  # s.45 Code of Practice; policy 17.8: acknowledge the complaint.
REVIEW_DAYS = 20  # s.45 Code of Practice; policy App. C: decide within 20 working days.
REVIEW_COMPLEX_DAYS = 40  # s.45 Code of Practice; policy App. C: 40 when complex.
REUSE_ACK_DAYS = 3  # policy 23.6: acknowledge a re-use request.
REUSE_DAYS = 20  # RPSI Regulations 2015 reg 8(1): respond within 20 working days.
PUBLICATION_SCHEME_DAYS = 5  # policy 6.10: local target for pointing to the scheme.
PUBLICATION_SCHEME_BACKSTOP_DAYS = 20  # FOIA s.10(1) still applies as the statutory backstop.
SAR_MONTHS = 1  # UK GDPR Art 12(3): one month, counted by the ICO's corresponding-date method.
SAR_EXTENDED_MONTHS = 3  # UK GDPR Art 12(3): extendable by two further months.
EIR_REVIEW_DAYS = 40  # EIR reg 11(4): decide on representations within 40 working days (statutory).
REVIEW_WINDOW_DAYS = 40  # s.45 Code / EIR reg 11(2): requester may ask for review within 40 days.
FEE_LAPSE_MONTHS = 3  # FOIA s.9(2): three months beginning with the day the fees notice is given.


@dataclass(frozen=True)
class ClockEvent:
    """One event from the case log that the clock cares about."""

    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClockSettings:
    timezone: str = "Europe/London"
    # FOIA s.1(3)/s.10(6)(b), EIR reg 9(4): clarification restarts the count afresh;
    # "resume" is policy 14.2's variant (continue from where the clock stopped).
    clarification_restart: str = "afresh"
    # Future proclamations not yet known to the `holidays` package (never office closure days).
    extra_non_working_days: tuple[date, ...] = ()
    clarification_lapse_months: int = 3  # policy 14.1: close after 3 months without a reply.


@dataclass(frozen=True)
class ClockResult:
    kind: str
    received: date
    due: date | None
    state: str
    state_reason: str
    working_days_taken: int
    working_days_remaining: int | None
    explanation: list[str]
    length: str = ""
    acknowledge_by: date | None = None
    lapses_on: date | None = None
    backstop_due: date | None = None
    responded: date | None = None
    review_request_deadline: date | None = None
    events_applied: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; dates as YYYY-MM-DD."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "kind": self.kind,
            "received": iso(self.received),
            "due": iso(self.due),
            "state": self.state,
            "state_reason": self.state_reason,
            "length": self.length,
            "working_days_taken": self.working_days_taken,
            "working_days_remaining": self.working_days_remaining,
            "acknowledge_by": iso(self.acknowledge_by),
            "lapses_on": iso(self.lapses_on),
            "backstop_due": iso(self.backstop_due),
            "responded": iso(self.responded),
            "review_request_deadline": iso(self.review_request_deadline),
            "events_applied": list(self.events_applied),
            "notes": list(self.notes),
            "explanation": list(self.explanation),
        }


def local_date(at: datetime, tz: str) -> date:
    """The calendar day of `at` in the organisation's time zone (date of receipt)."""
    if at.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return at.astimezone(ZoneInfo(tz)).date()


# English names regardless of the process locale (strftime's %a/%b follow LC_TIME).
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")


def fmt(d: date) -> str:
    """'Sat 26 Dec 2026': a date a person can find on a wall calendar."""
    return f"{_DAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month]} {d.year}"


def months_later(d: date, months: int) -> tuple[date, bool]:
    """The corresponding date `months` later, or the last day of that month when there is none."""
    y, m0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m0 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    if d.day <= last:
        return date(year, month, d.day), True
    return date(year, month, last), False


def clarification_lapses_on(asked: date, months: int = 3) -> date:
    """Policy 14.1: a reply is due within 3 months of asking; the request lapses the day after."""
    last_day, _ = months_later(asked, months)
    return last_day + timedelta(days=1)


def fee_lapses_on(notice: date) -> date:
    """FOIA s.9(2): 3 months *beginning with* the notice day end the day before the corresponding
    date (or at the month's end when there is none); the request lapses the day after."""
    corresponding, exists = months_later(notice, FEE_LAPSE_MONTHS)
    last_day = corresponding - timedelta(days=1) if exists else corresponding
    return last_day + timedelta(days=1)


@lru_cache(maxsize=32)
def _calendar(extra: tuple[date, ...]) -> WorkingCalendar:
    # One calendar (and its per-year holiday cache) per configuration, shared across computations.
    return WorkingCalendar(extra)


@dataclass(frozen=True)
class _Rule:
    label: str
    days: int
    source: str
    events: frozenset[str]
    ack_days: int | None = None
    ack_source: str = ""
    backstop_days: int | None = None
    review_window: bool = False


_ENDINGS = frozenset({"responded", "closed"})
_CLARIFY = frozenset({"clarification_requested", "clarification_received"})
_FEES = frozenset({"fee_notice", "fee_paid"})

_RULES: dict[str, _Rule] = {
    "foi": _Rule(
        "FOI request", FOI_DAYS, "FOIA s.10(1)",
        _ENDINGS | _CLARIFY | _FEES | {"pit_extension"}, review_window=True,
    ),
    # EIR reg 8 advance payments are not modelled: fee events are flagged, not applied.
    "eir": _Rule(
        "EIR request", EIR_DAYS, "EIR reg 5(2)",
        _ENDINGS | _CLARIFY | {"eir_extension"}, review_window=True,
    ),
    "internal_review": _Rule(
        "Internal review", REVIEW_DAYS, "s.45 Code; policy App. C",
        _ENDINGS | {"complex_review"}, ack_days=REVIEW_ACK_DAYS, ack_source="policy 17.8",
    ),
    "eir_internal_review": _Rule(
        "EIR internal review", EIR_REVIEW_DAYS, "EIR reg 11(4)",
        _ENDINGS, ack_days=REVIEW_ACK_DAYS, ack_source="policy 17.8",
    ),
    "reuse": _Rule(
        "Re-use request", REUSE_DAYS, "RPSI 2015 reg 8",
        _ENDINGS | {"reuse_extension"}, ack_days=REUSE_ACK_DAYS, ack_source="policy 23.6",
    ),
    "publication_scheme": _Rule(
        "Publication scheme request", PUBLICATION_SCHEME_DAYS, "policy 6.10",
        _ENDINGS, backstop_days=PUBLICATION_SCHEME_BACKSTOP_DAYS, review_window=True,
    ),
}
_SAR_EVENTS = _ENDINGS | {"sar_extension", "id_requested", "id_received"}

_PAUSE_TEXT = {"clarification": "awaiting clarification", "fee": "awaiting fee"}
_LAPSE_TEXT = {
    "clarification": "no clarification within {n} months of the request (policy 14.1)",
    "fee": "fee not paid within 3 months beginning with the notice day (FOIA s.9(2))",
}


@dataclass(frozen=True)
class _Ev:
    type: str
    at: datetime
    day: date
    data: Mapping[str, Any]


def _plural(n: int, word: str = "working day") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _parse_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()  # also accepts plain YYYY-MM-DD
    except ValueError as exc:
        raise ValueError(f"{what}: not a YYYY-MM-DD date: {value!r}") from exc


def _prepare(
    received_at: datetime, events: Sequence[ClockEvent], tz: str
) -> list[_Ev]:
    out = []
    for e in events:
        if e.type not in EVENT_TYPES:
            raise ValueError(f"unknown clock event type {e.type!r}; expected one of {EVENT_TYPES}")
        if e.at.tzinfo is None:
            raise ValueError(f"event {e.type}: datetime must be timezone-aware")
        if e.at < received_at:
            raise ValueError(f"event {e.type} at {e.at.isoformat()} is before receipt")
        out.append(_Ev(e.type, e.at, local_date(e.at, tz), dict(e.data or {})))
    # Sort by instant, then type and data, so that the input order never changes the answer.
    out.sort(key=lambda e: (e.at, e.type, repr(sorted(e.data.items(), key=str))))
    return out


def compute(
    kind: str,
    received_at: datetime,
    events: Sequence[ClockEvent] = (),
    *,
    settings: ClockSettings | None = None,
    today: date | None = None,
) -> ClockResult:
    """The clock for one case: due date, state and a day-by-day explanation.

    Raises ValueError for an unknown kind or event type, a naive datetime, or an event before
    receipt. Known events that do not apply to the kind are ignored and listed in `notes`.
    """
    settings = settings or ClockSettings()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    if settings.clarification_restart not in RESTART_MODES:
        raise ValueError(f"clarification_restart must be one of {RESTART_MODES}")
    received = local_date(received_at, settings.timezone)
    evs = _prepare(received_at, events, settings.timezone)
    cal = _calendar(tuple(sorted(set(settings.extra_non_working_days))))
    header = (
        f"Received {received_at.isoformat()} = {fmt(received)} in {settings.timezone} "
        "(the date of receipt is day 0, whatever the hour)"
    )
    if kind == "sar":
        return _sar_clock(received, evs, cal, today, header)
    return _working_day_clock(kind, _RULES[kind], received, evs, settings, cal, today, header)


class _Count:
    """Mutable state of one working-day count while walking the calendar day by day."""

    def __init__(self, rule: _Rule, received: date, cal: WorkingCalendar) -> None:
        self.cal = cal
        self.rule = rule
        self.start = received
        self.limit = rule.days
        self.counted = 0
        self.reached: dict[int, date] = {}
        self.pauses: dict[str, date] = {}
        self.lapse_on: dict[str, date] = {}
        self.further = 0
        self.lines: list[str] = []
        self.run: tuple[date, date] | None = None  # first and last day of a run of paused days
        self.run_reason = ""

    def emit(self, line: str) -> None:
        self.flush()
        self.lines.append(line)

    def flush(self) -> None:
        """Write a run of paused days as one line (they are all disregarded alike)."""
        if self.run is None:
            return
        a, b = self.run
        span = fmt(a) if a == b else f"{fmt(a)} to {fmt(b)}"
        wd = self.cal.working_days_between(a - timedelta(days=1), b)
        self.lines.append(
            f"{span} — clock stopped ({self.run_reason}): not counted ({_plural(wd)})"
        )
        self.run = None

    def pause_days(self, first: date, last: date) -> None:
        """Add paused days first..last to the current run (one line per run, not per day)."""
        reason = "; ".join(_PAUSE_TEXT[p] for p in sorted(self.pauses))
        if self.run and (reason != self.run_reason or first != self.run[1] + timedelta(days=1)):
            self.flush()
        self.run_reason = reason
        self.run = (self.run[0] if self.run else first, last)

    def projected_due(self, base: date) -> date:
        """Due date if nothing else pauses the clock after `base` (already processed)."""
        return self.cal.add_working_days(base, max(self.limit - self.counted, 0))


def _working_day_clock(
    kind: str,
    rule: _Rule,
    received: date,
    evs: list[_Ev],
    settings: ClockSettings,
    cal: WorkingCalendar,
    today: date | None,
    header: str,
) -> ClockResult:
    c = _Count(rule, received, cal)
    c.lines.append(header)
    c.lines.append(
        f"{rule.label}: {_plural(rule.days)} ({rule.source}); day 1 is the first working day "
        "after the date of receipt"
    )
    afresh = settings.clarification_restart == "afresh"
    applied: list[str] = []
    notes: list[str] = []
    terminal: tuple[str, date] | None = None
    lapse_reason = ""
    responded_on: date | None = None
    by_day: dict[date, list[_Ev]] = {}
    for e in evs:
        by_day.setdefault(e.day, []).append(e)
    last_event = max([received, *by_day])

    d = received
    while True:
        if d > last_event and terminal is None and c.pauses:
            # No more events: jump straight to the lapse if `today` has reached it, else stop.
            first_lapse = min(c.lapse_on[p] for p in c.pauses)
            if today is None or today < first_lapse:
                break
            if d < first_lapse:
                if c.counted < c.limit:
                    c.pause_days(d, first_lapse - timedelta(days=1))
                d = first_lapse
        if d > last_event and (terminal or c.counted >= c.limit):
            break  # after the due date only events matter; the rest is arithmetic below
        lapsed_today = False
        if terminal is None:
            for reason in sorted(c.pauses):
                if d >= c.lapse_on[reason]:
                    c.emit(f"{fmt(d)} — lapsed: " + _LAPSE_TEXT[reason].format(
                        n=settings.clarification_lapse_months))
                    terminal, lapse_reason, lapsed_today = ("lapsed", d), reason, True
                    break
        if d == received:
            extra = "" if cal.is_working_day(d) else f" ({cal.non_working_reason(d)})"
            c.emit(f"{fmt(d)} — received: day 0{extra}")
        touched = bool(c.pauses)
        restarted = False
        past_due = c.counted >= c.limit
        day_events = by_day.get(d, [])
        said_not_counted = False
        for e in day_events:
            tag = f"{e.type}@{e.day.isoformat()}"
            if terminal is not None:
                what = "responded" if terminal[0] == "responded" else terminal[0]
                c.emit(f"{fmt(d)} — {e.type.replace('_', ' ')}: no effect (already {what})")
                notes.append(f"{tag}: ignored, after the case was {what}")
                continue
            if e.type not in rule.events:
                c.emit(f"{fmt(d)} — {e.type.replace('_', ' ')}: does not apply to "
                       f"{rule.label.lower()}s; ignored")
                notes.append(f"{tag}: not applicable to {kind}; ignored")
                continue
            text, ok = _apply(e, d, c, settings, afresh)
            if e.type == "clarification_received" and ok and afresh:
                restarted = True
            if e.type in {"clarification_requested", "fee_notice"} and ok:
                touched = True
            if e.type == "responded" and ok:
                terminal, responded_on = ("responded", d), d
            if e.type == "closed" and ok:
                terminal = ("closed", d)
            c.emit(f"{fmt(d)} — {text}")
            said_not_counted = said_not_counted or "not counted" in text or "day 0" in text
            (applied if ok else notes).append(tag if ok else f"{tag}: {text}")
        ended_before = terminal is not None and terminal[1] < d
        if d == c.start or restarted or lapsed_today or ended_before:
            pass  # day 0 of a count, or the case already ended: nothing to count
        elif touched:
            if day_events:
                if not said_not_counted:
                    c.emit(f"{fmt(d)} — not counted (clock stopped)")
            elif not past_due:
                c.pause_days(d, d)
        elif cal.is_working_day(d):
            c.counted += 1
            c.reached[c.counted] = d
            if c.counted <= c.limit:
                marks = []
                if rule.ack_days and c.counted == rule.ack_days and c.start == received:
                    marks.append(f"acknowledgement due ({rule.ack_source})")
                if c.counted == c.limit:
                    marks.append("DUE")
                c.emit(f"{fmt(d)} — day {c.counted}" + "".join(f" — {m}" for m in marks))
        elif not past_due:
            c.emit(f"{fmt(d)} — skipped: {cal.non_working_reason(d)}")
        d += timedelta(days=1)
    c.flush()

    # --- state --------------------------------------------------------------------------------
    end = terminal[1] if terminal else (today or last_event)
    taken = sum(1 for x in c.reached.values() if x <= end)
    walked_to = d - timedelta(days=1)
    if terminal is None and not c.pauses and end > walked_to:
        taken += cal.working_days_between(walked_to, end)  # running days after the walk ended
    remaining: int | None = None
    lapses_on = min((c.lapse_on[p] for p in c.pauses), default=None)
    due: date | None
    if terminal and terminal[0] == "lapsed":
        state, due = "lapsed", None
        lapses_on = terminal[1]
        reason = _LAPSE_TEXT[lapse_reason].format(n=settings.clarification_lapse_months)
    elif c.pauses:
        due = None
        state = "stopped"
        reason = "; ".join(_PAUSE_TEXT[p] for p in sorted(c.pauses))
        if terminal:
            state = "met" if terminal[0] == "responded" else "closed"
            reason = f"{terminal[0]} on {fmt(terminal[1])} while the clock was stopped"
        elif today:
            fresh = afresh and "clarification" in c.pauses
            remaining = c.limit if fresh else c.limit - c.counted
    else:
        due = c.reached.get(c.limit) or c.projected_due(terminal[1] if terminal else d)
        if terminal and terminal[0] == "responded":
            late = due < terminal[1]
            state = "late" if late else "met"
            reason = (
                f"responded {fmt(terminal[1])}, "
                + (f"{_plural(cal.working_days_between(due, terminal[1]))} after "
                   if late else "on or before ")
                + f"the due date {fmt(due)}"
            )
        elif terminal:
            state, reason = "closed", f"closed {fmt(terminal[1])} without a response"
        elif today and today > due:
            state = "overdue"
            reason = f"due {fmt(due)}; {_plural(cal.working_days_between(due, today))} overdue"
            remaining = -cal.working_days_between(due, today)
        else:
            state, reason = "running", f"due {fmt(due)}"
            if today:
                remaining = c.limit - sum(1 for x in c.reached.values() if x <= today)
                reason += f"; {_plural(remaining)} left on {fmt(today)}"

    ack = cal.add_working_days(received, rule.ack_days) if rule.ack_days else None
    backstop = cal.add_working_days(c.start, rule.backstop_days) if rule.backstop_days else None
    window = (
        cal.add_working_days(responded_on, REVIEW_WINDOW_DAYS)
        if rule.review_window and responded_on else None
    )
    length = _plural(c.limit)
    lines = c.lines
    lines.append(f"Result: {state} — {reason}")
    if due:
        lines.append(f"Due: {fmt(due)} (day {c.limit}: {length})")
    if ack:
        lines.append(f"Acknowledge by: {fmt(ack)} (day {rule.ack_days}, {rule.ack_source})")
    if backstop:
        lines.append(f"Statutory backstop: {fmt(backstop)} (day 20, FOIA s.10(1))")
    if lapses_on and state in {"stopped", "lapsed"}:
        lines.append(f"Lapses on: {fmt(lapses_on)}")
    if window:
        lines.append(f"Requester may ask for an internal review until {fmt(window)} "
                     f"({REVIEW_WINDOW_DAYS} working days after the response)")
    return ClockResult(
        kind=kind, received=received, due=due, state=state, state_reason=reason,
        working_days_taken=taken, working_days_remaining=remaining, explanation=lines,
        length=length, acknowledge_by=ack,
        lapses_on=lapses_on if state in {"stopped", "lapsed"} else None,
        backstop_due=backstop, responded=responded_on, review_request_deadline=window,
        events_applied=tuple(applied), notes=tuple(notes),
    )


def _extension_days(e: _Ev, d: date, c: _Count, touched: bool) -> tuple[int, str]:
    """Further working days granted by a PIT / re-use extension: `days`, `until`, or 20."""
    if "until" in e.data:
        until = _parse_date(e.data["until"], f"{e.type} until")
        base = d if touched else d - timedelta(days=1)
        extra = c.cal.working_days_between(c.projected_due(base), until)
        if extra <= 0:
            return 0, f" (until {fmt(until)} is not after the current due date)"
        note = f" (until {fmt(until)})"
        if not c.cal.is_working_day(until):
            note += f"; {fmt(until)} is not a working day, so the working day before it"
        return extra, note
    raw = e.data.get("days", PIT_USUAL_MAX_FURTHER_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{e.type}: days must be a whole number, got {raw!r}") from exc
    if days < 0:
        raise ValueError(f"{e.type}: days must be >= 0")
    return days, ""


def _apply(e: _Ev, d: date, c: _Count, settings: ClockSettings, afresh: bool) -> tuple[str, bool]:
    """Apply one event to the count; returns (explanation text, applied?)."""
    t = e.type
    in_time = c.counted < c.limit  # notices must be given by the due date (day `limit` itself ok)
    if t == "clarification_requested":
        if "clarification" in c.pauses:
            return "clarification requested again: clock already stopped", False
        c.pauses["clarification"] = d
        c.lapse_on["clarification"] = clarification_lapses_on(
            d, settings.clarification_lapse_months)
        late = "" if in_time else " (asked after the due date)"
        how = "" if afresh else ", this day not counted"
        return (f"clarification requested: clock stopped (FOIA s.1(3); EIR reg 9){how}; "
                f"lapses on {fmt(c.lapse_on['clarification'])} without a reply{late}"), True
    if t == "clarification_received":
        if "clarification" not in c.pauses:
            return "clarification received but none was outstanding; ignored", False
        del c.pauses["clarification"], c.lapse_on["clarification"]
        if afresh:
            c.start, c.counted, c.reached = d, 0, {}
            return ("clarification received: a new count starts, this day is day 0 "
                    "(FOIA s.10(6)(b); EIR reg 9(4))"), True
        return ("clarification received: not counted; the count resumes after day "
                f"{c.counted} (policy 14.2)"), True
    if t == "fee_notice":
        if "fee" in c.pauses:
            return "fees notice again: clock already paused for a fee", False
        c.pauses["fee"] = d
        c.lapse_on["fee"] = fee_lapses_on(d)
        return ("fees notice given: clock paused from this day, not counted (FOIA s.10(2)); "
                f"lapses on {fmt(c.lapse_on['fee'])} if unpaid (s.9(2))"), True
    if t == "fee_paid":
        if "fee" not in c.pauses:
            return "fee paid but no fees notice was outstanding; ignored", False
        del c.pauses["fee"], c.lapse_on["fee"]
        return ("fee paid: not counted (FOIA s.10(2)); the count resumes after day "
                f"{c.counted}"), True
    if t in {"pit_extension", "reuse_extension"}:
        src = "FOIA s.10(3)" if t == "pit_extension" else "RPSI 2015 reg 8"
        name = "public interest extension" if t == "pit_extension" else "re-use extension"
        if not in_time:
            return f"{name}: given after the due date, so it cannot extend it ({src})", False
        extra, note = _extension_days(e, d, c, bool(c.pauses) or d == c.start)
        if extra <= 0:
            return f"{name}: no further days{note}", False
        c.further += extra
        c.limit += extra
        warn = ""
        if c.further > PIT_USUAL_MAX_FURTHER_DAYS:
            warn = (f"; more than the {PIT_USUAL_MAX_FURTHER_DAYS} further working days "
                    "normally reasonable")
        return (f"{name} ({src}): +{_plural(extra)}{note}; the due date is now day "
                f"{c.limit}{warn}"), True
    if t in {"eir_extension", "complex_review"}:
        new = EIR_EXTENDED_DAYS if t == "eir_extension" else REVIEW_COMPLEX_DAYS
        src = "EIR reg 7(1)" if t == "eir_extension" else "s.45 Code; policy App. C"
        name = "EIR extension" if t == "eir_extension" else "complex review"
        if not in_time:
            return f"{name}: notified after the due date, so it cannot extend it ({src})", False
        if c.limit >= new:
            return f"{name}: already {_plural(c.limit)}", False
        c.limit = new
        return f"{name} ({src}): the due date is now day {new}", True
    if t == "responded":
        return "responded", True
    if t == "closed":
        return "closed without a response", True
    raise AssertionError(t)  # pragma: no cover - kinds filter the event types above


def _sar_clock(
    received: date, evs: list[_Ev], cal: WorkingCalendar, today: date | None, header: str
) -> ClockResult:
    """UK GDPR Art 12(3) by the ICO method: corresponding date, month end, next working day."""
    lines = [header, "Subject access request: one calendar month (UK GDPR Art 12(3), ICO method)"]
    start = received
    months = SAR_MONTHS
    awaiting_id = False
    terminal: tuple[str, date] | None = None
    applied: list[str] = []
    notes: list[str] = []
    lines.append(f"{fmt(received)} — received")
    after: list[str] = []  # the response and anything later read best after the reckoning

    def due_for(begin: date, n: int) -> date:
        target, _ = months_later(begin, n)
        return target if cal.is_working_day(target) else cal.next_working_day(target)

    for e in evs:
        tag = f"{e.type}@{e.day.isoformat()}"
        if terminal is not None:
            after.append(f"{fmt(e.day)} — {e.type.replace('_', ' ')}: no effect (already "
                         f"{terminal[0]})")
            notes.append(f"{tag}: ignored, after the case was {terminal[0]}")
            continue
        if e.type not in _SAR_EVENTS:
            lines.append(f"{fmt(e.day)} — {e.type.replace('_', ' ')}: does not apply to "
                         "subject access requests; ignored")
            notes.append(f"{tag}: not applicable to sar; ignored")
            continue
        if e.type == "sar_extension":
            if awaiting_id or e.day > due_for(start, SAR_MONTHS) or months == SAR_EXTENDED_MONTHS:
                lines.append(f"{fmt(e.day)} — extension: not applied (must be notified within "
                             "the first month, once; UK GDPR Art 12(3))")
                notes.append(f"{tag}: not applied")
                continue
            months = SAR_EXTENDED_MONTHS
            lines.append(f"{fmt(e.day)} — extension by two further months (UK GDPR Art 12(3))")
        elif e.type == "id_requested":
            awaiting_id = True
            lines.append(f"{fmt(e.day)} — identification requested: the month starts when it "
                         "arrives (ICO)")
        elif e.type == "id_received":
            if not awaiting_id:
                lines.append(f"{fmt(e.day)} — identification received (none outstanding)")
                notes.append(f"{tag}: no identification was outstanding; ignored")
                continue
            awaiting_id, start = False, e.day
            lines.append(f"{fmt(e.day)} — identification received: the month runs from here")
        else:
            terminal = (e.type, e.day)
            after.append(f"{fmt(e.day)} — {e.type}")
        applied.append(tag)

    taken_end = terminal[1] if terminal else (today or start)
    taken = max(cal.working_days_between(start, taken_end), 0)
    if awaiting_id and terminal is None:
        reason = "awaiting identification"
        lines.append(f"Result: stopped — {reason}")
        return ClockResult("sar", received, None, "stopped", reason, taken, None, lines,
                           length="1 month", events_applied=tuple(applied), notes=tuple(notes))
    target, exact = months_later(start, months)
    word = "one calendar month" if months == 1 else f"{months} calendar months"
    if exact:
        lines.append(f"{word} from {fmt(start)}: the same date, {fmt(target)}")
    else:
        missing = f"{start.day} {_MONTH_ABBR[target.month]} {target.year}"
        lines.append(f"{word} from {fmt(start)}: no {missing}, so the last day of that month, "
                     f"{fmt(target)}")
    due = target
    while not cal.is_working_day(due):
        lines.append(f"{fmt(due)} — skipped: {cal.non_working_reason(due)}")
        due += timedelta(days=1)
    lines.append(f"{fmt(due)} — DUE (a working day)")
    lines.extend(after)
    remaining: int | None = None
    if terminal and terminal[0] == "responded":
        state = "late" if terminal[1] > due else "met"
        reason = f"responded {fmt(terminal[1])}; due {fmt(due)}"
    elif terminal:
        state, reason = "closed", f"closed {fmt(terminal[1])} without a response"
    elif today and today > due:
        state, reason = "overdue", f"due {fmt(due)}; overdue on {fmt(today)}"
        remaining = -cal.working_days_between(due, today)
    else:
        state, reason = "running", f"due {fmt(due)}"
        if today:
            remaining = cal.working_days_between(today, due)
    lines.append(f"Result: {state} — {reason}")
    return ClockResult(
        kind="sar", received=received, due=due, state=state, state_reason=reason,
        working_days_taken=taken, working_days_remaining=remaining, explanation=lines,
        length="1 month" if months == 1 else f"{months} months",
        responded=terminal[1] if terminal and terminal[0] == "responded" else None,
        events_applied=tuple(applied), notes=tuple(notes),
    )

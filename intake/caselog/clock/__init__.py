"""The statutory clock: due dates from a case's event log (FOIA s.10, EIR regs 5/7, UK GDPR Art 12(3)).

Pure functions, no database: the same received time and events always give the same answer
(events are sorted by time, then type, so their input order never matters).

    statute   every limit, with its source (rules.md section 3)
    calendar  UK working days;  dates  local day of receipt, calendar months, lapse days
    model     events, settings, result;  steps  what each day of a count did, as data
    handlers  one per event type;  tally  the running count;  count  the walk and the verdict
    sar       the subject access clock;  explain  the steps and the result in words

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
A `reopened` event undoes an earlier response or closure (not a lapse): the clock runs again to the
same statutory due date, so the case is running or overdue until the next response.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.count import working_day_clock
from intake.caselog.clock.dates import calendar_for, clarification_lapses_on, fee_lapses_on, local_date, months_later
from intake.caselog.clock.model import (
    EVENT_TYPES,
    STATES,
    ClockEvent,
    ClockResult,
    ClockSettings,
    ClockState,
    prepare,
)
from intake.caselog.clock.sar import sar_clock
from intake.caselog.clock.statute import KINDS, RESTART_MODES, RULES, SAR_KIND
from intake.caselog.clock.steps import Header

__all__ = [
    "EVENT_TYPES",
    "KINDS",
    "STATES",
    "ClockEvent",
    "ClockResult",
    "ClockSettings",
    "ClockState",
    "WorkingCalendar",
    "clarification_lapses_on",
    "compute",
    "fee_lapses_on",
    "local_date",
    "months_later",
]


def compute(
    kind: str,
    received_at: datetime,
    events: Sequence[ClockEvent] = (),
    *,
    settings: ClockSettings | None = None,
    today: date | None = None,
    explaining: bool = True,
) -> ClockResult:
    """The clock for one case: due date, state and (with `explaining`) a day-by-day explanation, which costs
    more than the count itself: lists of cases ask for the verdict only.

    Raises ValueError for an unknown kind or event type, a naive datetime, or an event before
    receipt. Known events that do not apply to the kind are ignored and listed in `notes`.
    """
    settings = settings or ClockSettings()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    if settings.clarification_restart not in RESTART_MODES:
        raise ValueError(f"clarification_restart must be one of {RESTART_MODES}")
    received = local_date(received_at, settings.timezone)
    evs = prepare(received_at, events, settings.timezone)
    cal = calendar_for(tuple(sorted(set(settings.extra_non_working_days))))
    header = Header(received_at, received, settings.timezone)
    if kind == SAR_KIND:
        return sar_clock(received, evs, cal, today, header, explaining)
    return working_day_clock(kind, RULES[kind], received, evs, settings, cal, today, header, explaining)

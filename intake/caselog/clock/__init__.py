"""The statutory clock: a working-day calendar and every deadline kind, derived from a case's events."""

from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.count import (
    EVENT_TYPES,
    KINDS,
    STATES,
    ClockEvent,
    ClockResult,
    ClockSettings,
    clarification_lapses_on,
    compute,
    fee_lapses_on,
    local_date,
    months_later,
)

__all__ = [
    "EVENT_TYPES",
    "KINDS",
    "STATES",
    "ClockEvent",
    "ClockResult",
    "ClockSettings",
    "WorkingCalendar",
    "clarification_lapses_on",
    "compute",
    "fee_lapses_on",
    "local_date",
    "months_later",
]

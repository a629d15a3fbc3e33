"""The clock's inputs and output: events, settings and the result, with the states it can report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from intake.caselog.clock.dates import local_date
from intake.caselog.clock.statute import CLARIFICATION_LAPSE_MONTHS
from intake.vocabulary import ClarificationRestart, EventType

__all__ = [
    "EVENT_TYPES",
    "STATES",
    "ClockEvent",
    "ClockResult",
    "ClockSettings",
    "ClockState",
    "Ev",
    "prepare",
]

# The event types the clock reads, in the order the CLI's help lists them; every other type is not its business.
EVENT_TYPES: tuple[EventType, ...] = (
    EventType.CLARIFICATION_REQUESTED,
    EventType.CLARIFICATION_RECEIVED,
    EventType.FEE_NOTICE,
    EventType.FEE_PAID,
    EventType.PIT_EXTENSION,
    EventType.EIR_EXTENSION,
    EventType.SAR_EXTENSION,
    EventType.COMPLEX_REVIEW,
    EventType.REUSE_EXTENSION,
    EventType.ID_REQUESTED,
    EventType.ID_RECEIVED,
    EventType.RESPONDED,
    EventType.CLOSED,
    EventType.REOPENED,
)


class ClockState(StrEnum):
    """`ClockResult.state` (see the package docstring for what each means)."""

    RUNNING = "running"
    OVERDUE = "overdue"
    STOPPED = "stopped"
    LAPSED = "lapsed"
    MET = "met"
    LATE = "late"
    CLOSED = "closed"


STATES: tuple[str, ...] = tuple(ClockState)


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
    clarification_restart: str = ClarificationRestart.AFRESH
    # Future proclamations not yet known to the `holidays` package (never office closure days).
    extra_non_working_days: tuple[date, ...] = ()
    clarification_lapse_months: int = CLARIFICATION_LAPSE_MONTHS


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
            "state": str(self.state),
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


@dataclass(frozen=True)
class Ev:
    """An event checked and placed on the organisation's calendar."""

    type: EventType
    at: datetime
    day: date
    data: Mapping[str, Any]

    @property
    def tag(self) -> str:
        return f"{self.type}@{self.day.isoformat()}"


def prepare(received_at: datetime, events: Sequence[ClockEvent], tz: str) -> list[Ev]:
    """Check the events and sort them by instant, then type and data, so input order never matters."""
    names = tuple(str(t) for t in EVENT_TYPES)
    out = []
    for e in events:
        if e.type not in names:
            raise ValueError(f"unknown clock event type {e.type!r}; expected one of {names}")
        if e.at.tzinfo is None:
            raise ValueError(f"event {e.type}: datetime must be timezone-aware")
        if e.at < received_at:
            raise ValueError(f"event {e.type} at {e.at.isoformat()} is before receipt")
        out.append(Ev(EventType(e.type), e.at, local_date(e.at, tz), dict(e.data or {})))
    out.sort(key=lambda e: (e.at, str(e.type), repr(sorted(e.data.items(), key=str))))
    return out

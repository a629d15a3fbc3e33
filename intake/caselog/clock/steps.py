"""The steps of a count: what happened on which day, as data. `explain` turns them into words.

The count decides from these fields alone (never from the wording), so a change of wording cannot
change a due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from intake.caselog.clock.statute import Extension
from intake.vocabulary import EventType

__all__ = [
    "ClarificationAnswered",
    "ClarificationAsked",
    "Counted",
    "Ended",
    "EventStep",
    "FeeNotice",
    "FeePaid",
    "FurtherDays",
    "Header",
    "Intro",
    "Lapsed",
    "NewLimit",
    "NoEffect",
    "NotApplicable",
    "NotCounted",
    "Outcome",
    "Received",
    "Reopened",
    "SarDue",
    "SarEnded",
    "SarExtension",
    "SarIdReceived",
    "SarIdRequested",
    "SarIntro",
    "SarMonths",
    "SarReceived",
    "Skipped",
    "Step",
    "StoppedRun",
]


# --- what one event did (the handler's answer) ----------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Outcome:
    """Common effects: the count reads these flags, the explanation reads the subclass's fields."""

    applied: bool = True
    tells_day: bool = False  # the line itself says this day is not counted (or is day 0)
    pauses: bool = False  # the clock stops from this day
    restarts: bool = False  # a new count starts: this day is day 0
    ends: EventType | None = None  # the case ended this day (responded or closed)


@dataclass(frozen=True, kw_only=True)
class ClarificationAsked(Outcome):
    lapses_on: date | None = None  # None: the clock was already stopped for clarification
    after_due: bool = False


@dataclass(frozen=True, kw_only=True)
class ClarificationAnswered(Outcome):
    outstanding: bool
    afresh: bool = False
    counted: int = 0


@dataclass(frozen=True, kw_only=True)
class FeeNotice(Outcome):
    lapses_on: date | None = None  # None: already paused for a fee


@dataclass(frozen=True, kw_only=True)
class FeePaid(Outcome):
    outstanding: bool
    counted: int = 0


@dataclass(frozen=True, kw_only=True)
class FurtherDays(Outcome):
    """PIT or re-use extension: further working days."""

    ext: Extension
    too_late: bool = False
    extra: int = 0
    limit: int = 0
    until: date | None = None
    until_is_working_day: bool = True
    over_usual: int | None = None  # the usual maximum, when the total goes beyond it


@dataclass(frozen=True, kw_only=True)
class NewLimit(Outcome):
    """EIR extension or complex review: a longer limit."""

    ext: Extension
    too_late: bool = False
    limit: int = 0  # the limit after the event (unchanged when not applied)


@dataclass(frozen=True, kw_only=True)
class Ended(Outcome):
    pass


@dataclass(frozen=True, kw_only=True)
class Reopened(Outcome):
    ended: EventType | None = None  # what had ended the clock; None: nothing had
    ended_on: date | None = None
    counted: int | None = None  # the working day reached; None for the SAR's calendar months


# --- lines of the explanation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    received_at: datetime
    received: date
    timezone: str


@dataclass(frozen=True)
class Intro:
    label: str
    days: int
    source: str


@dataclass(frozen=True)
class Received:
    on: date
    non_working: str | None


@dataclass(frozen=True)
class Counted:
    on: date
    n: int
    ack_source: str | None = None
    due: bool = False


@dataclass(frozen=True)
class Skipped:
    on: date
    reason: str | None


@dataclass(frozen=True)
class StoppedRun:
    first: date
    last: date
    pauses: tuple[str, ...]
    working_days: int


@dataclass(frozen=True)
class NotCounted:
    on: date


@dataclass(frozen=True)
class Lapsed:
    on: date
    cause: str
    months: int


@dataclass(frozen=True)
class NoEffect:
    on: date
    event: EventType
    ended: str


@dataclass(frozen=True)
class NotApplicable:
    on: date
    event: EventType
    label: str
    kind: str


@dataclass(frozen=True)
class EventStep:
    on: date
    outcome: Outcome


@dataclass(frozen=True)
class SarIntro:
    pass


@dataclass(frozen=True)
class SarReceived:
    on: date


@dataclass(frozen=True)
class SarExtension:
    on: date
    applied: bool


@dataclass(frozen=True)
class SarIdRequested:
    on: date


@dataclass(frozen=True)
class SarIdReceived:
    on: date
    outstanding: bool


@dataclass(frozen=True)
class SarEnded:
    on: date
    ending: EventType


@dataclass(frozen=True)
class SarMonths:
    months: int
    start: date
    target: date
    exact: bool


@dataclass(frozen=True)
class SarDue:
    on: date


Step = (
    Header | Intro | Received | Counted | Skipped | StoppedRun | NotCounted | Lapsed | NoEffect
    | NotApplicable | EventStep | SarIntro | SarReceived | SarExtension | SarIdRequested
    | SarIdReceived | SarEnded | SarMonths | SarDue
)

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
    "SarClarificationAnswered",
    "SarClarificationAsked",
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
    still_stopped: bool = False  # a pause from before the ending still holds


# --- lines of the explanation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Header:
    """The moment of receipt and the local day it gives."""

    received_at: datetime
    received: date
    timezone: str


@dataclass(frozen=True)
class Intro:
    """Which working-day clock runs, how long, under what law."""

    label: str
    days: int
    source: str


@dataclass(frozen=True)
class Received:
    """Day 0, with why it is not a working day when it is not."""

    on: date
    non_working: str | None


@dataclass(frozen=True)
class Counted:
    """A working day counted; it may be the acknowledgement day or the due day."""

    on: date
    n: int
    ack_source: str | None = None
    due: bool = False


@dataclass(frozen=True)
class Skipped:
    """A day that is not a working day, before the due date."""

    on: date
    reason: str | None


@dataclass(frozen=True)
class StoppedRun:
    """Consecutive paused days, written as one line."""

    first: date
    last: date
    pauses: tuple[str, ...]
    working_days: int


@dataclass(frozen=True)
class NotCounted:
    """A day with events on which the clock was stopped."""

    on: date


@dataclass(frozen=True)
class Lapsed:
    """The day a pause ran out and the request lapsed."""

    on: date
    cause: str
    months: int


@dataclass(frozen=True)
class NoEffect:
    """An event after the case ended."""

    on: date
    event: EventType
    ended: str


@dataclass(frozen=True)
class NotApplicable:
    """An event this kind of clock does not read."""

    on: date
    event: EventType
    label: str
    kind: str


@dataclass(frozen=True)
class EventStep:
    """An event a handler acted on (or refused), and what it did."""

    on: date
    outcome: Outcome


@dataclass(frozen=True)
class SarIntro:
    """The subject access clock runs."""

    pass


@dataclass(frozen=True)
class SarReceived:
    """The day of receipt of a subject access request."""

    on: date


@dataclass(frozen=True)
class SarExtension:
    """An extension by two months, applied or refused."""

    on: date
    applied: bool


@dataclass(frozen=True)
class SarIdRequested:
    """Identification asked for: the month waits for it."""

    on: date


@dataclass(frozen=True)
class SarIdReceived:
    """Identification arrived (or none was outstanding)."""

    on: date
    outstanding: bool


@dataclass(frozen=True)
class SarClarificationAsked:
    """Clarification asked for: the days until the reply do not count (UK GDPR Art 12A, DUAA 2025)."""

    on: date
    applied: bool = True


@dataclass(frozen=True)
class SarClarificationAnswered:
    """The clarification arrived: the month resumes, later by the days it waited."""

    on: date
    days_paused: int = 0
    outstanding: bool = True


@dataclass(frozen=True)
class SarEnded:
    """A response or closure of a subject access request."""

    on: date
    ending: EventType


@dataclass(frozen=True)
class SarMonths:
    """The corresponding date the months reach, or the month end."""

    months: int
    start: date
    target: date
    exact: bool


@dataclass(frozen=True)
class SarDue:
    """The due day: the first working day on or after the corresponding date."""

    on: date


Step = (
    Header | Intro | Received | Counted | Skipped | StoppedRun | NotCounted | Lapsed | NoEffect
    | NotApplicable | EventStep | SarIntro | SarReceived | SarExtension | SarIdRequested
    | SarIdReceived | SarClarificationAsked | SarClarificationAnswered | SarEnded | SarMonths | SarDue
)

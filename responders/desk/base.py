"""What every desk action shares: its shape (name, the states it may run from, the events it writes, the
notices it sends), its result, and the tools it works with."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case
from intake.caselog.clock import ClockEvent, ClockResult, WorkingCalendar
from intake.caselog.clock.dates import calendar_for
from intake.caselog.views import case_clock
from intake.vocabulary import CaseStatus, EventType, NoticePurpose
from responders.desk.lifecycle import refuse_unless_allowed, step_for
from responders.errors import ActionRefused
from responders.exemptions import Exemption, lookup
from responders.notify import Notifier, Queued

__all__ = [
    "ANY_STATUS",
    "ONLY_OPEN",
    "Action",
    "DeskTools",
    "Done",
    "exemption_context",
    "exemptions_named",
    "last_day_before",
    "queued_ids",
]

ANY_STATUS = frozenset(CaseStatus)
ONLY_OPEN = frozenset({CaseStatus.OPEN})


@dataclass(frozen=True)
class Done:
    """What an action did, in one line, and the notices it queued; `opened` names a case it opened."""

    summary: str
    notices: tuple[int, ...] = ()
    opened: str | None = None


@dataclass(frozen=True)
class DeskTools:
    """The configuration and the notifier every action works with."""

    settings: Settings
    notifier: Notifier

    def clock(self, case: Case, today: date | None = None, then: tuple[ClockEvent, ...] = ()) -> ClockResult:
        """The case's clock (with `then`, events about to be written); an event log the clock cannot count (an
        event dated before receipt) is refused."""
        try:
            return case_clock(case, self.settings, today, then)
        except ValueError as exc:
            raise ActionRefused(f"the clock cannot count this: {exc}") from None

    def done_with_clock(self, s: Session, case: Case, now: datetime, what: str) -> Done:
        """`what` happened; the summary adds where the clock now stands."""
        s.flush()
        clock = self.clock(case, now.date())
        return Done(f"{what}; {clock.state}: {clock.state_reason}")

    @property
    def calendar(self) -> WorkingCalendar:
        # One per configuration, shared: a new one works out each year's bank holidays again (a third of `daily`).
        return calendar_for(tuple(sorted(set(self.settings.clock.extra_non_working_days))))


class Action(ABC):
    """One thing a person does to a case. The class says what it is; `apply` does it.

    `name` is the command's verb. For an action in the lifecycle table (`responders.desk.lifecycle`) the
    case's route and status are checked against its row; the class attributes are its union over the routes.
    Any other action says here the statuses it may run from (else refused with `refused_from`), the events
    it may record and the notices it may queue.
    """

    name: ClassVar[str]
    allowed_from: ClassVar[frozenset[CaseStatus]] = ANY_STATUS
    writes: ClassVar[tuple[EventType, ...]] = ()
    sends: ClassVar[tuple[NoticePurpose, ...]] = ()
    refused_from: ClassVar[str] = "{reference} is {status}, not open"

    def run(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        """Refuse if the case's route or status does not allow the action, else apply it."""
        step = step_for(case, self.name)
        if step is not None:
            refuse_unless_allowed(case, self.name, step)
        elif case.status not in self.allowed_from:
            raise ActionRefused(self.refused_from.format(reference=case.reference, status=case.status))
        return self.apply(tools, s, case, now, actor)

    @abstractmethod
    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        """Record the action's events and queue its notices (the status is already checked)."""


def last_day_before(lapses_on: date) -> date:
    """The clock reports the first day a request has lapsed; a notice names the last day to act."""
    return lapses_on - timedelta(days=1)


def queued_ids(*queued: Queued) -> tuple[int, ...]:
    return tuple(q.notice_id for q in queued if q.notice_id)


def exemptions_named(codes: Iterable[str]) -> list[Exemption]:
    """The exemptions `codes` name; an unknown code is refused with the known ones."""
    return [lookup(code) for code in codes]


def exemption_context(e: Exemption) -> dict[str, Any]:
    return {"section": e.section, "title": e.title, "kind": e.kind, "summary": e.summary}

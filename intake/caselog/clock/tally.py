"""The running tally of one working-day count: where it started, how far it got, what stops it."""

from __future__ import annotations

from datetime import date, timedelta

from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.clock.statute import Rule
from intake.caselog.clock.steps import Step, StoppedRun
from intake.vocabulary import EventType

__all__ = ["LAPSED", "Tally"]

LAPSED = "lapsed"  # the ending a lapse gives; responded and closed come from events


class Tally:
    """Mutable state of one working-day count while walking the calendar day by day."""

    def __init__(self, rule: Rule, received: date, cal: WorkingCalendar, *, afresh: bool,
                 lapse_months: int, explaining: bool = True) -> None:
        self.cal = cal
        self.explaining = explaining  # keep the steps for the explanation (else only the count is kept)
        self.rule = rule
        self.afresh = afresh  # clarification restarts the count (FOIA s.10(6)(b)) or resumes it (policy 14.2)
        self.lapse_months = lapse_months
        self.start = received
        self.limit = rule.days
        self.counted = 0
        self.reached: dict[int, date] = {}
        self.pauses: dict[str, date] = {}
        self.lapse_on: dict[str, date] = {}
        self.further = 0
        self.steps: list[Step] = []
        self.ending: tuple[str, date] | None = None  # (responded | closed | lapsed, day)
        self.lapse_cause = ""
        self.responded_on: date | None = None
        self.applied: list[str] = []
        self.notes: list[str] = []
        self._run: tuple[date, date] | None = None  # first and last day of a run of paused days
        self._run_pauses: tuple[str, ...] = ()

    @property
    def in_time(self) -> bool:
        """Notices must be given by the due date (day `limit` itself is in time)."""
        return self.counted < self.limit

    def emit(self, step: Step) -> None:
        if not self.explaining:
            return
        self.flush()
        self.steps.append(step)

    def flush(self) -> None:
        """Write a run of paused days as one step (they are all disregarded alike)."""
        if self._run is None or not self.explaining:
            return
        a, b = self._run
        wd = self.cal.working_days_between(a - timedelta(days=1), b)
        self.steps.append(StoppedRun(a, b, self._run_pauses, wd))
        self._run = None

    def pause_days(self, first: date, last: date) -> None:
        """Add paused days first..last to the current run (one step per run, not per day)."""
        pauses = tuple(sorted(self.pauses))
        if self._run and (pauses != self._run_pauses or first != self._run[1] + timedelta(days=1)):
            self.flush()
        self._run_pauses = pauses
        self._run = (self._run[0] if self._run else first, last)

    def count_day(self, d: date) -> None:
        self.counted += 1
        self.reached[self.counted] = d

    def projected_due(self, base: date) -> date:
        """Due date if nothing else pauses the clock after `base` (already processed)."""
        return self.cal.add_working_days(base, max(self.limit - self.counted, 0))

    def end(self, ending: EventType, d: date) -> None:
        self.ending = (str(ending), d)
        if ending == EventType.RESPONDED:
            self.responded_on = d

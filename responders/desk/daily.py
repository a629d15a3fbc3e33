"""The daily jobs: lapse what waited too long, remind, alert the overdue, and send the digest. Safe to run
more than once a day: every notice is keyed so that it is queued once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.caselog.clock import ClockResult
from intake.caselog.views import local_today, with_clocks
from intake.vocabulary import LIVE_STATUSES, CaseStatus, EventType, NoticePurpose
from responders.desk.base import DeskTools
from responders.digest import digest_context

__all__ = ["daily", "open_days_left"]


def daily(tools: DeskTools, s: Session, now: datetime) -> dict[str, int]:
    """Lapses, reminders, overdue alerts and the digest; returns how many of each were queued."""
    today = local_today(tools.settings, now)  # the day `cases list --overdue` judges against too
    counts = {"lapsed": 0, "reminders": 0, "overdue": 0, "digest": 0}
    for case in s.scalars(with_clocks(select(Case).where(Case.status.in_(LIVE_STATUSES)))):
        clock = tools.clock(case, today)
        if clock.state == "lapsed":
            counts["lapsed"] += _lapse(tools, s, case, now)
        elif clock.state == "overdue" and clock.due:
            counts["overdue"] += _overdue(tools, s, case, clock.due, now)
        elif clock.state == "running" and clock.working_days_remaining is not None and clock.due:
            counts["reminders"] += _remind(tools, s, case, clock, now)
    q = tools.notifier.queue_digest(s, digest_context(s, tools.settings, today), now=now)
    counts["digest"] = int(q.notice_id is not None)
    if tools.settings.reports.monthly_email:
        from responders.reports.monthly import queue_monthly_report  # matplotlib loads only when it is on

        counts["monthly_report"] = int(queue_monthly_report(s, tools.settings, tools.notifier.renderer, now)
                                       is not None)
    return counts


def open_days_left(tools: DeskTools, today: date, due: date, working_days_left: int) -> int:
    """Working days left on which the office is open: closure days count in law, not for the team."""
    closed = sum(1 for d in tools.settings.clock.closure_days
                 if today < d <= due and tools.calendar.is_working_day(d))
    return max(working_days_left - closed, 0)


def _lapse(tools: DeskTools, s: Session, case: Case, now: datetime) -> int:
    """Close a request whose clarification or fee never came (FOIA s.1(3), s.9(2)), and say so."""
    reason = "fee" if case.status == CaseStatus.AWAITING_FEE else "clarification"
    since = next((e.at.date() for e in reversed(case.events)
                  if e.type in (EventType.FEE_NOTICE, EventType.CLARIFICATION_REQUESTED)), now.date())
    add_event(s, case, EventType.CLOSED, now, {"reason": f"lapsed: no {reason}"}, actor="foi-intake")
    case.decision = f"lapsed ({reason})"
    s.flush()
    tools.notifier.queue(s, case, NoticePurpose.LAPSE, now=now, extra={"reason": reason, "since": since})
    return 1


def _overdue(tools: DeskTools, s: Session, case: Case, due: date, now: datetime) -> int:
    days_late = tools.calendar.working_days_between(due, now.date())
    q = tools.notifier.queue(s, case, NoticePurpose.OVERDUE, now=now, key=f"overdue:{case.reference}:{due}",
                             extra={"days_late": days_late})
    return int(q.notice_id is not None)


def _remind(tools: DeskTools, s: Session, case: Case, clock: ClockResult, now: datetime) -> int:
    """One reminder at each configured number of open working days left, the nearest threshold first."""
    assert clock.due is not None and clock.working_days_remaining is not None
    left = open_days_left(tools, now.date(), clock.due, clock.working_days_remaining)
    for n in sorted(tools.settings.responders.reminder_days):
        if left <= n:
            q = tools.notifier.queue(s, case, NoticePurpose.REMINDER, now=now,
                                     key=f"reminder:{case.reference}:{clock.due}:{n}",
                                     extra={"days_left": left, "state": clock.state})
            return int(q.notice_id is not None)
    return 0


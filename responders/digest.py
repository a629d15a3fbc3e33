"""The daily digest's sections: new cases by queue, due soon, overdue, stopped, lapsing, needs a person."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, Message
from intake.caselog.clock import WorkingCalendar
from intake.caselog.views import case_clock
from intake.vocabulary import LIVE_STATUSES, MessageStatus, plural
from responders.routing import queue_name

__all__ = ["DUE_SOON_DAYS", "LAPSING_WITHIN_DAYS", "digest_context"]

DUE_SOON_DAYS = 5  # working days left at which a case is "due soon"
LAPSING_WITHIN_DAYS = 10  # working days ahead in which a stopped case's lapse is listed


def digest_context(s: Session, settings: Settings, today: date) -> dict[str, Any]:
    """What the digest template receives: each section a list of rows about cases or messages."""
    since = datetime.combine(today - timedelta(days=1), datetime.min.time()).astimezone()
    lapsing_by = WorkingCalendar(settings.clock.extra_non_working_days).add_working_days(today, LAPSING_WITHIN_DAYS)
    new_by_queue: dict[str, list[dict[str, Any]]] = {}
    sections: dict[str, list[dict[str, Any]]] = {"due_soon": [], "overdue": [], "stopped": [], "lapsing": []}
    for case in s.scalars(select(Case).order_by(Case.id)):
        clock = case_clock(case, settings, today)
        row = {"reference": case.reference, "requester_name": case.requester_name, "kind": case.kind,
               "regime": case.regime, "due": clock.due, "state": clock.state, "note": ""}
        if case.created_at >= since:
            first = s.scalar(select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1))
            queue = settings.queues.folders[queue_name(case, first)] if first else "—"
            new_by_queue.setdefault(queue, []).append(row)
        if case.status not in LIVE_STATUSES:
            continue
        if clock.state == "overdue":
            sections["overdue"].append(row)
        elif clock.state == "stopped":
            sections["stopped"].append({**row, "note": clock.state_reason})
            if clock.lapses_on and clock.lapses_on <= lapsing_by:
                sections["lapsing"].append({**row, "note": f"lapses on {clock.lapses_on:%d %b %Y}"})
        elif clock.working_days_remaining is not None and clock.working_days_remaining <= DUE_SOON_DAYS:
            left = plural(clock.working_days_remaining, "working day")
            sections["due_soon"].append({**row, "note": f"{left} left"})
    return {"today": today, "new_by_queue": new_by_queue, **sections, "needs_person": _needs_person(s)}


def _needs_person(s: Session) -> list[dict[str, Any]]:
    return [{"id": m.id, "subject": m.subject, "problem": m.problem, "received": m.arrived_at}
            for m in s.scalars(select(Message).where(Message.status == MessageStatus.NEEDS_PERSON)
                               .order_by(Message.id))]

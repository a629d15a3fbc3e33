"""The work list: the digest's sections (overdue, due soon, stopped clocks and what they wait for, messages that
need a person, notices that did not go), and every open case, sortable and filterable by queue, regime, state
and officer. The query string carries only codes and an officer's account name, never a requester's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from config.settings import QUEUE_NAMES, Settings
from intake.caselog import Case, Message
from intake.caselog.views import case_clock
from intake.vocabulary import LIVE_STATUSES, CaseStatus, DeskRole, MessageStatus, Regime, plural
from intake.web.accounts import Person
from intake.web.base import desk_of, person_of, render
from intake.web.permissions import sees_case
from responders.digest import DUE_SOON_DAYS, delivery_problems
from responders.routing import queue_name

__all__ = ["FILTERS", "SORTS", "Row", "officer_of", "routes", "work_list"]

SYSTEM_ACTOR = "foi-intake"  # what the bot writes as the actor of its own events
DELIVERY_DAYS = 7  # bounced and suppressed notices of the last week are listed
SORTS = ("due", "reference", "received", "state", "officer")
FILTERS = ("queue", "regime", "state", "officer")
# A case opened by hand has no message: its queue is the one a handled message of it would be filed in.
_HAND_MADE = Message(status=MessageStatus.PROCESSED)


@dataclass(frozen=True)
class Row:
    reference: str
    requester_name: str | None
    kind: str
    regime: str | None
    state: str  # the case's status
    clock: str  # the clock's state
    due: date | None
    received: date
    queue: str
    officer: str
    note: str
    section: str  # overdue, due_soon, stopped or "" (open, in time)
    media: bool


def officer_of(case: Case) -> str:
    """The last person who acted on the case (the audit trail's actor), or "" when only the bot has."""
    return next((e.actor for e in reversed(case.events) if e.actor != SYSTEM_ACTOR), "")


def _row(s: Session, settings: Settings, case: Case, today: date) -> Row:
    clock = case_clock(case, settings, today)
    first = s.scalar(select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1))
    section, note = "", clock.state_reason
    if clock.state == "overdue":
        section = "overdue"
    elif clock.state == "stopped":
        section = "stopped"
        note = clock.state_reason + (f"; lapses on {clock.lapses_on:%d %b %Y}" if clock.lapses_on else "")
    elif clock.working_days_remaining is not None and clock.working_days_remaining <= DUE_SOON_DAYS:
        section, note = "due_soon", f"{plural(clock.working_days_remaining, 'working day')} left"
    return Row(case.reference, case.requester_name, case.kind, case.regime, case.status, clock.state, clock.due,
               clock.received, queue_name(case, first or _HAND_MADE), officer_of(case), note, section,
               "media" in case.flags)


def _sort_key(sort: str) -> Any:
    far = date.max
    keys = {"due": lambda r: (r.due or far, r.reference), "reference": lambda r: r.reference,
            "received": lambda r: (r.received, r.reference), "state": lambda r: (r.state, r.due or far),
            "officer": lambda r: (r.officer or "~", r.due or far)}
    return keys[sort]


def work_list(s: Session, settings: Settings, person: Person, today: date, filters: dict[str, str],
              sort: str = "due", descending: bool = False) -> dict[str, Any]:
    """The page's data: the rows of every open case the person may see, by section, filtered and sorted."""
    cases = [c for c in s.scalars(select(Case).where(Case.status.in_(LIVE_STATUSES)).order_by(Case.id))
             if sees_case(person, c)]
    rows = [_row(s, settings, c, today) for c in cases]
    officers = sorted({r.officer for r in rows if r.officer})
    for key, value in filters.items():
        if value:
            rows = [r for r in rows if str(getattr(r, key) or "") == value]
    rows.sort(key=_sort_key(sort if sort in SORTS else "due"), reverse=descending)
    visible = {c.reference for c in cases}
    since = datetime.combine(today - timedelta(days=DELIVERY_DAYS), datetime.min.time()).astimezone()
    delivery = [d for d in delivery_problems(s, settings, today, since)
                if person.role != DeskRole.COMMS or d["reference"] in visible]
    needs = [] if person.role == DeskRole.COMMS else [
        {"id": m.id, "subject": m.subject, "problem": m.problem, "received": m.arrived_at, "folder": m.filed_in}
        for m in s.scalars(select(Message).where(Message.status == MessageStatus.NEEDS_PERSON).order_by(Message.id))]
    return {"rows": rows, "overdue": [r for r in rows if r.section == "overdue"],
            "due_soon": [r for r in rows if r.section == "due_soon"],
            "stopped": [r for r in rows if r.section == "stopped"], "needs_person": needs, "delivery": delivery,
            "choices": {"queue": QUEUE_NAMES, "regime": tuple(Regime), "officer": tuple(officers),
                        "state": tuple(st for st in CaseStatus if st in LIVE_STATUSES)},
            "filters": filters, "sort": sort, "descending": descending, "today": today}


def page(request: Request) -> Response:
    desk = desk_of(request)
    person = person_of(request)
    query = request.query_params
    filters = {key: query.get(key, "") for key in FILTERS}
    sort = query.get("sort", "due")
    with desk.session() as s:
        data = work_list(s, desk.settings, person, desk.today(), filters, sort if sort in SORTS else "due",
                         query.get("desc") == "1")
    return render(request, "worklist.html.j2", **data)


def routes() -> list[BaseRoute]:
    return [Route("/", page, methods=["GET"])]

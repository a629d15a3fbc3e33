"""The daily digest's sections: new cases by queue, due soon, overdue, stopped, lapsing, needs a person,
delivery problems (held, bounced and suppressed notices; clocks kept running because a notice did not go) and
possibly related requests (rules.md section 4)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, CaseEvent, Message, Notice
from intake.caselog.clock import ClockResult, WorkingCalendar
from intake.caselog.views import case_clock, pause_deliveries, undelivered_pauses, with_clocks
from intake.vocabulary import LIVE_STATUSES, EventType, MessageStatus, NoticeStatus, plural
from responders.notify import REQUESTER_NOTICES
from responders.related import describe_matches
from responders.routing import queue_name

__all__ = ["DIGEST_LISTED", "DUE_SOON_DAYS", "LAPSING_WITHIN_DAYS", "delivery_problems", "digest_context",
           "related_requests"]

DUE_SOON_DAYS = 5  # working days left at which a case is "due soon"
DIGEST_LISTED = 25  # rows listed in each section; the count says how many more there are
LAPSING_WITHIN_DAYS = 10  # working days ahead in which a stopped case's lapse is listed


def digest_context(s: Session, settings: Settings, today: date) -> dict[str, Any]:
    """What the digest template receives: each section a list of rows about cases or messages, the first
    DIGEST_LISTED of each, and in `totals` how many there are (the digest summarises; `cases list` has them all)."""
    since = datetime.combine(today - timedelta(days=1), datetime.min.time()).astimezone()
    lapsing_by = WorkingCalendar(settings.clock.extra_non_working_days).add_working_days(today, LAPSING_WITHIN_DAYS)
    new_by_queue: dict[str, list[dict[str, Any]]] = {}
    sections: dict[str, list[dict[str, Any]]] = {"due_soon": [], "overdue": [], "stopped": [], "lapsing": []}
    # The new and the live: an answered case from years ago is in no section.
    query = select(Case).where(or_(Case.created_at >= since, Case.status.in_(LIVE_STATUSES))).order_by(Case.id)
    for case in s.scalars(with_clocks(query)):
        clock = case_clock(case, settings, today)
        row = _row(case, clock)
        if case.created_at >= since:
            first = s.scalar(select(Message.status).where(Message.case_id == case.id).order_by(Message.id).limit(1))
            queue = settings.queues.folders[queue_name(case, Message(status=first))] if first else "—"
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
    sections |= {"needs_person": _needs_person(s), "delivery": delivery_problems(s, settings, today, since),
                 "related": related_requests(s, settings, since)}
    totals = {name: len(rows) for name, rows in sections.items()} | {
        "needs_person": s.scalar(select(func.count()).where(Message.status == MessageStatus.NEEDS_PERSON)) or 0}
    new_totals = {queue: len(rows) for queue, rows in new_by_queue.items()}
    # The latest related requests, not the first: each names the earlier ones, and the last says how many in all.
    listed = {name: rows[-DIGEST_LISTED:] if name == "related" else rows[:DIGEST_LISTED]
              for name, rows in sections.items()}
    return {"today": today, "totals": totals, "new_totals": new_totals,
            "new_by_queue": {queue: rows[:DIGEST_LISTED] for queue, rows in new_by_queue.items()}, **listed}


def _row(case: Case, clock: ClockResult, note: str = "") -> dict[str, Any]:
    return {"reference": case.reference, "requester_name": case.requester_name, "kind": case.kind,
            "regime": case.regime, "due": clock.due, "state": clock.state, "note": note,
            "welsh": "welsh" in case.flags}


def delivery_problems(s: Session, settings: Settings, today: date, since: datetime) -> list[dict[str, Any]]:
    """Notices that did not reach their reader, and clocks kept running because a pausing notice did not go.

    Each row has `problem` (held, bounced, suppressed, clock_running) and `notice` (its id, when held)."""
    out: list[dict[str, Any]] = []
    for n in s.scalars(select(Notice).where(Notice.status == NoticeStatus.HELD).order_by(Notice.id)):
        base = (_row(n.case, case_clock(n.case, settings, today)) if n.case is not None else
                {"reference": "—", "requester_name": None, "kind": n.kind, "regime": None, "due": None, "state": "",
                 "welsh": False})
        pausing = n.case is not None and any(d.notice_id == n.id for d in pause_deliveries(n.case).values())
        out.append({**base, "problem": "held", "notice": n.id,
                    "note": f"{n.kind} notice held: {n.last_error} (foi-intake outbox retry {n.id})"
                            + ("; the clock keeps running until it is sent" if pausing else "")})
    kinds = (EventType.NOTICE_BOUNCED, EventType.NOTICE_SUPPRESSED)
    for e in s.scalars(select(CaseEvent).where(CaseEvent.type.in_(kinds), CaseEvent.at >= since)
                       .order_by(CaseEvent.id)):
        if e.type == EventType.NOTICE_SUPPRESSED and e.data.get("notice") not in REQUESTER_NOTICES:
            continue  # only notices meant for a requester: the team's own alerts are not the requester's loss
        what = "bounced" if e.type == EventType.NOTICE_BOUNCED else f"not sent: {e.data.get('why')}"
        out.append({**_row(e.case, case_clock(e.case, settings, today)), "notice": None,
                    "problem": "bounced" if e.type == EventType.NOTICE_BOUNCED else "suppressed",
                    "note": f"{e.data.get('notice')} notice {what}"})
    for case in s.scalars(with_clocks(select(Case).where(Case.status.in_(LIVE_STATUSES)).order_by(Case.id))):
        out.extend({**_row(case, case_clock(case, settings, today), line), "problem": "clock_running",
                    "notice": None} for line in undelivered_pauses(case, ("bounced", "suppressed")))  # held: above
    return out


def related_requests(s: Session, settings: Settings, since: datetime) -> list[dict[str, Any]]:
    """Cases flagged since `since` as possibly related to earlier ones (rules.md section 4), each match's line."""
    return [{**_row(e.case, case_clock(e.case, settings)), "note": "; ".join(describe_matches(e.data))}
            for e in s.scalars(select(CaseEvent).where(CaseEvent.type == EventType.POSSIBLY_RELATED,
                                                       CaseEvent.at >= since).order_by(CaseEvent.id))]


def _needs_person(s: Session) -> list[dict[str, Any]]:
    """The first DIGEST_LISTED messages waiting for a person (their headers only, never their bytes)."""
    return [{"id": m.id, "subject": m.subject, "problem": m.problem, "received": m.arrived_at}
            for m in s.execute(select(Message.id, Message.subject, Message.problem, Message.arrived_at)
                               .where(Message.status == MessageStatus.NEEDS_PERSON).order_by(Message.id)
                               .limit(DIGEST_LISTED))]

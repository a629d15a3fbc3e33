"""Case helpers shared by the pipeline and the CLI: the clock of a case and its public JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from config.settings import Settings
from intake.caselog import Case, Notice
from intake.caselog.clock import EVENT_TYPES, ClockEvent, ClockResult, ClockSettings, compute
from intake.vocabulary import EventType, NoticeStatus

__all__ = ["PAUSING_EVENTS", "Delivery", "case_clock", "case_json", "clock_kind", "clock_settings", "local_today",
           "pause_deliveries", "undelivered_pauses", "with_clocks"]

Q = TypeVar("Q", bound=Select[Any])

# Events that stop or pause a clock by telling the requester; each takes effect only once its notice is sent.
PAUSING_EVENTS = frozenset({EventType.CLARIFICATION_REQUESTED, EventType.FEE_NOTICE, EventType.ID_REQUESTED})


@dataclass(frozen=True)
class Delivery:
    """What became of the notice that a pausing event announced."""

    event_type: str
    event_at: datetime
    state: str  # pending (still in the outbox), sent, held, suppressed or bounced
    delay: timedelta = timedelta(0)  # how long the notice waited in the outbox before it was sent
    why: str | None = None
    notice_id: int | None = None


def with_clocks(query: Q) -> Q:
    """`query`'s cases with what their clocks read, in one query each for all of them (never one per case): their
    events, and their notices without the notices' bytes."""
    return query.options(selectinload(Case.events), selectinload(Case.notices).defer(Notice.raw))


def clock_kind(case: Case) -> str:
    """Which statutory clock runs for a case (rules.md section 3)."""
    if case.kind == "internal_review":
        return "eir_internal_review" if case.regime == "eir" else "internal_review"
    if case.kind == "reuse_request":
        return "reuse"
    if case.regime == "sar":
        return "sar"
    if any(e.type == "publication_scheme" for e in case.events):
        return "publication_scheme"  # pointed to the scheme (policy 6.10): the desk's publication-scheme action
    if case.regime == "eir":
        return "eir"
    return "foi"  # FOI, and mixed FOI+EIR requests run on the 20-working-day FOI clock


def local_today(settings: Settings, now: datetime | None = None) -> date:
    """Today in the organisation's time zone: the day `cases`, `daily` and the digest judge overdue against."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(settings.organisation.timezone)).date()


def clock_settings(settings: Settings) -> ClockSettings:
    return ClockSettings(timezone=settings.organisation.timezone,
                         clarification_restart=settings.clock.clarification_restart,
                         extra_non_working_days=settings.clock.extra_non_working_days)


def pause_deliveries(case: Case) -> dict[int, Delivery]:
    """For each pausing event whose notice the notifier linked to it (`pauses` in its notice events): the news
    of that notice, from its outbox row and the bounce and suppression events. Unlinked pauses are not listed."""
    pausing = {e.id: e for e in case.events if e.type in PAUSING_EVENTS}
    notices = {n.id: n for n in case.notices}
    announced: dict[int, int] = {}  # notice id -> the pausing event it announced
    out: dict[int, Delivery] = {}
    for e in case.events:
        linked, notice_id = e.data.get("pauses"), e.data.get("id")
        if e.type == EventType.NOTICE_SUPPRESSED and linked in pausing:
            out[linked] = Delivery(pausing[linked].type, pausing[linked].at, "suppressed", why=e.data.get("why"))
        elif e.type == EventType.NOTICE_QUEUED and linked in pausing and isinstance(notice_id, int):
            announced[notice_id] = linked
        elif e.type == EventType.NOTICE_BOUNCED and notice_id in announced:
            asked = pausing[announced.pop(notice_id)]
            out[asked.id] = Delivery(asked.type, asked.at, "bounced", notice_id=notice_id)
    for notice_id, event_id in announced.items():
        notice, asked = notices.get(notice_id), pausing[event_id]
        if notice is None:  # queued in this session and not yet on the relationship: certainly not sent
            out[event_id] = Delivery(asked.type, asked.at, "pending", notice_id=notice_id)
            continue
        state = {NoticeStatus.SENT: "sent", NoticeStatus.HELD: "held"}.get(NoticeStatus(notice.status), "pending")
        delay = max(notice.sent_at - notice.created_at, timedelta(0)) if notice.sent_at else timedelta(0)
        why = notice.last_error if state == "held" else None
        out[event_id] = Delivery(asked.type, asked.at, state, delay, why, notice_id)
    return out


def undelivered_pauses(case: Case, states: tuple[str, ...] = ("held", "bounced", "suppressed")) -> list[str]:
    """One line per pausing notice that did not go, so the clock keeps running: for `cases show` and the digest."""
    return [f"{d.event_type} of {d.event_at:%d %b %Y}: its notice is {d.state}"
            + (f" ({d.why})" if d.why else "") + " — the clock keeps running until it is sent"
            for d in pause_deliveries(case).values() if d.state in states]


def case_clock(case: Case, settings: Settings, today: date | None = None,
               then: tuple[ClockEvent, ...] = (), explaining: bool = False) -> ClockResult:
    """The case's clock; `then` adds events not yet written (what an action is about to record). Its day-by-day
    explanation only when asked (`explaining`): the commands that list cases print the verdict, never the steps."""
    deliveries = pause_deliveries(case)
    read = [e for e in case.events if e.type in EVENT_TYPES]
    events = []
    for i, e in enumerate(read):
        delivery = deliveries.get(e.id)
        if delivery is None:
            events.append(ClockEvent(e.type, e.at, e.data))
        elif delivery.state == "sent":
            # A pause takes effect when its notice is sent: later by the time the notice waited in the outbox,
            # but never after the next event (a reply to the notice proves it had arrived).
            at = e.at + delivery.delay
            later = [n.at for n in read[i + 1:] if n.at >= e.at]
            events.append(ClockEvent(e.type, min([at, *later[:1]]), e.data))
    events.extend(then)
    return compute(clock_kind(case), case.initial_received_at, events,
                   settings=clock_settings(settings), today=today, explaining=explaining)


def case_json(case: Case, settings: Settings, today: date | None = None,
              full: bool = False) -> dict[str, Any]:
    """A case as `cases list` and `cases show` print it; its clock judged against `today` (default: the
    organisation's today), so a case past its due date says overdue, as `daily` does."""
    clock = case_clock(case, settings, today or local_today(settings))
    data: dict[str, Any] = {
        "reference": case.reference,
        "status": case.status,
        "requester_name": case.requester_name,
        "requester_address": case.requester_address,
        "received_at": case.received_at.isoformat(),
        "initial_received_at": case.initial_received_at.isoformat(),
        "due_date": clock.due.isoformat() if clock.due else None,
        "clock_state": clock.state,
        "kind": case.kind,
        "regime": case.regime,
        "flags": list(case.flags),
        "valid": case.valid,
        "missing": list(case.missing),
        "clock_note": "; ".join(undelivered_pauses(case)) or None,
        # Fees Regs reg 5, s.14(2): "similar to FOI-2026-00031, 83% (…)", for a person to weigh.
        "related": "; ".join(str(line) for e in case.events if e.type == EventType.POSSIBLY_RELATED
                             for line in e.data.get("lines", e.data.get("related_to", []))) or None,
    }
    if full:
        data.update({
            "requester_email": case.requester_email,
            "description": case.description,
            "questions": list(case.questions),
            "method": case.method,
            "decision": case.decision,
            "exemptions": list(case.exemptions),
            "completed_at": case.completed_at.isoformat() if case.completed_at else None,
            "sent_at": case.sent_at.isoformat() if case.sent_at else None,
            "reasons": list(case.reasons),
            "events": [{"type": e.type, "at": e.at.isoformat(), "actor": e.actor, "data": e.data}
                       for e in case.events],
            "notices": [{"kind": n.kind, "to": n.to_address, "status": n.status,
                         "message_id": n.message_id, "attempts": n.attempts,
                         "sent_at": n.sent_at.isoformat() if n.sent_at else None}
                        for n in case.notices],
        })
    return data

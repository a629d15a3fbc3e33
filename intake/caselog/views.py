"""Case helpers shared by the pipeline and the CLI: the clock of a case and its public JSON."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, defer, selectinload

from config.settings import Settings
from intake.caselog import Case, CaseEvent, Notice
from intake.caselog.clock import EVENT_TYPES, ClockEvent, ClockResult, ClockSettings, compute
from intake.vocabulary import EventType, NoticeStatus

__all__ = ["PAUSING_EVENTS", "Delivery", "EventLike", "NoticeLike", "Trail", "case_clock", "case_json",
           "cases_with_trails", "clock_kind", "clock_settings", "local_today", "pause_deliveries", "trail_of",
           "undelivered_pauses", "with_clocks"]

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


class EventLike(Protocol):
    """What the clock reads of an event: a CaseEvent, or a row of one."""

    @property
    def id(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def data(self) -> dict[str, Any]: ...


class NoticeLike(Protocol):
    """What the clock reads of a notice: a Notice, or a row of one."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def sent_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def last_error(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    type: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoticeRow:
    id: int
    status: str
    sent_at: datetime | None
    created_at: datetime
    last_error: str | None


@dataclass(frozen=True)
class Trail:
    """A case's events and notices, in the order they were written."""

    events: Sequence[EventLike]
    notices: Sequence[NoticeLike]


def trail_of(case: Case, trail: Trail | None = None) -> Trail:
    return trail or Trail(case.events, case.notices)


def cases_with_trails(s: Session, query: Select[Any], batch: int = 500) -> Iterator[tuple[Case, Trail]]:
    """`query`'s cases, `batch` at a time, each with its trail read as rows: a list of 20,000 cases reads 100,000
    events and notices, which as ORM objects cost more than every clock together. For reading only."""
    lean = query.options(defer(Case.reasons), defer(Case.questions), defer(Case.description),
                         defer(Case.requester_postal_address)).execution_options(yield_per=batch)
    for partition in s.scalars(lean).partitions():
        cases: Sequence[Case] = partition
        ids = [c.id for c in cases]
        events: dict[int, list[EventLike]] = {i: [] for i in ids}
        notices: dict[int, list[NoticeLike]] = {i: [] for i in ids}
        for e in s.execute(select(CaseEvent.case_id, CaseEvent.id, CaseEvent.type, CaseEvent.at, CaseEvent.data)
                           .where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.id)):
            events[e.case_id].append(EventRow(e.id, e.type, e.at, e.data))
        for n in s.execute(select(Notice.case_id, Notice.id, Notice.status, Notice.sent_at, Notice.created_at,
                                  Notice.last_error).where(Notice.case_id.in_(ids)).order_by(Notice.id)):
            notices[n.case_id].append(NoticeRow(n.id, n.status, n.sent_at, n.created_at, n.last_error))
        yield from ((c, Trail(events[c.id], notices[c.id])) for c in cases)


def with_clocks(query: Q) -> Q:
    """`query`'s cases with what their clocks read, in one query each for all of them (never one per case): the
    columns their events and notices have for the clock. A case's longer texts load only if asked for."""
    return query.options(
        defer(Case.reasons), defer(Case.questions), defer(Case.description), defer(Case.requester_postal_address),
        selectinload(Case.events).load_only(CaseEvent.type, CaseEvent.at, CaseEvent.data, CaseEvent.actor),
        selectinload(Case.notices).load_only(Notice.kind, Notice.status, Notice.sent_at, Notice.created_at,
                                             Notice.last_error))


def clock_kind(case: Case, trail: Trail | None = None) -> str:
    """Which statutory clock runs for a case (rules.md section 3)."""
    if case.kind == "internal_review":
        return "eir_internal_review" if case.regime == "eir" else "internal_review"
    if case.kind == "reuse_request":
        return "reuse"
    if case.regime == "sar":
        return "sar"
    if any(e.type == "publication_scheme" for e in trail_of(case, trail).events):
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


def pause_deliveries(case: Case, trail: Trail | None = None) -> dict[int, Delivery]:
    """For each pausing event whose notice the notifier linked to it (`pauses` in its notice events): the news
    of that notice, from its outbox row and the bounce and suppression events. Unlinked pauses are not listed."""
    trail = trail_of(case, trail)
    pausing = {e.id: e for e in trail.events if e.type in PAUSING_EVENTS}
    if not pausing:
        return {}
    notices = {n.id: n for n in trail.notices}
    announced: dict[int, int] = {}  # notice id -> the pausing event it announced
    out: dict[int, Delivery] = {}
    for e in trail.events:
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


def undelivered_pauses(case: Case, states: tuple[str, ...] = ("held", "bounced", "suppressed"),
                       trail: Trail | None = None) -> list[str]:
    """One line per pausing notice that did not go, so the clock keeps running: for `cases show` and the digest."""
    return [f"{d.event_type} of {d.event_at:%d %b %Y}: its notice is {d.state}"
            + (f" ({d.why})" if d.why else "") + " — the clock keeps running until it is sent"
            for d in pause_deliveries(case, trail).values() if d.state in states]


def case_clock(case: Case, settings: Settings, today: date | None = None,
               then: tuple[ClockEvent, ...] = (), explaining: bool = False, trail: Trail | None = None) -> ClockResult:
    """The case's clock; `then` adds events not yet written (what an action is about to record). Its day-by-day
    explanation only when asked (`explaining`): the commands that list cases print the verdict, never the steps."""
    trail = trail_of(case, trail)
    deliveries = pause_deliveries(case, trail)
    read = [e for e in trail.events if e.type in EVENT_TYPES]
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
    return compute(clock_kind(case, trail), case.initial_received_at, events,
                   settings=clock_settings(settings), today=today, explaining=explaining)


def case_json(case: Case, settings: Settings, today: date | None = None,
              full: bool = False, trail: Trail | None = None) -> dict[str, Any]:
    """A case as `cases list` and `cases show` print it; its clock judged against `today` (default: the
    organisation's today), so a case past its due date says overdue, as `daily` does."""
    clock = case_clock(case, settings, today or local_today(settings), trail=trail)
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
        "clock_note": "; ".join(undelivered_pauses(case, trail=trail)) or None,
        # Fees Regs reg 5, s.14(2): "similar to FOI-2026-00031, 83% (…)", for a person to weigh.
        "related": "; ".join(str(line) for e in trail_of(case, trail).events if e.type == EventType.POSSIBLY_RELATED
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

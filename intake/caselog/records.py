"""Writing to the case log: references, events (the status follows them) and lookups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from config.settings import Organisation
from intake.caselog.models import Case, CaseEvent, ReferenceCounter
from intake.errors import FoiIntakeError
from intake.vocabulary import EventType, Regime, status_after

SAR_SERIES = "sar"

__all__ = ["SAR_SERIES", "StatusMismatch", "add_event", "allocate_reference", "derived_status", "find_case",
           "next_reference"]


class StatusMismatch(FoiIntakeError):
    """A case's status was written by hand and disagrees with its event log."""


def next_reference(session: Session, fmt: str, received: date, series: str = "") -> str:
    """Allocate the next reference of `series` for the year of receipt, inside the caller's transaction: one
    UPDATE … RETURNING, which holds the row's write lock until the caller commits, as a select for update would."""
    counter = (ReferenceCounter.series == series) & (ReferenceCounter.year == received.year)
    last = session.scalar(update(ReferenceCounter).where(counter).values(last=ReferenceCounter.last + 1)
                          .returning(ReferenceCounter.last))
    if last is None:  # the first of its series this year
        session.add(ReferenceCounter(series=series, year=received.year, last=1))
        last = 1
    return fmt.format(year=received.year, seq=last)


def allocate_reference(session: Session, org: Organisation, regime: str | None, received: date) -> str:
    """A new case's reference: subject access requests are numbered apart (UK GDPR Art 15; policy 24.2)."""
    if regime == Regime.SAR:
        return next_reference(session, org.sar_reference_format, received, series=SAR_SERIES)
    return next_reference(session, org.reference_format, received)


def derived_status(case: Case) -> str:
    return status_after((e.type, e.data) for e in case.events)


def add_event(session: Session, case: Case, type_: EventType, at: datetime,
              data: dict[str, Any] | None = None, actor: str = "foi-intake") -> CaseEvent:
    """Append to the audit trail; the case's status is then whatever the events say."""
    ev = CaseEvent(case=case, type=type_, at=at, data=data or {}, actor=actor)
    session.add(ev)
    with session.no_autoflush:  # a flush before the status is set would find them disagreeing
        case.status = derived_status(case)
    return ev


def find_case(session: Session, reference: str) -> Case | None:
    """The case with this reference, or the one a correction renumbered from it."""
    return (session.scalar(select(Case).where(Case.reference == reference))
            or session.scalar(select(Case).where(Case.former_reference == reference)))


@event.listens_for(Session, "before_flush")
def _audit_trail_rules(session: Session, flush_context: Any, instances: Any) -> None:
    # The audit trail is evidence: an event, once written, is never changed or removed.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, CaseEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("case events are append-only")
    # The status is the events' summary: a write that makes them disagree is a bug, not a state.
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Case) and obj.events and obj.status != derived_status(obj):
            raise StatusMismatch(f"{obj.reference}: status {obj.status!r} but events say {derived_status(obj)!r}")

"""Actions that decide or follow a case: comms sign-off, respond, transfer, internal review, reopen, note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, TypeVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event, next_reference
from intake.caselog.clock import local_date
from intake.vocabulary import (
    LIVE_STATUSES,
    CaseStatus,
    EventType,
    MessageKind,
    NoticePurpose,
    Outcome,
    Regime,
    ReviewOutcome,
)
from responders.desk.base import ANY_STATUS, Action, DeskTools, Done, exemptions_named, queued_ids
from responders.errors import ActionRefused

__all__ = ["CommsSignoff", "Note", "Reopen", "Respond", "ReviewClose", "ReviewOpen", "Transfer"]

_Outcome = TypeVar("_Outcome", Outcome, ReviewOutcome)


@dataclass(frozen=True)
class CommsSignoff(Action):
    """Communications agreed the response to a media request (policy 18.2)."""

    by: str | None = None
    name: ClassVar[str] = "comms-signoff"
    writes: ClassVar[tuple[EventType, ...]] = (EventType.COMMS_SIGNOFF,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if "media" not in case.flags:
            raise ActionRefused(f"{case.reference} is not a media request")
        add_event(s, case, EventType.COMMS_SIGNOFF, now, {"by": self.by or actor}, actor=actor)
        return Done("Communications sign-off recorded (policy 18.2)")


@dataclass(frozen=True)
class Respond(Action):
    """Record that the response was sent (FOIA s.1(1), s.17(1))."""

    outcome: str
    exemptions: tuple[str, ...] = ()
    sent_on: date | None = None
    late_reason: str | None = None
    name: ClassVar[str] = "respond"
    allowed_from: ClassVar[frozenset[CaseStatus]] = LIVE_STATUSES
    writes: ClassVar[tuple[EventType, ...]] = (EventType.RESPONDED,)
    refused_from: ClassVar[str] = "{reference} is already {status}; reopen it first"

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        outcome = _one_of(Outcome, self.outcome)
        chosen = exemptions_named(self.exemptions)
        if outcome.refuses and not chosen:
            raise ActionRefused("a refusal names the exemptions it relies on (s.17(1)): --exemption s31")
        if "media" in case.flags and not any(e.type == EventType.COMMS_SIGNOFF for e in case.events):
            raise ActionRefused("a media request needs Communications' sign-off before the response goes "
                                f"(policy 18.2): foi-intake case {case.reference} comms-signoff")
        when = datetime.combine(self.sent_on, now.timetz()) if self.sent_on else now
        tz = tools.settings.organisation.timezone
        received, today = local_date(case.initial_received_at, tz), local_date(now, tz)
        if self.sent_on and not received <= self.sent_on <= today:
            raise ActionRefused(f"--sent-on {self.sent_on} is not between receipt ({received}) and today")
        sections = [e.section for e in chosen]
        add_event(s, case, EventType.RESPONDED, when,
                  {"outcome": outcome, "exemptions": sections, "late_reason": self.late_reason}, actor=actor)
        case.decision, case.exemptions = outcome, sections
        case.completed_at, case.sent_at = now, when
        return tools.done_with_clock(s, case, now, f"responded ({outcome})")


@dataclass(frozen=True)
class Transfer(Action):
    """Signpost the requester to the body that holds the information, and close (policy 19.1)."""

    authority: str
    contact: str | None = None
    name: ClassVar[str] = "transfer"
    writes: ClassVar[tuple[EventType, ...]] = (EventType.TRANSFERRED, EventType.CLOSED)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (NoticePurpose.TRANSFER,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.TRANSFERRED, now, {"to": self.authority, "contact": self.contact}, actor=actor)
        add_event(s, case, EventType.CLOSED, now, {"reason": f"transferred to {self.authority}"}, actor=actor)
        case.decision = "transferred"
        s.flush()
        queued = tools.notifier.queue(s, case, NoticePurpose.TRANSFER, now=now,
                                      extra={"authority": self.authority, "authority_contact": self.contact})
        return Done(f"signposted to {self.authority} (policy 19.1)", queued_ids(queued))


@dataclass(frozen=True)
class ReviewOpen(Action):
    """Open an internal review of this case (s.45 Code; EIR reg 11) as a case of its own."""

    name: ClassVar[str] = "review-open"
    writes: ClassVar[tuple[EventType, ...]] = (EventType.REVIEW_OPENED, EventType.RECEIVED)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (NoticePurpose.REVIEW_ACKNOWLEDGEMENT,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        review = Case(
            reference=next_reference(s, tools.settings.organisation.reference_format, now.date()),
            kind=MessageKind.INTERNAL_REVIEW,
            regime=case.regime if case.regime in (Regime.FOI, Regime.EIR) else Regime.FOI,
            flags=[f for f in case.flags if f == "media"], initial_received_at=now, received_at=now,
            requester_name=case.requester_name, requester_email=case.requester_email,
            requester_address=case.requester_address, description=f"Internal review of {case.reference}",
            questions=[], method="email", valid=None, missing=[], reasons=[])
        s.add(review)
        s.flush()
        add_event(s, review, EventType.RECEIVED, now, {"review_of": case.reference}, actor=actor)
        add_event(s, case, EventType.REVIEW_OPENED, now, {"review": review.reference}, actor=actor)
        s.flush()
        clock = tools.clock(review, now.date())
        queued = tools.notifier.queue(s, review, NoticePurpose.REVIEW_ACKNOWLEDGEMENT, now=now,
                                      extra={"original_reference": case.reference, "decide_by": clock.due})
        return Done(f"internal review {review.reference} opened, decide by {clock.due}", queued_ids(queued),
                    opened=review.reference)


@dataclass(frozen=True)
class ReviewClose(Action):
    """Decide an internal review: the decision is a response that closes the review."""

    outcome: str
    name: ClassVar[str] = "review-close"
    writes: ClassVar[tuple[EventType, ...]] = (EventType.RESPONDED,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if case.kind != MessageKind.INTERNAL_REVIEW:
            raise ActionRefused(f"{case.reference} is not an internal review")
        outcome = _one_of(ReviewOutcome, self.outcome)
        add_event(s, case, EventType.RESPONDED, now, {"outcome": outcome, "closes": True}, actor=actor)
        case.decision, case.completed_at, case.sent_at = outcome, now, now
        s.flush()
        return Done(f"internal review closed: {outcome}")


@dataclass(frozen=True)
class Reopen(Action):
    """Reopen a responded, closed or paused case: it is open again, undecided, and its clock runs."""

    name: ClassVar[str] = "reopen"
    allowed_from: ClassVar[frozenset[CaseStatus]] = ANY_STATUS - {CaseStatus.OPEN}
    writes: ClassVar[tuple[EventType, ...]] = (EventType.REOPENED,)
    refused_from: ClassVar[str] = "{reference} is already open"

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.REOPENED, now, {"was": case.status, "decision": case.decision}, actor=actor)
        case.decision, case.exemptions, case.completed_at, case.sent_at = None, [], None, None
        return tools.done_with_clock(s, case, now, "reopened")


@dataclass(frozen=True)
class Note(Action):
    """A note on the audit trail, or a communication from the ICO (policy 31.2)."""

    text: str
    ico: bool = False
    name: ClassVar[str] = "note"
    writes: ClassVar[tuple[EventType, ...]] = (EventType.NOTE, EventType.ICO_COMMUNICATION)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.ICO_COMMUNICATION if self.ico else EventType.NOTE, now, {"text": self.text},
                  actor=actor)
        return Done("ICO communication recorded" if self.ico else "note added")


def _one_of(kind: type[_Outcome], value: str) -> _Outcome:
    try:
        return kind(value)
    except ValueError:
        raise ActionRefused(f"outcome must be one of {', '.join(kind)}") from None

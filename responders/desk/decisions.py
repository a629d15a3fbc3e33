"""Actions that decide or follow a case: comms sign-off, respond, transfer, internal review, publication scheme,
reopen, note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, TypeVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event, find_case, next_reference
from intake.caselog.clock import local_date
from intake.vocabulary import (
    LIVE_STATUSES,
    EventType,
    MessageKind,
    NoticePurpose,
    Outcome,
    Regime,
    ReviewOutcome,
)
from responders.desk.base import Action, DeskTools, Done, exemptions_named, queued_ids
from responders.desk.lifecycle import LIFECYCLE, route_of, union_of
from responders.errors import ActionRefused

__all__ = ["CommsSignoff", "Note", "PublicationScheme", "Reopen", "Respond", "ReviewClose", "ReviewOpen",
           "Transfer"]

_Outcome = TypeVar("_Outcome", Outcome, ReviewOutcome)


@dataclass(frozen=True)
class CommsSignoff(Action):
    """Communications agreed the response to a media request (policy 18.2)."""

    by: str | None = None
    name: ClassVar[str] = "comms-signoff"
    allowed_from, writes, sends = union_of("comms-signoff")

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
    allowed_from, writes, sends = union_of("respond")

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
    allowed_from, writes, sends = union_of("transfer")

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
    """Open an internal review of this case (s.45 Code; EIR reg 11) as a case of its own: of a response, or
    (`reason` "late") a complaint that no response came in time."""

    reason: str | None = None
    name: ClassVar[str] = "review-open"
    allowed_from, writes, sends = union_of("review-open")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        self._guard(s, case)
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
        add_event(s, review, EventType.RECEIVED, now, {"review_of": case.reference, "reason": self.reason},
                  actor=actor)
        add_event(s, case, EventType.REVIEW_OPENED, now, {"review": review.reference, "reason": self.reason},
                  actor=actor)
        s.flush()
        clock = tools.clock(review, now.date())
        queued = tools.notifier.queue(s, review, NoticePurpose.REVIEW_ACKNOWLEDGEMENT, now=now,
                                      extra={"original_reference": case.reference, "decide_by": clock.due,
                                             "review_reason": self.reason})
        return Done(f"internal review {review.reference} opened, decide by {clock.due}", queued_ids(queued),
                    opened=review.reference)

    def _guard(self, s: Session, case: Case) -> None:
        """An unanswered case is reviewed only as a complaint about lateness; one review at a time."""
        if self.reason not in (None, "late"):
            raise ActionRefused(f"--reason is late or nothing, not {self.reason!r}")
        if case.status in LIVE_STATUSES and self.reason != "late":
            step = LIFECYCLE[route_of(case)]["review-open"]
            raise ActionRefused(step.needs.format(reference=case.reference, status=case.status))
        for ref in (e.data.get("review") for e in case.events if e.type == EventType.REVIEW_OPENED):
            review = find_case(s, str(ref))
            if review is not None and review.status in LIVE_STATUSES:
                raise ActionRefused(f"{case.reference} is already under review in {review.reference}")


@dataclass(frozen=True)
class PublicationScheme(Action):
    """Point the requester to the publication scheme (FOIA s.21; policy 6.10): the case becomes a referral,
    answered by the notice, on the scheme's clock (5 working days local, 20 statutory)."""

    url: str | None = None
    name: ClassVar[str] = "publication-scheme"
    allowed_from, writes, sends = union_of("publication-scheme")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        url = self.url or tools.settings.responders.publication_scheme_url
        if not url:
            raise ActionRefused("no publication scheme address: --url, or [responders] publication_scheme_url")
        add_event(s, case, EventType.PUBLICATION_SCHEME, now, {"url": url}, actor=actor)
        add_event(s, case, EventType.RESPONDED, now,
                  {"outcome": Outcome.GRANTED, "exemptions": [], "via": "publication scheme"}, actor=actor)
        case.decision, case.exemptions, case.completed_at, case.sent_at = Outcome.GRANTED, [], now, now
        s.flush()
        queued = tools.notifier.queue(s, case, NoticePurpose.PUBLICATION_SCHEME, now=now,
                                      extra={"url": url})
        done = tools.done_with_clock(s, case, now, "pointed to the publication scheme")
        return Done(done.summary, queued_ids(queued))


@dataclass(frozen=True)
class ReviewClose(Action):
    """Decide an internal review: the decision is a response that closes the review."""

    outcome: str
    name: ClassVar[str] = "review-close"
    allowed_from, writes, sends = union_of("review-close")

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
    allowed_from, writes, sends = union_of("reopen")

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
    allowed_from, writes, sends = union_of("note")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.ICO_COMMUNICATION if self.ico else EventType.NOTE, now, {"text": self.text},
                  actor=actor)
        return Done("ICO communication recorded" if self.ico else "note added")


def _one_of(kind: type[_Outcome], value: str) -> _Outcome:
    try:
        return kind(value)
    except ValueError:
        raise ActionRefused(f"outcome must be one of {', '.join(kind)}") from None

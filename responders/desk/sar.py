"""Subject access (UK GDPR Art 12, 15; DPA 2018 as amended by the Data (Use and Access) Act 2025): asking
for identification, recording it, the "stop the clock" clarification and the two-month extension. The
wording is data protection's own: never the FOI Act's, never working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.caselog.clock import local_date
from intake.vocabulary import EventType, NoticePurpose
from responders.desk.base import Action, DeskTools, Done, queued_ids
from responders.desk.lifecycle import union_of
from responders.errors import ActionRefused

__all__ = ["IdReceived", "IdRequest", "sar_clarify", "sar_extend"]


@dataclass(frozen=True)
class IdRequest(Action):
    """Ask a subject access requester to confirm their identity (UK GDPR Art 12(6)): the month waits for it."""

    ask: str | None = None
    name: ClassVar[str] = "id-request"
    allowed_from, writes, sends = union_of("id-request")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        received = next((e for e in case.events if e.type == EventType.ID_RECEIVED), None)
        if received is not None:
            raise ActionRefused(f"{case.reference}: identity already confirmed on {received.at.date()}")
        event = add_event(s, case, EventType.ID_REQUESTED, now, {"ask": self.ask}, actor=actor)
        s.flush()
        queued = tools.notifier.queue(s, case, NoticePurpose.SAR_ID_REQUEST, now=now,
                                      key=f"sar_id_request:{case.reference}:{event.id}", extra={"ask": self.ask})
        return Done("identification requested; the month starts when it arrives (UK GDPR Art 12(6))",
                    queued_ids(queued))


@dataclass(frozen=True)
class IdReceived(Action):
    """The identification arrived (and a person checked it): the month runs from that day."""

    on: date | None = None
    name: ClassVar[str] = "id-received"
    allowed_from, writes, sends = union_of("id-received")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        tz = tools.settings.organisation.timezone
        asked = next(e.at for e in reversed(case.events) if e.type == EventType.ID_REQUESTED)
        if self.on and not local_date(asked, tz) <= self.on <= local_date(now, tz):
            raise ActionRefused(f"--on {self.on} is not between the request for identification "
                                f"({local_date(asked, tz)}) and today")
        when = datetime.combine(self.on, now.timetz()) if self.on else now
        add_event(s, case, EventType.ID_RECEIVED, when, actor=actor)
        return tools.done_with_clock(s, case, now, "identification received; the month runs from it")


def sar_clarify(tools: DeskTools, s: Session, case: Case, now: datetime, actor: str, ask: str | None) -> Done:
    """Ask what the request covers; UK GDPR Art 12A (DUAA 2025 s.76, "stop the clock"): the days until the
    reply do not count, and may only be taken when the controller reasonably needs the information."""
    if not ask or not ask.strip():
        raise ActionRefused("a subject access clarification says what we reasonably need to know: --ask TEXT")
    event = add_event(s, case, EventType.CLARIFICATION_REQUESTED, now, {"ask": ask}, actor=actor)
    s.flush()
    queued = tools.notifier.queue(s, case, NoticePurpose.SAR_CLARIFICATION, now=now,
                                  key=f"sar_clarification:{case.reference}:{event.id}", extra={"ask": ask})
    return Done("clarification requested; from when the notice is sent the month is paused until the reply "
                "(UK GDPR Art 12A)",
                queued_ids(queued))


def sar_extend(tools: DeskTools, s: Session, case: Case, now: datetime, actor: str, reason: str) -> Done:
    """Two further months (UK GDPR Art 12(3)) for complex or numerous requests: once, told within the first
    month, with the reasons in words."""
    if reason in ("pit", "eir") or len(reason.split()) < 3:
        raise ActionRefused("a subject access extension gives the requester its reasons in words (UK GDPR "
                            "Art 12(3)): --reason 'the records span twelve years and three systems'")
    if any(e.type == EventType.SAR_EXTENSION for e in case.events):
        raise ActionRefused(f"{case.reference} is already extended: two further months is the most the law allows")
    clock = tools.clock(case, now.date())
    before = clock.due
    if before is None:
        raise ActionRefused(f"the clock is {clock.state} ({clock.state_reason}): nothing to extend yet")
    if local_date(now, tools.settings.organisation.timezone) > before:
        raise ActionRefused(f"the extension must be told within the first month (due {before}): too late now")
    event = add_event(s, case, EventType.SAR_EXTENSION, now, {"reason": reason}, actor=actor)
    s.flush()
    after = tools.clock(case, now.date()).due
    queued = tools.notifier.queue(s, case, NoticePurpose.SAR_EXTENSION, now=now,
                                  key=f"sar_extension:{case.reference}:{event.id}",
                                  extra={"reason": reason, "original_due": before, "new_due": after})
    return Done(f"extended by two months from {before} to {after}", queued_ids(queued))

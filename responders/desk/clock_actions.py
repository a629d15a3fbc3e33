"""Actions that stop, pause or extend the statutory clock: clarify, fee, fee-paid, extend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.caselog.clock import clarification_lapses_on, fee_lapses_on
from intake.vocabulary import CaseStatus, EventType, NoticePurpose, Regime
from responders.desk.base import (
    ONLY_OPEN,
    Action,
    DeskTools,
    Done,
    exemption_context,
    exemptions_named,
    last_day_before,
    queued_ids,
)
from responders.errors import ActionRefused

__all__ = ["MISSING_PARTS", "Clarify", "Extend", "Fee", "FeePaid", "missing_context"]

# FOIA s.8(1): what a valid request must contain, and why we ask for what is missing (policy 7.2).
MISSING_PARTS: dict[str, tuple[str, str]] = {
    "name": ("your real name",
             "The Freedom of Information Act 2000 (section 8(1)(b)) asks for the name of the person making "
             "the request; we cannot answer a request made under a pseudonym."),
    "address": ("an address for correspondence",
                "Section 8(1)(b) of the Act asks for an address we can send the answer to: an email or "
                "postal address."),
    "description": ("a description of the information you want",
                    "Section 8(1)(c) of the Act asks for a description of the recorded information you "
                    "want, so that we can find it."),
}


def missing_context(missing: list[str]) -> list[dict[str, str]]:
    return [{"part": p, "label": MISSING_PARTS[p][0], "why": MISSING_PARTS[p][1]} for p in missing
            if p in MISSING_PARTS]


@dataclass(frozen=True)
class Clarify(Action):
    """Ask the requester to clarify (FOIA s.1(3)); the clock stops. The intake asks too, dated at receipt,
    when a request was never valid (`at`)."""

    ask: str | None
    at: datetime | None = None
    name: ClassVar[str] = "clarify"
    allowed_from: ClassVar[frozenset[CaseStatus]] = ONLY_OPEN
    writes: ClassVar[tuple[EventType, ...]] = (EventType.CLARIFICATION_REQUESTED,)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (NoticePurpose.CLARIFICATION,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        at = self.at or now
        event = add_event(s, case, EventType.CLARIFICATION_REQUESTED, at,
                          {"ask": self.ask, "missing": list(case.missing)}, actor=actor)
        s.flush()
        queued = tools.notifier.queue(
            s, case, NoticePurpose.CLARIFICATION, now=now, key=f"clarification:{case.reference}:{event.id}",
            extra={"missing": missing_context(list(case.missing)), "ask": self.ask,
                   "restart": tools.settings.clock.clarification_restart,
                   "lapse_on": last_day_before(clarification_lapses_on(at.date()))})
        return Done("clarification requested; the clock is stopped", queued_ids(queued))


@dataclass(frozen=True)
class Fee(Action):
    """Send a fees notice (FOIA s.9); the clock pauses until payment (s.10(2))."""

    amount: Decimal
    breakdown: str
    name: ClassVar[str] = "fee"
    allowed_from: ClassVar[frozenset[CaseStatus]] = ONLY_OPEN
    writes: ClassVar[tuple[EventType, ...]] = (EventType.FEE_NOTICE,)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (NoticePurpose.FEES,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if self.amount <= 0:
            raise ActionRefused("the fee must be more than £0")
        event = add_event(s, case, EventType.FEE_NOTICE, now,
                          {"amount": str(self.amount), "breakdown": self.breakdown}, actor=actor)
        s.flush()
        queued = tools.notifier.queue(
            s, case, NoticePurpose.FEES, now=now, key=f"fees:{case.reference}:{event.id}",
            extra={"amount": self.amount, "breakdown": self.breakdown,
                   "lapse_on": last_day_before(fee_lapses_on(now.date()))})
        return Done(f"fees notice for £{self.amount:,.2f}; the clock is paused until payment (s.10(2))",
                    queued_ids(queued))


@dataclass(frozen=True)
class FeePaid(Action):
    """The fee arrived; the clock runs again."""

    name: ClassVar[str] = "fee-paid"
    allowed_from: ClassVar[frozenset[CaseStatus]] = frozenset({CaseStatus.AWAITING_FEE})
    writes: ClassVar[tuple[EventType, ...]] = (EventType.FEE_PAID,)
    refused_from: ClassVar[str] = "{reference} is not waiting for a fee (status {status})"

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.FEE_PAID, now, actor=actor)
        s.flush()
        return Done(f"fee paid; due {tools.clock(case, now.date()).due}")


@dataclass(frozen=True)
class Extend(Action):
    """Extend for the public interest test (FOIA s.10(3)) or for complex environmental information (EIR
    reg 7)."""

    reason: str  # "pit" or "eir"
    exemptions: tuple[str, ...] = ()
    until: date | None = None
    days: int | None = None
    name: ClassVar[str] = "extend"
    allowed_from: ClassVar[frozenset[CaseStatus]] = ONLY_OPEN
    writes: ClassVar[tuple[EventType, ...]] = (EventType.PIT_EXTENSION, EventType.EIR_EXTENSION)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (NoticePurpose.EXTENSION,)

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        chosen = exemptions_named(self.exemptions)
        event_type = self._event_type(case, any(e.absolute for e in chosen), bool(chosen))
        before = tools.clock(case, now.date()).due
        data: dict[str, Any] = {"exemptions": [e.section for e in chosen]}
        if self.until:
            data["until"] = self.until.isoformat()
        if self.days:
            data["days"] = self.days
        event = add_event(s, case, event_type, now, data, actor=actor)
        s.flush()
        after = tools.clock(case, now.date())
        if after.due == before:
            raise ActionRefused(f"the extension does not move the due date ({after.notes[-1] if after.notes else ''})")
        queued = tools.notifier.queue(
            s, case, NoticePurpose.EXTENSION, now=now, key=f"extension:{case.reference}:{event.id}",
            extra={"reason": self.reason, "exemptions": [exemption_context(e) for e in chosen],
                   "new_due": after.due, "original_due": before})
        return Done(f"extended from {before} to {after.due}", queued_ids(queued))

    def _event_type(self, case: Case, absolute: bool, named: bool) -> EventType:
        if self.reason == "pit":
            if not named:
                raise ActionRefused("a public interest extension names the exemption considered (s.17(2)): "
                                    "--exemption s43")
            if absolute:
                raise ActionRefused("an absolute exemption has no public interest test to extend for")
            return EventType.PIT_EXTENSION
        if self.reason == "eir":
            if case.regime not in (Regime.EIR, Regime.FOI_EIR):
                raise ActionRefused("an EIR extension (reg 7) applies to environmental information only")
            return EventType.EIR_EXTENSION
        raise ActionRefused(f"unknown extension reason {self.reason!r}: pit or eir")

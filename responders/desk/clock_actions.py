"""Actions that stop, pause or extend the statutory clock: clarify, clarified, fee, fee-paid, extend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.caselog.clock import ClockEvent, clarification_lapses_on, fee_lapses_on
from intake.vocabulary import EventType, NoticePurpose, Regime
from responders.desk.base import (
    Action,
    DeskTools,
    Done,
    exemption_context,
    exemptions_named,
    last_day_before,
    queued_ids,
)
from responders.desk.costs import cost_estimate, staff_time_refusal
from responders.desk.lifecycle import Route, route_of, union_of
from responders.desk.sar import sar_clarify, sar_extend
from responders.desk.time_extensions import further_time
from responders.errors import ActionRefused

__all__ = ["MISSING_PARTS", "Clarified", "Clarify", "Extend", "Fee", "FeePaid", "missing_context"]

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
    """Ask the requester to clarify (FOIA s.1(3); for a SAR UK GDPR Art 12A); the clock stops. The intake
    asks too, dated at receipt, when a request was never valid (`at`)."""

    ask: str | None
    at: datetime | None = None
    name: ClassVar[str] = "clarify"
    allowed_from, writes, sends = union_of("clarify")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if route_of(case) == Route.SAR:
            return sar_clarify(tools, s, case, now, actor, self.ask)
        at = self.at or now
        event = add_event(s, case, EventType.CLARIFICATION_REQUESTED, at,
                          {"ask": self.ask, "missing": list(case.missing)}, actor=actor)
        s.flush()
        queued = tools.notifier.queue(
            s, case, NoticePurpose.CLARIFICATION, now=now, key=f"clarification:{case.reference}:{event.id}",
            extra={"missing": missing_context(list(case.missing)), "ask": self.ask,
                   "restart": tools.settings.clock.clarification_restart,
                   "lapse_on": last_day_before(clarification_lapses_on(at.date()))})
        return Done("clarification requested; the clock stops when the notice is sent", queued_ids(queued))


@dataclass(frozen=True)
class Clarified(Action):
    """The clarification came by post, phone or in person: a person records it and the clock runs again."""

    summary: str | None = None
    name: ClassVar[str] = "clarified"
    allowed_from, writes, sends = union_of("clarified")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        add_event(s, case, EventType.CLARIFICATION_RECEIVED, now,
                  {"complete": True, "summary": self.summary, "by": "hand"}, actor=actor)
        case.missing, case.valid = [], True
        return tools.done_with_clock(s, case, now, "clarification received")


@dataclass(frozen=True)
class Fee(Action):
    """Send a fees notice (FOIA s.9); the clock pauses until payment (s.10(2)). Staff time is never charged
    below the cost limit (policy 12.3); an estimate over it proposes a s.12 refusal for a person to confirm."""

    amount: Decimal
    breakdown: str
    hours: Decimal | None = None
    name: ClassVar[str] = "fee"
    allowed_from, writes, sends = union_of("fee")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if case.regime == Regime.EIR:
            raise ActionRefused("an EIR charge (reg 8) does not pause the EIR clock: record it with note, and "
                                "respond when it is paid")
        if self.hours is not None:
            proposal = cost_estimate(tools, s, case, now, actor, self.hours, self.amount)
            if proposal is not None:
                return proposal
        elif refusal := staff_time_refusal(self.breakdown):
            raise ActionRefused(refusal)
        if self.amount <= 0:
            raise ActionRefused("the fee must be more than £0")
        event = add_event(s, case, EventType.FEE_NOTICE, now,
                          {"amount": str(self.amount), "breakdown": self.breakdown}, actor=actor)
        s.flush()
        queued = tools.notifier.queue(
            s, case, NoticePurpose.FEES, now=now, key=f"fees:{case.reference}:{event.id}",
            extra={"amount": self.amount, "breakdown": self.breakdown,
                   "lapse_on": last_day_before(fee_lapses_on(now.date()))})
        return Done(f"fees notice for £{self.amount:,.2f}; from when it is sent the clock is paused until payment "
                    "(s.10(2))",
                    queued_ids(queued))


@dataclass(frozen=True)
class FeePaid(Action):
    """The fee arrived; the clock runs again, and the requester is told the new response date (policy 12.1)."""

    name: ClassVar[str] = "fee-paid"
    allowed_from, writes, sends = union_of("fee-paid")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        # The notice names the date the payment gives, so it is worked out before the payment is written.
        due = tools.clock(case, now.date(), then=(ClockEvent(EventType.FEE_PAID, now, {}),)).due
        paid = sum(e.type == EventType.FEE_PAID for e in case.events)
        queued = tools.notifier.queue(s, case, NoticePurpose.FEE_PAID, now=now,
                                      key=f"fee_paid:{case.reference}:{paid}",
                                      extra={"paid_on": now.date(), "new_due": due})
        add_event(s, case, EventType.FEE_PAID, now, actor=actor)
        return Done(f"fee paid; due {due}", queued_ids(queued))


@dataclass(frozen=True)
class Extend(Action):
    """Extend the time: the public interest test (FOIA s.10(3)), complex environmental information (EIR reg 7),
    two further months for a SAR (UK GDPR Art 12(3)), a complex review (s.45 Code) or a re-use request (RPSI
    reg 8(2)); the table says which for each route."""

    reason: str  # "pit" or "eir"; for the other routes free text, told to the requester
    exemptions: tuple[str, ...] = ()
    until: date | None = None
    days: int | None = None
    name: ClassVar[str] = "extend"
    allowed_from, writes, sends = union_of("extend")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        route = route_of(case)
        if route == Route.SAR:
            return sar_extend(tools, s, case, now, actor, self.reason)
        if route in (Route.REVIEW, Route.REUSE):
            return further_time(tools, s, case, now, actor, self.reason, until=self.until, days=self.days)
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
            if case.regime == Regime.EIR:  # FOIA s.10(3) has no EIR twin: the EIR extend only by reg 7(1)
                raise ActionRefused("the EIR have no public interest extension: --reason eir (reg 7, complex "
                                    "and voluminous) extends to 40 working days")
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

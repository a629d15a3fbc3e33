"""What the intake hands the desk: a new case to answer, or a requester's reply on an existing one."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from classifier import Triage
from intake.caselog import Case, Message, add_event
from intake.vocabulary import CaseStatus, EventType, Handling, MessageKind, NoticePurpose, Regime
from responders.desk.base import DeskTools
from responders.desk.clock_actions import Clarify
from responders.notify import Queued

__all__ = ["ACK_REGIMES", "case_opened", "reply_received"]

log = logging.getLogger(__name__)

# Regimes acknowledged as FOI/EIR requests (a SAR gets its own notice, policy 24.2).
ACK_REGIMES = (Regime.FOI, Regime.EIR, Regime.FOI_EIR)


def case_opened(tools: DeskTools, s: Session, case: Case, triage: Triage, now: datetime) -> int:
    """Queue what a new case calls for (acknowledgement, validity or SAR notice, media alert);
    returns how many notices were queued."""
    queued: list[Queued] = []
    notifier = tools.notifier
    if case.kind == MessageKind.INTERNAL_REVIEW:
        original = next((e.data.get("review_of") for e in case.events if e.type == EventType.RECEIVED), None)
        queued.append(notifier.queue(s, case, NoticePurpose.REVIEW_ACKNOWLEDGEMENT, now=now, extra={
            "original_reference": original, "decide_by": tools.clock(case, now.date()).due}))
    elif case.kind == MessageKind.REUSE_REQUEST:
        queued.append(notifier.queue(s, case, NoticePurpose.REUSE_ACKNOWLEDGEMENT, now=now,
                                     extra={"answer_by": tools.clock(case, now.date()).due}))
    elif case.regime == Regime.SAR:
        queued.append(notifier.queue(s, case, NoticePurpose.SAR_NOTICE, now=now))
    elif triage.valid is False and triage.handling != Handling.ACKNOWLEDGE:
        # The clock stops at receipt: the request was never complete (FOIA s.1(3), s.8). Only when the policy is
        # sure what is missing (classifier/policy.py); otherwise it is acknowledged and a person checks it.
        done = Clarify(ask=None, at=case.received_at).apply(tools, s, case, now, "foi-intake")
        return len(done.notices) + _media_alert(tools, s, case, triage, now)
    elif case.regime in ACK_REGIMES:
        queued.append(notifier.queue(s, case, NoticePurpose.ACKNOWLEDGEMENT, now=now))
    if triage.handling == Handling.ACKNOWLEDGE:
        add_event(s, case, EventType.NOTE, now, {"text": "left for a person: " + "; ".join(triage.person_reasons)},
                  actor="foi-intake")
    return sum(q.notice_id is not None for q in queued) + _media_alert(tools, s, case, triage, now)


def _media_alert(tools: DeskTools, s: Session, case: Case, triage: Triage, now: datetime) -> int:
    if not triage.media:
        return 0
    q = tools.notifier.queue(s, case, NoticePurpose.MEDIA_ALERT, now=now, extra={"outlet": triage.media_outlet})
    return int(q.notice_id is not None)


def reply_received(tools: DeskTools, s: Session, case: Case, message: Message, triage: Triage,
                   now: datetime) -> EventType:
    """A requester's message on an existing case; returns the event type recorded."""
    if case.status != CaseStatus.AWAITING_CLARIFICATION:
        add_event(s, case, EventType.CORRESPONDENCE_RECEIVED, message.arrived_at,
                  {"message": message.id, "kind": triage.kind})
        return EventType.CORRESPONDENCE_RECEIVED
    # What the reply supplies fills what the request lacked (FOIA s.8; policy 7.2).
    supplied = {"name": triage.name, "address": triage.address,
                "description": triage.description and triage.kind != MessageKind.GENERAL_ENQUIRY}
    if "name" in case.missing and triage.name:
        case.requester_name = triage.name
    if "address" in case.missing and triage.address:
        case.requester_email = triage.address if "@" in triage.address else case.requester_email
        case.requester_address = triage.address
    still = [p for p in case.missing if not supplied.get(p)]
    complete = not (case.missing and still)
    event = add_event(s, case, EventType.CLARIFICATION_RECEIVED, message.arrived_at,
                      {"message": message.id, "kind": triage.kind, "complete": complete})
    if not complete:
        case.missing = still
        add_event(s, case, EventType.NOTE, now,
                  {"text": "clarification received; still missing: " + ", ".join(still)}, actor="foi-intake")
        log.info("%s: clarification received, still missing %s: left for a person", case.reference, still)
        return EventType.CLARIFICATION_RECEIVED
    case.missing, case.valid = [], True
    s.flush()
    if case.regime in ACK_REGIMES:
        # The 20 working days start again from the clarification (FOIA s.1(3), s.10(6)(b)).
        tools.notifier.queue(s, case, NoticePurpose.ACKNOWLEDGEMENT, now=now,
                             key=f"acknowledgement:{case.reference}:{event.id}")
    return EventType.CLARIFICATION_RECEIVED

"""People correct the bot: a case opened by hand, a message the bot set aside promoted to a case, and every
correction kept as a labelled example the classifier can be measured and improved on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier import Triage
from intake.app.intake_pass import Intake, PollReport
from intake.caselog import Case, CaseEvent, Message, add_event, allocate_reference, find_case
from intake.caselog.clock import local_date
from intake.mailbox import ParsedMessage, ParseError, parse
from intake.private import private_dir, write_private
from intake.vocabulary import (
    CASE_KINDS,
    ORAL_METHODS,
    WRITTEN_ONLY_REGIMES,
    EventType,
    MessageKind,
    MessageStatus,
    Regime,
    RequestMethod,
)
from responders.errors import ActionRefused

__all__ = ["HandMadeRequest", "export_corrections", "open_by_hand", "promote"]


@dataclass(frozen=True)
class HandMadeRequest:
    """A request that did not come by email, or that the mailbox could not hand over (policy 7.5's fields)."""

    method: RequestMethod
    received: datetime  # when the body received it (policy 7.5: initial date received)
    name: str
    description: str
    regime: Regime = Regime.FOI
    kind: MessageKind = MessageKind.FOI_REQUEST
    received_by_dsp: date | None = None  # when it reached the team, if later (policy 5.10)
    email: str | None = None
    postal_address: str | None = None
    questions: tuple[str, ...] = ()
    media: bool = False
    flags: tuple[str, ...] = field(default=())


def open_by_hand(intake: Intake, s: Session, request: HandMadeRequest, actor: str, now: datetime) -> Case:
    """Open a case for a posted, phoned, handed-in or scanned request; its notices follow as for email."""
    if request.method in ORAL_METHODS and request.regime in WRITTEN_ONLY_REGIMES:
        raise ActionRefused("an FOI request is made in writing (FOIA s.8(1)(a)): record it as --regime eir if "
                            "it is environmental (EIR reg 5 allows oral requests), or ask the requester to write")
    if not (request.email or request.postal_address):
        raise ActionRefused("a request needs an address for the answer (FOIA s.8(1)(b)): --email or --address")
    org = intake.settings.organisation
    flags = [*request.flags, *(["media"] if request.media else []),
             *(["subject_access"] if request.regime == Regime.SAR else [])]
    case = Case(reference=allocate_reference(s, org, request.regime, local_date(request.received, org.timezone)),
                kind=request.kind, regime=request.regime, flags=sorted(set(flags)),
                initial_received_at=request.received, received_at=request.received,
                requester_name=request.name, requester_email=request.email,
                requester_address=request.email or request.postal_address,
                requester_postal_address=request.postal_address,
                description=request.description[:2000], questions=list(request.questions), method=request.method,
                valid=True, missing=[], reasons=[{"rule": "opened_by_hand", "decision": request.method,
                                                  "evidence": f"opened by {actor}"}])
    s.add(case)
    dsp = request.received_by_dsp or local_date(request.received, org.timezone)
    add_event(s, case, EventType.RECEIVED, request.received,
              {"method": request.method, "received_by_dsp": dsp.isoformat(), "by_hand": True}, actor=actor)
    s.flush()
    triage = Triage(kind=request.kind, regime=request.regime, valid=True, media=request.media)
    intake.desk.opened(s, case, triage, now)
    return case


def promote(intake: Intake, s: Session, message_id: int, actor: str, reason: str, *, to: str | None = None,
            kind: MessageKind = MessageKind.FOI_REQUEST, regime: Regime | None = None) -> Case:
    """A message the bot filed as not-FOI or left for a person becomes a case, or joins case `to`."""
    msg = s.get(Message, message_id) if 0 < message_id < 2**63 else None  # no row has a number beyond BIGINT
    if msg is None:
        raise ActionRefused(f"no message {message_id}")
    # A message kept on a case for a person (third-party correspondence) may still be applied to it by one.
    if msg.case_id is not None and msg.status != MessageStatus.NEEDS_PERSON:
        raise ActionRefused(f"message {message_id} is already on {msg.case.reference if msg.case else 'a case'}")
    if kind not in CASE_KINDS:
        raise ActionRefused(f"a message becomes a request, a review or a re-use request, not {kind}")
    was = msg.status
    parsed = _parsed(msg)
    triage = _triage(msg, kind, regime)
    report = PollReport()
    if to is not None:
        case = find_case(s, to)
        if case is None:
            raise ActionRefused(f"no case {to}")
        intake.attach(s, msg, case, triage, report)
    else:
        case = intake.open_case(s, msg, parsed, triage, None, report)
    msg.problem = None
    add_event(s, case, EventType.PROMOTED, msg.arrived_at,
              {"message": msg.id, "was": was, "kind": kind, "regime": triage.regime, "reason": reason}, actor=actor)
    return case


def _parsed(msg: Message) -> ParsedMessage:
    try:
        return parse(msg.raw)
    except ParseError as exc:
        raise ActionRefused(f"message {msg.id} cannot be read ({exc}): open the case by hand instead") from None


def _triage(msg: Message, kind: MessageKind, regime: Regime | None) -> Triage:
    """What the bot read from the message, with the person's kind and regime; the person judged it a request."""
    seen = msg.triage or {}
    chosen = regime or (Regime(seen["regime"]) if seen.get("regime") else Regime.FOI)
    return Triage(kind=kind, regime=chosen, name=seen.get("name") or msg.from_name,
                  address=seen.get("address") or msg.from_address, postal_address=seen.get("postal_address"),
                  valid=True, media=bool(seen.get("media")), media_outlet=seen.get("media_outlet"),
                  subject_access=chosen == Regime.SAR, eir=chosen in (Regime.EIR, Regime.FOI_EIR),
                  questions=list(seen.get("questions") or []))


# The corrections a person made, as events, and the message each corrected.
_CORRECTIONS = (EventType.RECLASSIFIED, EventType.PROMOTED)


def export_corrections(s: Session, directory: Path) -> int:
    """Write each corrected message (.eml) and its corrected labels (labels.json, the test corpus's schema)
    into `directory`, owner-only: they hold personal data. Returns how many were written."""
    private_dir(directory)
    labels: dict[str, dict[str, Any]] = {}
    cases = s.scalars(select(Case).where(Case.id.in_(
        select(CaseEvent.case_id).where(CaseEvent.type.in_(_CORRECTIONS)))).order_by(Case.id))
    for case in cases:
        msg = s.scalar(select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1))
        if msg is None or not msg.raw_is_complete:
            continue
        name = f"{case.reference}-{msg.id}.eml"
        write_private(directory / name, msg.raw)
        labels[name] = _labels(case)
    write_private(directory / "labels.json", json.dumps(labels, indent=2, sort_keys=True).encode() + b"\n")
    return len(labels)


def _labels(case: Case) -> dict[str, Any]:
    why = [e.data.get("reason", "") for e in case.events if e.type in _CORRECTIONS]
    return {"kind": case.kind, "regime": case.regime, "valid": case.valid, "missing": list(case.missing),
            "requester_name": case.requester_name, "name_suspect": "name_suspect" in case.flags,
            "media": "media" in case.flags, "subject_access": case.regime == Regime.SAR,
            "eir": case.regime in (Regime.EIR, Regime.FOI_EIR),
            "third_party_personal_data": "third_party_personal_data" in case.flags,
            "forwarded": "forwarded" in case.flags, "original_received": None,
            "questions": len(case.questions), "reference": None,
            "notes": "corrected by a person: " + "; ".join(w for w in why if w)}


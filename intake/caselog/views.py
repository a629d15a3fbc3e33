"""Case helpers shared by the pipeline and the CLI: the clock of a case and its public JSON."""

from __future__ import annotations

from datetime import date
from typing import Any

from config.settings import Settings
from intake.caselog import Case
from intake.caselog.clock import EVENT_TYPES, ClockEvent, ClockResult, ClockSettings, compute


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


def clock_settings(settings: Settings) -> ClockSettings:
    return ClockSettings(timezone=settings.organisation.timezone,
                         clarification_restart=settings.clock.clarification_restart,
                         extra_non_working_days=settings.clock.extra_non_working_days)


def case_clock(case: Case, settings: Settings, today: date | None = None,
               then: tuple[ClockEvent, ...] = ()) -> ClockResult:
    """The case's clock; `then` adds events not yet written (what an action is about to record)."""
    events = [ClockEvent(e.type, e.at, e.data) for e in case.events if e.type in EVENT_TYPES] + list(then)
    return compute(clock_kind(case), case.initial_received_at, events,
                   settings=clock_settings(settings), today=today)


def case_json(case: Case, settings: Settings, today: date | None = None,
              full: bool = False) -> dict[str, Any]:
    clock = case_clock(case, settings, today)
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

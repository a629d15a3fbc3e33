"""A case as its page shows it: the record of policy 7.5, the clock and its day-by-day explanation, the triage
with every rule's hit and miss, the messages and notices in order, the audit trail, and the actions offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, Message
from intake.caselog.views import case_clock, undelivered_pauses
from intake.mailbox import ParseError, parse
from intake.vocabulary import DeskRole, EventType
from intake.web.accounts import Person
from intake.web.forms import FORMS, ActionForm, Field
from intake.web.permissions import offered
from responders.desk import route_of

__all__ = ["Entry", "case_view", "describe_data", "message_text", "signoff_state"]


@dataclass(frozen=True)
class Entry:
    """One message or notice on the case's timeline."""

    at: datetime
    what: str  # "message" or "notice"
    title: str
    detail: str
    text: str


def message_text(raw: bytes, complete: bool = True) -> str:
    if not complete:
        return "(not downloaded: over the size limit; the message stays on the mail server)"
    try:
        return parse(raw).text
    except ParseError as exc:
        return f"(this message cannot be read: {exc})"


def _timeline(s: Session, case: Case) -> list[Entry]:
    entries = [Entry(m.arrived_at, "message", m.subject or "(no subject)",
                     f"from {m.from_name or ''} <{m.from_address or '-'}>; {(m.triage or {}).get('kind', m.status)}; "
                     f"filed in {m.filed_in or '(not filed)'}", message_text(m.raw, m.raw_is_complete))
               for m in s.scalars(select(Message).where(Message.case_id == case.id).order_by(Message.id))]
    entries += [Entry(n.sent_at or n.created_at, "notice", n.subject,
                      f"{n.kind} to {n.to_address}: {n.status}" + (f" ({n.last_error})" if n.last_error else ""),
                      message_text(n.raw)) for n in case.notices]
    return sorted(entries, key=lambda e: e.at)


def describe_data(data: dict[str, Any]) -> str:
    """An event's data in one line: "outcome: part; exemptions: 31"."""
    parts = []
    for key, value in data.items():
        if value in (None, "", [], {}):
            continue
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


# Communications see what the media alert shows, no more: not the requester's addresses, not what anyone wrote.
_LEAST_DATA = "(not shown to Communications: least data, as in the media alert)"
_CONTACT_FIELDS = ("Email", "Address for correspondence", "Postal address")


def _record(case: Case, least: bool) -> list[tuple[str, Any]]:
    """Policy 7.5's record of a request, field by field."""
    record = _fields(case)
    return [(label, _LEAST_DATA if least and label in _CONTACT_FIELDS else value) for label, value in record]


def _fields(case: Case) -> list[tuple[str, Any]]:
    return [
        ("Reference", case.reference + (f" (was {case.former_reference})" if case.former_reference else "")),
        ("Status", case.status), ("Kind", case.kind), ("Regime", case.regime or "—"),
        ("Flags", ", ".join(case.flags) or "—"), ("Method", case.method),
        ("Initial date received", case.initial_received_at), ("Received by the DSP team", case.received_at),
        ("Requester", case.requester_name or "(no name given)"), ("Email", case.requester_email or "—"),
        ("Address for correspondence", case.requester_address or "—"),
        ("Postal address", case.requester_postal_address or "—"),
        ("Information requested", case.description or "—"),
        ("Valid request", "yes" if case.valid else "no" if case.valid is False else "—"),
        ("Missing", ", ".join(case.missing) or "—"), ("Decision", case.decision or "—"),
        ("Exemptions applied", ", ".join(case.exemptions) or "—"),
        ("Completed", case.completed_at or "—"), ("Response sent", case.sent_at or "—"),
    ]


def signoff_state(case: Case) -> dict[str, Any] | None:
    """A media request's Communications sign-off (policy 18.2): who and when, or that it is awaited."""
    if "media" not in case.flags:
        return None
    done = next((e for e in reversed(case.events) if e.type == EventType.COMMS_SIGNOFF), None)
    if done is None:
        return {"done": False}
    return {"done": True, "by": done.data.get("by") or done.actor, "at": done.at}


def _forms(person: Person, case: Case) -> list[tuple[ActionForm, tuple[Field, ...]]]:
    route = route_of(case)
    return [(FORMS[name], FORMS[name].fields_for(route)) for name in offered(person, case)]


def case_view(s: Session, settings: Settings, case: Case, person: Person, today: date) -> dict[str, Any]:
    clock = case_clock(case, settings, today)
    rules = [r for r in case.reasons if "hit" in r]
    least = person.role == DeskRole.COMMS
    timeline = [Entry(e.at, e.what, e.title, e.what, _LEAST_DATA) if least else e for e in _timeline(s, case)]
    return {
        "case": case, "record": _record(case, least), "questions": list(case.questions), "clock": clock,
        "clock_note": undelivered_pauses(case), "reasons": [] if least else [r for r in case.reasons if "hit" not in r],
        "rules": [] if least else rules, "hits": sum(bool(r["hit"]) for r in rules), "timeline": timeline,
        "events": [(e.at, e.type, e.actor, "" if least else describe_data(e.data)) for e in case.events],
        "least_data": _LEAST_DATA if least else "",
        "forms": _forms(person, case), "signoff": signoff_state(case), "route": route_of(case),
    }

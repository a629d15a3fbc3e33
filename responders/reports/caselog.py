"""The case log as rows: every record field of policy 7.5, one row a case; and the disclosure log for the
website (reference, date, title, outcome, exemptions: nothing about the person who asked)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from config.settings import Settings
from intake.caselog import Case
from intake.vocabulary import EventType
from responders.reports.facts import ANSWERED, Facts, Route, case_facts
from responders.reports.text import CATEGORY_LABELS

__all__ = ["CASE_LOG_COLUMNS", "DISCLOSURE_COLUMNS", "Column", "case_log_rows", "disclosure_rows", "title_of"]


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: int = 14
    kind: str = "text"  # text, date, number


# Policy 7.5's record, in its order, then what the team filters on.
CASE_LOG_COLUMNS = (
    Column("reference", "Reference", 16),
    Column("received", "Initial date received by the body", 14, "date"),
    Column("received_by_dsp", "Date received by the DSP team", 14, "date"),
    Column("name", "Name of the applicant", 22),
    Column("email", "Email", 26),
    Column("address", "Contact details", 26),
    Column("postal_address", "Postal address", 26),
    Column("social", "Social media handle", 16),
    Column("description", "Description of the information requested", 50),
    Column("method", "Method", 10),
    Column("decision", "Decision", 12),
    Column("exemptions", "Exemptions used", 16),
    Column("completed", "Date completed", 14, "date"),
    Column("sent", "Date sent to the applicant", 14, "date"),
    Column("working_days", "Time taken (working days)", 10, "number"),
    Column("regime", "Regime", 8),
    Column("kind", "Kind", 16),
    Column("status", "Status", 14),
    Column("due", "Due date", 14, "date"),
    Column("timeliness", "Timeliness", 12),
    Column("outcome", "Outcome (Cabinet Office)", 22),
    Column("late_reason", "Why late", 24),
    Column("reviews", "Internal reviews", 16),
    Column("review_of", "Review of", 16),
    Column("related", "Possibly related to", 24),
    Column("media", "Media", 8),
)
DISCLOSURE_COLUMNS = (
    Column("reference", "Reference", 16),
    Column("received", "Date received", 14, "date"),
    Column("title", "Title", 60),
    Column("outcome", "Outcome", 26),
    Column("exemptions", "Exemptions", 20),
    Column("answered", "Date of response", 14, "date"),
)


def case_log_rows(cases: list[Case], settings: Settings, today: date) -> list[dict[str, Any]]:
    tz = ZoneInfo(settings.organisation.timezone)
    return [_row(case, case_facts(case, settings, today), tz) for case in cases]


def _local(value: datetime | None, tz: ZoneInfo) -> date | None:
    return value.astimezone(tz).date() if value else None


def _row(case: Case, f: Facts, tz: ZoneInfo) -> dict[str, Any]:
    received = next((e.data for e in case.events if e.type == EventType.RECEIVED), {})
    dsp = received.get("received_by_dsp")
    related = [ref for e in case.events if e.type == EventType.POSSIBLY_RELATED
               for ref in e.data.get("related_to", [])]
    return {
        "reference": case.reference, "received": f.received,
        "received_by_dsp": date.fromisoformat(dsp) if isinstance(dsp, str) else _local(case.received_at, tz),
        "name": case.requester_name, "email": case.requester_email, "address": case.requester_address,
        "postal_address": case.requester_postal_address, "social": case.requester_social_handle,
        "description": case.description, "method": case.method, "decision": case.decision,
        "exemptions": ", ".join(case.exemptions), "completed": _local(case.completed_at, tz),
        "sent": _local(case.sent_at, tz), "working_days": f.working_days, "regime": case.regime,
        "kind": case.kind, "status": case.status, "due": f.due, "timeliness": str(f.timeliness),
        "outcome": CATEGORY_LABELS.get(str(f.category), str(f.category)), "late_reason": f.late_reason,
        "reviews": ", ".join(f.reviews), "review_of": f.review_of,
        "related": ", ".join(dict.fromkeys(str(r) for r in related)), "media": "yes" if f.media else "",
    }


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_FOI_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd)\s*:\s*)*(?:freedom of information|foi|eir)\s*(?:request)?\s*[:\-–]?\s*",
                         re.IGNORECASE)


def title_of(case: Case) -> str:
    """The request's title for the website: its subject, without "FOI request:", addresses, phone numbers,
    postcodes or the requester's own names (the disclosure log carries no personal data)."""
    subject = (case.description or "").split("; ", 1)[0]
    text = _POSTCODE.sub("", _PHONE.sub("", _EMAIL.sub("", _FOI_PREFIX.sub("", subject))))
    for part in (case.requester_name or "").split():
        if len(part) > 1:
            text = re.sub(rf"\b{re.escape(part)}\b", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*[,;\s]*\)", "", text)  # the brackets that held what was removed
    text = re.sub(r"\s+([,.;:])", r"\1", " ".join(text.split())).strip(" ,;:-–")
    return (text[:1].upper() + text[1:])[:200] or "Request for information"


def disclosure_rows(cases: list[Case], settings: Settings, today: date) -> list[dict[str, Any]]:
    """FOI and EIR requests answered, in the order received; subject access and reviews never appear."""
    rows = []
    for case in cases:
        f = case_facts(case, settings, today)
        if f.route != Route.REQUEST or f.timeliness not in ANSWERED:
            continue
        rows.append({"reference": case.reference, "received": f.received, "title": title_of(case),
                     "outcome": CATEGORY_LABELS.get(str(f.category), str(f.category)),
                     "exemptions": ", ".join(f.exemptions), "answered": f.answered})
    return rows

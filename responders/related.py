"""Requests possibly related to a new one (rules.md section 4): the same or similar information asked within 60
consecutive working days, by the same requester or by others (a round robin, a campaign), which may be aggregated
for the cost limit (Fees Regulations 2004 reg 5; policy 13.1); and the same requester asking again what they asked
before, which may be refused as repeated (FOIA s.14(2); policy 15.7). A flag for the DSP team on the case and in
the digest: the bot never aggregates, refuses or sends fewer acknowledgements because of it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from classifier.similar import rank, terms
from config.settings import Settings
from intake.caselog import Case
from intake.caselog.clock import WorkingCalendar
from intake.vocabulary import MessageKind, Regime

__all__ = ["AGGREGATION_WORKING_DAYS", "Match", "describe_matches", "event_data", "flood_data", "related_requests",
           "request_text"]

# Fees Regulations 2004 reg 5(2)(c); policy 13.1: requests received within 60 consecutive working days.
AGGREGATION_WORKING_DAYS = 60


@dataclass(frozen=True)
class Match:
    reference: str
    similarity: int  # per cent
    same_requester: bool
    working_days: int  # from the earlier request's receipt to this one's
    aggregate: bool  # within 60 working days: may be aggregated (reg 5)
    repeat: bool  # the same requester, very alike: may be a repeat (s.14(2))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        """"similar to FOI-2026-00031, 83% (same requester, 12 working days earlier; a repeat?)"."""
        who = "same requester" if self.same_requester else "another requester"
        why = "; a repeat?" if self.repeat else "; aggregate?" if self.aggregate else ""
        return f"similar to {self.reference}, {self.similarity}% ({who}, {self.working_days} working days earlier{why})"


def request_text(case: Case) -> str:
    """What a case asks: policy 7.5's description, which is the subject and the questions (intake `describe`)."""
    return case.description or " ".join(str(q) for q in case.questions)


def related_requests(s: Session, case: Case, settings: Settings) -> list[Match]:
    """Earlier FOI/EIR requests alike to `case`: within 60 working days (anyone), or earlier from its requester."""
    config, tz = settings.related, ZoneInfo(settings.organisation.timezone)
    calendar = WorkingCalendar(settings.clock.extra_non_working_days)
    received = case.initial_received_at.astimezone(tz).date()
    # 60 working days are under 90 calendar days, however many holidays fall in them.
    since = case.initial_received_at - timedelta(days=max(config.repeat_lookback_days, 90))
    rows = s.execute(select(Case.reference, Case.requester_email, Case.initial_received_at, Case.description)
                     .where(Case.kind == MessageKind.FOI_REQUEST, Case.id != case.id,
                            or_(Case.regime.is_(None), Case.regime != Regime.SAR),
                            Case.initial_received_at >= since, Case.initial_received_at <= case.initial_received_at)
                     .order_by(Case.initial_received_at, Case.id)).all()
    if not rows:
        return []
    pool = [terms(r.description or "") for r in rows]
    floor = min(config.threshold, config.repeat_threshold)
    me = (case.requester_email or "").lower()
    found = []
    for score, i in rank(terms(request_text(case)), pool, floor):
        row = rows[i]
        days = calendar.working_days_between(row.initial_received_at.astimezone(tz).date(), received)
        same = bool(me) and (row.requester_email or "").lower() == me
        aggregate = days <= AGGREGATION_WORKING_DAYS and score >= config.threshold
        repeat = same and score >= config.repeat_threshold
        if aggregate or repeat:
            found.append(Match(row.reference, round(100 * score), same, days, aggregate, repeat))
    return found[:config.most]


def event_data(matches: list[Match]) -> dict[str, Any]:
    """A `possibly_related` event's data: the references, each match, and its line as people read it."""
    return {"related_to": [m.reference for m in matches], "matches": [m.as_dict() for m in matches],
            "lines": [m.line() for m in matches]}


def flood_data(s: Session, case: Case, limit: int) -> dict[str, Any]:
    """More requests from one sender in 24 hours than the notice limit: a flood. Each is acknowledged (each real
    request is a request); the flag asks a person to look at them together (aggregation, s.14)."""
    if not case.requester_email:
        return {}
    earlier = list(s.scalars(select(Case.reference).where(
        Case.requester_email == case.requester_email, Case.id != case.id,
        Case.kind == MessageKind.FOI_REQUEST, Case.initial_received_at <= case.initial_received_at,
        Case.initial_received_at >= case.initial_received_at - timedelta(days=1)).order_by(Case.id)))
    if len(earlier) + 1 <= limit:
        return {}
    return {"flood": len(earlier) + 1, "same_sender": earlier[-FLOOD_LISTED:], "count": len(earlier)}


FLOOD_LISTED = 10  # the sender's latest references named on the event; `count` says how many there are


def describe_matches(data: dict[str, Any]) -> list[str]:
    """The lines of a `possibly_related` event, for the digest (an older event names only references)."""
    lines = data.get("lines")
    found = ([str(x) for x in lines] if isinstance(lines, list) and lines
             else [f"possibly related to {ref}" for ref in data.get("related_to", [])])
    if data.get("flood"):
        listed = data.get("same_sender", [])
        more = int(data.get("count", len(listed))) - len(listed)
        found.append(f"one of {data['flood']} requests from this sender within 24 hours (" + ", ".join(listed)
                     + (f" and {more} more" if more > 0 else "") + "): look at them together")
    return found

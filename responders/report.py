"""The monitoring figures of policy 31.2, from the case log: received, on time, late and why, reviews, ICO."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case
from intake.caselog.views import Trail, case_clock, cases_with_trails
from intake.vocabulary import CaseStatus, EventType, MessageKind, Regime

__all__ = ["REQUEST_KINDS", "Figures", "figures", "render_text"]

REQUEST_KINDS = (MessageKind.FOI_REQUEST, MessageKind.REUSE_REQUEST)


@dataclass
class Figures:
    start: date
    end: date
    received: int = 0
    by_regime: dict[str, int] = field(default_factory=dict)
    responded_in_time: int = 0
    responded_late: list[dict[str, Any]] = field(default_factory=list)
    open_overdue: list[dict[str, Any]] = field(default_factory=list)
    open_in_time: int = 0
    closed_without_response: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    exemptions: dict[str, int] = field(default_factory=dict)
    media: int = 0
    reviews_received: int = 0
    review_outcomes: dict[str, int] = field(default_factory=dict)
    ico_communications: int = 0
    # Subject access (UK GDPR Art 12(3)) is not FOI or EIR: its own lines, never in the figures above.
    sar_received: int = 0
    sar_within_time: int = 0  # one month, or three when extended
    sar_extended: int = 0
    sar_late: list[dict[str, Any]] = field(default_factory=list)
    sar_open_overdue: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


def figures(s: Session, settings: Settings, start: date, end: date, today: date | None = None) -> Figures:
    """Cases received by the body (policy 7.5's initial date) from `start` to `end` inclusive."""
    tz = ZoneInfo(settings.organisation.timezone)
    lo = datetime.combine(start, time.min, tz)
    hi = datetime.combine(end, time.max, tz)
    out = Figures(start, end)
    regimes: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    exemptions: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    reviews: Counter[str] = Counter()
    for case, trail in cases_with_trails(s, select(Case).where(Case.initial_received_at >= lo,
                                                               Case.initial_received_at <= hi).order_by(Case.id)):
        out.ico_communications += sum(e.type == EventType.ICO_COMMUNICATION for e in trail.events)
        if case.kind == MessageKind.INTERNAL_REVIEW:
            out.reviews_received += 1
            reviews[case.decision or "open"] += 1
            continue
        if case.kind not in REQUEST_KINDS:
            continue
        if case.regime == Regime.SAR:
            _count_sar(out, case, settings, today, trail)
            continue
        out.received += 1
        regimes[case.regime or "none"] += 1
        out.media += "media" in case.flags
        clock = case_clock(case, settings, today, trail=trail)
        row = {"reference": case.reference, "due": clock.due.isoformat() if clock.due else None,
               "state": clock.state, "why": clock.state_reason}
        if clock.state == "met":
            out.responded_in_time += 1
        elif clock.state == "late":
            late = next((e.data.get("late_reason") for e in reversed(trail.events)
                         if e.type == EventType.RESPONDED), None)
            out.responded_late.append({**row, "reason": late or "(no reason recorded)"})
        elif clock.state == "overdue":
            out.open_overdue.append(row)
        elif case.status == CaseStatus.CLOSED:
            closed[case.decision or "closed"] += 1
        else:
            out.open_in_time += 1
        if case.decision and case.status != CaseStatus.CLOSED:
            outcomes[case.decision] += 1
        exemptions.update(case.exemptions)
    out.by_regime, out.outcomes, out.exemptions = dict(regimes), dict(outcomes), dict(exemptions)
    out.closed_without_response, out.review_outcomes = dict(closed), dict(reviews)
    return out


def _count_sar(out: Figures, case: Case, settings: Settings, today: date | None, trail: Trail) -> None:
    """A subject access request's own lines: received, answered within its month(s), extended, late."""
    clock = case_clock(case, settings, today, trail=trail)
    out.sar_received += 1
    out.sar_extended += any(e.type == EventType.SAR_EXTENSION for e in trail.events)
    row = {"reference": case.reference, "due": clock.due.isoformat() if clock.due else None, "state": clock.state}
    if clock.state == "met":
        out.sar_within_time += 1
    elif clock.state == "late":
        out.sar_late.append(row)
    elif clock.state == "overdue":
        out.sar_open_overdue.append(row)


def render_text(f: Figures) -> str:
    """The figures as a person reads them (one line each, late and overdue cases listed)."""
    answered = f.responded_in_time + len(f.responded_late)
    share = f"{f.responded_in_time / answered:.0%}" if answered else "—"
    lines = [
        f"FOI/EIR monitoring figures (policy 31.2), received {f.start:%d %b %Y} to {f.end:%d %b %Y}",
        f"  requests received:                 {f.received}  "
        + ", ".join(f"{k} {v}" for k, v in sorted(f.by_regime.items())),
        f"  responded within the time limit:   {f.responded_in_time} of {answered} answered ({share})",
        f"  responded late:                    {len(f.responded_late)}",
        *(f"    {r['reference']} due {r['due']}: {r['reason']}" for r in f.responded_late),
        f"  open and overdue:                  {len(f.open_overdue)}",
        *(f"    {r['reference']} due {r['due']}" for r in f.open_overdue),
        f"  open, in time:                     {f.open_in_time}",
        "  closed without a response:         "
        + (", ".join(f"{k} {v}" for k, v in sorted(f.closed_without_response.items())) or "0"),
        "  outcomes:                          " + (", ".join(f"{k} {v}" for k, v in sorted(f.outcomes.items()))
                                                   or "none yet"),
        "  exemptions applied:                " + (", ".join(f"{k} ×{v}" for k, v in sorted(f.exemptions.items()))
                                                   or "none"),
        f"  media requests:                    {f.media}",
        f"  internal reviews received:         {f.reviews_received}  "
        + ", ".join(f"{k} {v}" for k, v in sorted(f.review_outcomes.items())),
        f"  communications from the ICO:       {f.ico_communications}",
        "Subject access requests (UK GDPR Art 12(3); not FOI or EIR)",
        f"  received:                          {f.sar_received}",
        f"  responded within the time limit:   {f.sar_within_time}",
        f"  extended by two months:            {f.sar_extended}",
        f"  responded late:                    {len(f.sar_late)}",
        *(f"    {r['reference']} due {r['due']}" for r in f.sar_late),
        f"  open and overdue:                  {len(f.sar_open_overdue)}",
        *(f"    {r['reference']} due {r['due']}" for r in f.sar_open_overdue),
    ]
    return "\n".join(lines)

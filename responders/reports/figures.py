"""The figures FOI teams publish, each under its own law, from the facts of the cases received in a period.

Every figure is defined in the README ("Reports"), with its source: the s.45 Code of Practice paras 8.5-8.6,
policy 31.2, the Cabinet Office's FOI statistics categories, and UK GDPR Art 12(3) for subject access."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from config.settings import Settings
from intake.caselog import Case
from responders.reports.facts import ANSWERED, ON_TIME, Category, Facts, Route, Timeliness, case_facts
from responders.reports.period import Period, months

__all__ = ["CabinetOffice", "CodeFigures", "MonthRow", "PolicyFigures", "Report", "ReviewFigures", "SarFigures",
           "build_report", "cases_in"]

WITHHELD_IN_FULL = (Category.REFUSED, Category.S21_ONLY, Category.COST_LIMIT, Category.VEXATIOUS,
                    Category.REPEATED)
NOT_RESOLVABLE = (Category.NOT_HELD, Category.LAPSED, Category.WITHDRAWN, Category.TRANSFERRED, Category.OPEN)


@dataclass
class CodeFigures:
    """The s.45 Code of Practice's quarterly figures (paras 8.5-8.6), FOI and EIR requests together."""

    received: int = 0
    not_yet_processed: int = 0
    processed_in_full: int = 0
    within_deadline: int = 0
    with_lawful_extension: int = 0
    late: int = 0
    closed_without_response: int = 0
    granted_in_full: int = 0
    refused_in_full: int = 0
    granted_in_part: int = 0
    not_held: int = 0
    referred_for_internal_review: int = 0


@dataclass
class ReviewFigures:
    """Internal reviews received in the period (s.45 Code Part 5; EIR reg 11): outcomes and timeliness."""

    received: int = 0
    upheld: int = 0
    reversed: int = 0
    pending: int = 0
    decided_within_20: int = 0
    decided_within_40: int = 0  # with the complex-review extension
    decided_late: int = 0
    pending_overdue: int = 0


@dataclass
class PolicyFigures:
    """Policy 31.2: the details provided to the DSPG."""

    received: int = 0
    closed_within_20_days: int = 0
    not_within_20_days: list[dict[str, Any]] = field(default_factory=list)
    reviews_received: int = 0
    review_outcomes: dict[str, int] = field(default_factory=dict)
    ico_communications: int = 0
    ico_cases: list[str] = field(default_factory=list)


@dataclass
class CabinetOffice:
    """The Cabinet Office's FOI statistics categories, for bodies that report in them."""

    timeliness: dict[str, int] = field(default_factory=dict)
    in_time_percent: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    resolvable: int = 0
    granted_in_full_percent: float | None = None
    exemptions: dict[str, int] = field(default_factory=dict)
    s21_only: int = 0


@dataclass
class SarFigures:
    """Subject access requests (UK GDPR Art 12(3)): their own lines, never in the FOI figures."""

    received: int = 0
    within_one_month: int = 0
    within_extension: int = 0
    extended: int = 0
    late: int = 0
    open: int = 0
    overdue: int = 0
    late_cases: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MonthRow:
    month: str
    foi: int = 0
    eir: int = 0
    sar: int = 0
    in_time: int = 0
    extended: int = 0
    late: int = 0
    open: int = 0
    median_days: float | None = None


@dataclass
class Report:
    period: Period
    today: date
    organisation: str
    code: CodeFigures
    reviews: ReviewFigures
    policy: PolicyFigures
    cabinet_office: CabinetOffice
    sar: SarFigures
    by_regime: dict[str, int]
    reuse_received: int
    media: int
    monthly: list[MonthRow]
    facts: list[Facts] = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k not in ("facts", "period", "today")}
        return {"period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
                           "label": self.period.label}, "as_of": self.today.isoformat(), **data}


def cases_in(s: Session, settings: Settings, period: Period) -> list[Case]:
    """Cases the body received (policy 7.5's initial date, local) within the period, oldest first."""
    tz = ZoneInfo(settings.organisation.timezone)
    lo, hi = datetime.combine(period.start, time.min, tz), datetime.combine(period.end, time.max, tz)
    # Every case's events and notices in one query each, not one per case (issue 12: 20,000 cases).
    return list(s.scalars(select(Case).where(Case.initial_received_at >= lo, Case.initial_received_at <= hi)
                          .options(selectinload(Case.events), selectinload(Case.notices))
                          .order_by(Case.initial_received_at, Case.id)))


def build_report(s: Session, settings: Settings, period: Period, today: date) -> Report:
    facts = [case_facts(c, settings, today) for c in cases_in(s, settings, period)]
    requests = [f for f in facts if f.route == Route.REQUEST]
    reviews = _reviews([f for f in facts if f.route == Route.REVIEW])
    # Policy 31.2: communications from the ICO about these requests (`note --ico`), whenever they came.
    ico = [f.reference for f in facts for _ in range(f.ico)]
    return Report(
        period=period, today=today, organisation=settings.organisation.name, code=_code(requests), reviews=reviews,
        policy=_policy(requests, reviews, ico), cabinet_office=_cabinet(requests),
        sar=_sar([f for f in facts if f.route == Route.SAR]),
        by_regime=dict(Counter(f.regime or "foi" for f in requests)),
        reuse_received=sum(f.route == Route.REUSE for f in facts), media=sum(f.media for f in requests),
        monthly=_monthly(period, facts), facts=facts)


def _code(requests: list[Facts]) -> CodeFigures:
    t = Counter(f.timeliness for f in requests)
    c = Counter(f.category for f in requests)
    return CodeFigures(
        received=len(requests), not_yet_processed=t[Timeliness.OPEN] + t[Timeliness.OVERDUE],
        processed_in_full=sum(t[x] for x in ANSWERED),
        within_deadline=t[Timeliness.IN_TIME] + t[Timeliness.FEE_PAUSED], with_lawful_extension=t[Timeliness.EXTENDED],
        late=t[Timeliness.LATE], closed_without_response=t[Timeliness.CLOSED],
        granted_in_full=c[Category.GRANTED], refused_in_full=sum(c[x] for x in WITHHELD_IN_FULL),
        granted_in_part=c[Category.PART], not_held=c[Category.NOT_HELD],
        referred_for_internal_review=sum(bool(f.reviews) for f in requests))


def _reviews(reviews: list[Facts]) -> ReviewFigures:
    t = Counter(f.timeliness for f in reviews)
    c = Counter(f.category for f in reviews)
    return ReviewFigures(
        received=len(reviews), upheld=c[Category.UPHELD], reversed=c[Category.REVERSED],
        pending=t[Timeliness.OPEN] + t[Timeliness.OVERDUE],
        decided_within_20=t[Timeliness.IN_TIME], decided_within_40=t[Timeliness.EXTENDED],
        decided_late=t[Timeliness.LATE], pending_overdue=t[Timeliness.OVERDUE])


def _policy(requests: list[Facts], reviews: ReviewFigures, ico_cases: list[str]) -> PolicyFigures:
    """Policy 31.2: "closed within the required 20-day time frame" and, for the rest, why not."""
    late = []
    for f in requests:
        if f.timeliness == Timeliness.EXTENDED:
            why = "answered within a lawful extension of the time limit"
        elif f.timeliness == Timeliness.LATE:
            why = f.late_reason or "(no reason recorded)"
        elif f.timeliness == Timeliness.OVERDUE:
            why = "still open, past its due date"
        else:
            continue
        late.append({"reference": f.reference, "due": f.due.isoformat() if f.due else None,
                     "answered": f.answered.isoformat() if f.answered else None, "reason": why})
    outcomes = {"upheld": reviews.upheld, "reversed": reviews.reversed, "pending": reviews.pending}
    return PolicyFigures(
        received=len(requests),
        closed_within_20_days=sum(f.timeliness in (Timeliness.IN_TIME, Timeliness.FEE_PAUSED) for f in requests),
        not_within_20_days=late, reviews_received=reviews.received, review_outcomes=outcomes,
        ico_communications=len(ico_cases), ico_cases=list(dict.fromkeys(ico_cases)))


def _cabinet(requests: list[Facts]) -> CabinetOffice:
    t = Counter(f.timeliness for f in requests)
    c = Counter(f.category for f in requests)
    timeliness = {"in_time": t[Timeliness.IN_TIME], "permitted_extension": t[Timeliness.EXTENDED],
                  "fee_paused": t[Timeliness.FEE_PAUSED], "late": t[Timeliness.LATE],
                  "not_yet_processed": t[Timeliness.OPEN] + t[Timeliness.OVERDUE]}
    answered = sum(t[x] for x in ANSWERED)
    outcomes = {str(k): c[k] for k in (Category.GRANTED, Category.PART, Category.REFUSED, Category.S21_ONLY,
                                       Category.NOT_HELD, Category.COST_LIMIT, Category.VEXATIOUS, Category.REPEATED)}
    outcomes["lapsed_withdrawn_transferred"] = c[Category.LAPSED] + c[Category.WITHDRAWN] + c[Category.TRANSFERRED]
    outcomes["not_yet_processed"] = c[Category.OPEN]
    resolvable = len(requests) - sum(c[x] for x in NOT_RESOLVABLE)
    exemptions = Counter(e for f in requests for e in dict.fromkeys(f.exemptions))
    return CabinetOffice(
        timeliness=timeliness, in_time_percent=_percent(sum(t[x] for x in ON_TIME), answered), outcomes=outcomes,
        resolvable=resolvable, granted_in_full_percent=_percent(c[Category.GRANTED], resolvable),
        exemptions=dict(sorted(exemptions.items(), key=lambda kv: (-kv[1], kv[0]))), s21_only=c[Category.S21_ONLY])


def _sar(sars: list[Facts]) -> SarFigures:
    t = Counter(f.timeliness for f in sars)
    return SarFigures(
        received=len(sars), within_one_month=t[Timeliness.IN_TIME] + t[Timeliness.FEE_PAUSED],
        within_extension=t[Timeliness.EXTENDED], extended=sum(f.extended for f in sars), late=t[Timeliness.LATE],
        open=t[Timeliness.OPEN], overdue=t[Timeliness.OVERDUE],
        late_cases=[{"reference": f.reference, "due": f.due.isoformat() if f.due else None, "state": str(f.timeliness)}
                    for f in sars if f.timeliness in (Timeliness.LATE, Timeliness.OVERDUE)])


def _monthly(period: Period, facts: list[Facts]) -> list[MonthRow]:
    rows = {m: MonthRow(m) for m in months(period)}
    days: dict[str, list[int]] = {m: [] for m in rows}
    for f in facts:
        row = rows.get(f.month)
        if row is None or f.route not in (Route.REQUEST, Route.SAR):
            continue
        if f.route == Route.SAR:
            row.sar += 1
            continue
        if f.regime == "eir":
            row.eir += 1
        else:
            row.foi += 1
        match f.timeliness:
            case Timeliness.IN_TIME | Timeliness.FEE_PAUSED:
                row.in_time += 1
            case Timeliness.EXTENDED:
                row.extended += 1
            case Timeliness.LATE:
                row.late += 1
            case Timeliness.OPEN | Timeliness.OVERDUE:
                row.open += 1
        if f.working_days is not None:
            days[f.month].append(f.working_days)
    for m, row in rows.items():
        row.median_days = float(statistics.median(days[m])) if days[m] else None
    return list(rows.values())


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None

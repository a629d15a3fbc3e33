"""What each case counts as in the figures, worked out once from its events and its clock: its route (which law
it is counted under), how timely it was, and its outcome in the Cabinet Office's categories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from config.settings import Settings
from intake.caselog import Case
from intake.caselog.views import case_clock
from intake.vocabulary import (
    LIVE_STATUSES,
    EventType,
    MessageKind,
    Outcome,
    RefusalGround,
    Regime,
)

__all__ = ["Category", "Facts", "Route", "Timeliness", "case_facts"]


class Route(StrEnum):
    """The law a case is counted under: FOI and EIR together on the s.45 Code's figures, the rest apart."""

    REQUEST = "foi_eir"  # FOIA 2000 / EIR 2004 requests for information
    SAR = "sar"  # UK GDPR Art 15: never in the FOI figures
    REVIEW = "review"  # s.45 Code Part 5; EIR reg 11
    REUSE = "reuse"  # RPSI Regulations 2015
    OTHER = "other"


class Timeliness(StrEnum):
    IN_TIME = "in_time"  # answered by the statutory due date, with no extension or pause
    EXTENDED = "extended"  # answered within a lawful extension (s.10(3), EIR reg 7, Art 12(3), complex review)
    FEE_PAUSED = "fee_paused"  # answered in time once the days awaiting a fee are disregarded (s.10(2))
    LATE = "late"  # answered after the due date
    OPEN = "open"  # not yet answered, due date not passed (or clock stopped)
    OVERDUE = "overdue"  # not yet answered, due date passed
    CLOSED = "closed"  # closed without an answer: lapsed, withdrawn, transferred


ANSWERED = frozenset({Timeliness.IN_TIME, Timeliness.EXTENDED, Timeliness.FEE_PAUSED, Timeliness.LATE})
ON_TIME = frozenset({Timeliness.IN_TIME, Timeliness.EXTENDED, Timeliness.FEE_PAUSED})


class Category(StrEnum):
    """The outcome, in the Cabinet Office's categories of its FOI statistics."""

    GRANTED = "granted"  # granted in full
    PART = "part"  # partially withheld
    REFUSED = "refused"  # withheld in full under exemptions or exceptions
    S21_ONLY = "s21_only"  # withheld only because reasonably accessible otherwise (s.21, a publication scheme)
    NOT_HELD = "not_held"
    COST_LIMIT = "s12"  # refused: cost limit
    VEXATIOUS = "s14_1"  # refused: vexatious
    REPEATED = "s14_2"  # refused: repeated
    TRANSFERRED = "transferred"
    LAPSED = "lapsed"  # no clarification or fee came
    WITHDRAWN = "withdrawn"  # closed by a person without an answer
    OPEN = "open"  # not yet processed
    UPHELD = "upheld"  # an internal review's decision
    REVERSED = "reversed"


_GROUNDS: dict[str, Category] = {RefusalGround.COST_LIMIT: Category.COST_LIMIT,
                                 RefusalGround.VEXATIOUS: Category.VEXATIOUS, RefusalGround.REPEATED: Category.REPEATED}
_OUTCOMES: dict[str, Category] = {Outcome.GRANTED: Category.GRANTED, Outcome.PART: Category.PART,
                                  Outcome.REFUSED: Category.REFUSED, Outcome.NOT_HELD: Category.NOT_HELD}
_EXTENSIONS = frozenset({EventType.PIT_EXTENSION, EventType.EIR_EXTENSION, EventType.SAR_EXTENSION,
                         EventType.COMPLEX_REVIEW, EventType.REUSE_EXTENSION})


@dataclass(frozen=True)
class Facts:
    reference: str
    route: Route
    regime: str | None
    received: date  # policy 7.5: the date the body received it, local
    due: date | None
    answered: date | None
    working_days: int | None  # policy 7.5's time taken, in working days, once answered
    timeliness: Timeliness
    category: Category
    exemptions: tuple[str, ...]
    late_reason: str | None
    extended: bool
    ico: int  # communications from the ICO recorded on the case (policy 31.2)
    reviews: tuple[str, ...]  # internal reviews opened of it
    review_of: str | None
    media: bool

    @property
    def month(self) -> str:
        return f"{self.received:%Y-%m}"


def route_of(case: Case) -> Route:
    if case.kind == MessageKind.INTERNAL_REVIEW:
        return Route.REVIEW
    if case.kind == MessageKind.REUSE_REQUEST:
        return Route.REUSE
    if case.kind != MessageKind.FOI_REQUEST:
        return Route.OTHER
    return Route.SAR if case.regime == Regime.SAR else Route.REQUEST


def case_facts(case: Case, settings: Settings, today: date) -> Facts:
    """The case as the figures count it on `today` (an open case is "not yet processed" on that day)."""
    clock = case_clock(case, settings, today)
    types = {e.type for e in case.events}
    extended = bool(types & _EXTENSIONS)
    responded = next((e for e in reversed(case.events) if e.type == EventType.RESPONDED), None)
    received_by = next((e.data for e in case.events if e.type == EventType.RECEIVED), {})
    timeliness = _timeliness(case, clock.state, extended, EventType.FEE_PAID in types)
    answered = clock.responded if timeliness in ANSWERED else None
    return Facts(
        reference=case.reference, route=route_of(case), regime=case.regime,
        received=case.initial_received_at.astimezone(ZoneInfo(settings.organisation.timezone)).date(),
        due=clock.due, answered=answered, working_days=clock.working_days_taken if answered else None,
        timeliness=timeliness, category=_category(case, timeliness, responded.data if responded else {}),
        exemptions=tuple(case.exemptions) if timeliness in ANSWERED else (),
        late_reason=(responded.data.get("late_reason") if responded and timeliness == Timeliness.LATE else None),
        extended=extended, ico=sum(e.type == EventType.ICO_COMMUNICATION for e in case.events),
        reviews=tuple(str(e.data.get("review")) for e in case.events if e.type == EventType.REVIEW_OPENED),
        review_of=received_by.get("review_of"), media="media" in case.flags)


def _timeliness(case: Case, state: str, extended: bool, fee_paid: bool) -> Timeliness:
    if state == "met":
        return Timeliness.EXTENDED if extended else Timeliness.FEE_PAUSED if fee_paid else Timeliness.IN_TIME
    if state == "late":
        return Timeliness.LATE
    if state in ("closed", "lapsed") or case.status not in LIVE_STATUSES:
        return Timeliness.CLOSED
    return Timeliness.OVERDUE if state == "overdue" else Timeliness.OPEN


def _category(case: Case, timeliness: Timeliness, responded: dict[str, object]) -> Category:
    if case.kind == MessageKind.INTERNAL_REVIEW:
        return {"upheld": Category.UPHELD, "reversed": Category.REVERSED}.get(case.decision or "", Category.OPEN)
    if timeliness in (Timeliness.OPEN, Timeliness.OVERDUE):
        return Category.OPEN
    if timeliness == Timeliness.CLOSED:
        decision = case.decision or ""
        return (Category.TRANSFERRED if decision == "transferred" else
                Category.LAPSED if decision.startswith("lapsed") or case.status in LIVE_STATUSES else
                Category.WITHDRAWN)
    ground = _GROUNDS.get(str(responded.get("section") or ""))
    if ground is not None:
        return ground
    if any(e.type == EventType.PUBLICATION_SCHEME for e in case.events) or (
            case.decision == Outcome.REFUSED and list(case.exemptions) == ["21"]):
        return Category.S21_ONLY
    return _OUTCOMES.get(case.decision or "", Category.GRANTED)

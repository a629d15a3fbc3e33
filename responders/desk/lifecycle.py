"""Every case kind's lifecycle, as data: for each route, the actions a person may take, the statuses each may
run from, the events it writes and the notices it sends. An action from the wrong status is refused with the
row's `needs` line; an action that is not a step of the route is refused with the route's steps.

The statuses follow from the events (`intake.vocabulary.status_after`), so the table is the whole machine:
read a row as "from these statuses, `action` writes these events (and so moves the case) and sends these".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intake.caselog import Case
from intake.vocabulary import CaseStatus, EventType, MessageKind, NoticePurpose, Regime
from responders.errors import ActionRefused

__all__ = ["LIFECYCLE", "ROUTE_LABELS", "Route", "Step", "refuse_unless_allowed", "route_of", "step_for",
           "union_of"]


class Route(StrEnum):
    """The case kinds, each with its own law and lifecycle."""

    REQUEST = "request"  # FOIA 2000 / EIR 2004 (and a mixed request, each part under its own law)
    SAR = "sar"  # UK GDPR Art 12, 15; DPA 2018 as amended by DUAA 2025
    REVIEW = "review"  # s.45 Code of Practice; EIR reg 11; policy 17
    REUSE = "reuse"  # RPSI Regulations 2015; policy 23
    PUBLICATION_SCHEME = "publication_scheme"  # FOIA s.19, s.21; policy 6.10


ROUTE_LABELS: dict[Route, str] = {
    Route.REQUEST: "an FOI/EIR request", Route.SAR: "a subject access request",
    Route.REVIEW: "an internal review", Route.REUSE: "a re-use request",
    Route.PUBLICATION_SCHEME: "a publication-scheme referral",
}


@dataclass(frozen=True)
class Step:
    """One row: from `from_` the action runs; from `guarded` only when its own condition holds (`needs`)."""

    from_: frozenset[CaseStatus]
    writes: tuple[EventType, ...]
    sends: tuple[NoticePurpose, ...] = ()
    needs: str = "{reference} is {status}, not open"
    guarded: frozenset[CaseStatus] = frozenset()


OP, AC, AF, AI = (CaseStatus.OPEN, CaseStatus.AWAITING_CLARIFICATION, CaseStatus.AWAITING_FEE,
                 CaseStatus.AWAITING_ID)
R, C = CaseStatus.RESPONDED, CaseStatus.CLOSED
OPEN, LIVE, ANSWERED = frozenset({OP}), frozenset({OP, AC, AF, AI}), frozenset({R, C})
ANY = frozenset(CaseStatus)
E, N = EventType, NoticePurpose

_LIVE_NEEDS = "{reference} is already {status}; reopen it first"
_NOTE = Step(ANY, (E.NOTE, E.ICO_COMMUNICATION))
_REOPEN = Step(ANY - {OP, AI}, (E.REOPENED,), needs="{reference} is already {status}")
_TRANSFER = Step(LIVE, (E.TRANSFERRED, E.CLOSED), (N.TRANSFER,), needs=_LIVE_NEEDS)
_COMMS = Step(LIVE, (E.COMMS_SIGNOFF,), needs="{reference} is {status}: sign-off comes before the response")
_RESPOND = Step(LIVE, (E.RESPONDED,), needs=_LIVE_NEEDS)  # once, unless reopened
# A review of an answered case; of an unanswered one only as a complaint about lateness (s.45 Code; policy 17).
# It writes `review_opened` here and `received` on the review, a case of its own.
_REVIEW_OPEN = Step(ANSWERED, (E.REVIEW_OPENED, E.RECEIVED), (N.REVIEW_ACKNOWLEDGEMENT,), guarded=LIVE,
                    needs="{reference} has not been answered: a review of it is a complaint about lateness, "
                          "review-open --reason late")

LIFECYCLE: dict[Route, dict[str, Step]] = {
    Route.REQUEST: {
        # FOIA s.1(3), EIR reg 9(2): the clock stops until the requester clarifies.
        "clarify": Step(OPEN, (E.CLARIFICATION_REQUESTED,), (N.CLARIFICATION,)),
        "clarified": Step(frozenset({AC}), (E.CLARIFICATION_RECEIVED,),
                          needs="{reference} is not waiting for a clarification (status {status})"),
        # FOIA s.9, s.10(2), s.12, s.13: a fees notice pauses; an estimate over the cost limit is recorded.
        "fee": Step(OPEN, (E.FEE_NOTICE, E.COST_ESTIMATE), (N.FEES,)),
        "fee-paid": Step(frozenset({AF}), (E.FEE_PAID,), (N.FEE_PAID,),
                         needs="{reference} is not waiting for a fee (status {status})"),
        # FOIA s.12, s.16; policy 13.3: a person confirms the refusal the estimate proposed.
        "cost-limit": Step(LIVE, (E.RESPONDED,), needs=_LIVE_NEEDS),
        # FOIA s.14(1) vexatious, s.14(2) repeated; policy 15: a person refuses, never the bot.
        "refuse": Step(LIVE, (E.RESPONDED,), needs=_LIVE_NEEDS),
        # FOIA s.10(3) public interest; EIR reg 7 complex and voluminous.
        "extend": Step(OPEN, (E.PIT_EXTENSION, E.EIR_EXTENSION), (N.EXTENSION,)),
        # FOIA s.21; policy 6.10: the information is in the publication scheme; pointing to it answers.
        "publication-scheme": Step(OPEN, (E.PUBLICATION_SCHEME, E.RESPONDED), (N.PUBLICATION_SCHEME,)),
        "comms-signoff": _COMMS, "respond": _RESPOND, "transfer": _TRANSFER, "review-open": _REVIEW_OPEN,
        "reopen": _REOPEN, "note": _NOTE,
    },
    Route.SAR: {
        # UK GDPR Art 12(6): the month runs from the later of the request and the identification.
        "id-request": Step(OPEN, (E.ID_REQUESTED,), (N.SAR_ID_REQUEST,)),
        "id-received": Step(frozenset({AI}), (E.ID_RECEIVED,),
                            needs="{reference} is not waiting for identification (status {status})"),
        # UK GDPR Art 12A (DUAA 2025 s.76, "stop the clock"): paused until the clarification arrives.
        "clarify": Step(OPEN, (E.CLARIFICATION_REQUESTED,), (N.SAR_CLARIFICATION,)),
        "clarified": Step(frozenset({AC}), (E.CLARIFICATION_RECEIVED,),
                          needs="{reference} is not waiting for a clarification (status {status})"),
        # UK GDPR Art 12(3): two further months, with reasons, told within the first month.
        "extend": Step(OPEN, (E.SAR_EXTENSION,), (N.SAR_EXTENSION,)),
        "respond": _RESPOND, "transfer": _TRANSFER, "reopen": _REOPEN, "note": _NOTE,
    },
    Route.REVIEW: {
        # s.45 Code; policy 17.8, App. C: 40 working days when complex, told before the 20th.
        "extend": Step(OPEN, (E.COMPLEX_REVIEW,), (N.REVIEW_EXTENSION,)),
        "review-close": Step(OPEN, (E.RESPONDED,), needs="{reference} is already {status}: a review is decided "
                                                         "once (reopen it to decide again)"),
        "comms-signoff": _COMMS, "reopen": _REOPEN, "note": _NOTE,
    },
    Route.REUSE: {
        # RPSI 2015 reg 8(2): a longer period, with written notice and an estimated date.
        "extend": Step(OPEN, (E.REUSE_EXTENSION,), (N.REUSE_EXTENSION,)),
        "respond": _RESPOND, "transfer": _TRANSFER, "reopen": _REOPEN, "note": _NOTE,
    },
    Route.PUBLICATION_SCHEME: {
        "review-open": _REVIEW_OPEN, "reopen": _REOPEN, "note": _NOTE,
    },
}


def route_of(case: Case) -> Route:
    """The lifecycle a case follows, from its kind, regime and (for a referral) its events."""
    if case.kind == MessageKind.INTERNAL_REVIEW:
        return Route.REVIEW
    if case.kind == MessageKind.REUSE_REQUEST:
        return Route.REUSE
    if case.regime == Regime.SAR:
        return Route.SAR
    if any(e.type == EventType.PUBLICATION_SCHEME for e in case.events):
        return Route.PUBLICATION_SCHEME
    return Route.REQUEST


def step_for(case: Case, action: str) -> Step | None:
    """The row for `action` on this case; None for an action the table does not govern (it guards itself)."""
    if not any(action in steps for steps in LIFECYCLE.values()):
        return None
    route = route_of(case)
    step = LIFECYCLE[route].get(action)
    if step is None:
        others = " or ".join(ROUTE_LABELS[r] for r, steps in LIFECYCLE.items() if action in steps)
        raise ActionRefused(f"{case.reference} is {ROUTE_LABELS[route]}, not {others}: {action} is not one of "
                            f"its steps ({', '.join(LIFECYCLE[route])})")
    return step


def refuse_unless_allowed(case: Case, action: str, step: Step) -> None:
    """Refuse with the row's one line unless the case's status allows the action (guarded ones check later)."""
    if case.status not in step.from_ | step.guarded:
        raise ActionRefused(step.needs.format(reference=case.reference, status=case.status))


def union_of(action: str) -> tuple[frozenset[CaseStatus], tuple[EventType, ...], tuple[NoticePurpose, ...]]:
    """An action's statuses, events and notices over every route (the class attributes say these)."""
    steps = [routes[action] for routes in LIFECYCLE.values() if action in routes]
    statuses = frozenset().union(*(s.from_ | s.guarded for s in steps))
    writes = tuple(dict.fromkeys(e for s in steps for e in s.writes))
    sends = tuple(dict.fromkeys(p for s in steps for p in s.sends))
    return statuses, writes, sends

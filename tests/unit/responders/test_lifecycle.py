"""The lifecycle table: every route's actions, statuses, events and notices, and each refusal in one line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from intake.caselog import Case, find_case
from intake.caselog.clock import EVENT_TYPES
from intake.caselog.views import case_clock, clock_kind
from intake.vocabulary import CaseStatus, EventType, MessageKind, NoticePurpose, Outcome, Regime
from responders.desk import (
    ACTIONS,
    LIFECYCLE,
    Action,
    Clarified,
    Clarify,
    CommsSignoff,
    CostLimit,
    Desk,
    Extend,
    Fee,
    FeePaid,
    IdReceived,
    IdRequest,
    Note,
    PublicationScheme,
    Respond,
    ReviewClose,
    ReviewOpen,
    Route,
    Transfer,
    route_of,
)
from responders.errors import ActionRefused
from tests.unit.responders.conftest import NOW, NewCase, events, kinds, settings_in

TEMPLATES = Path(__file__).resolve().parents[3] / "responders" / "templates"
LATER = NOW + timedelta(days=2)


def act(desk: Desk, s: Session, case: Case, action: Action, days: int = 2) -> str:
    return desk.act(s, case, action, NOW + timedelta(days=days), "officer").summary


def refusal(desk: Desk, s: Session, case: Case, action: Action, days: int = 2) -> str:
    before = len(case.events)
    with pytest.raises(ActionRefused) as caught:
        desk.act(s, case, action, NOW + timedelta(days=days), "officer")
    message = str(caught.value)
    assert message and "\n" not in message
    assert len(case.events) == before, "a refused action writes nothing"
    return message


def test_every_row_names_a_known_action_its_events_and_templated_notices() -> None:
    for route, steps in LIFECYCLE.items():
        assert "note" in steps, route
        for name, step in steps.items():
            assert name in ACTIONS, (route, name)
            assert step.from_ and step.writes, (route, name)
            assert set(step.writes) <= set(ACTIONS[name].writes) and set(step.sends) <= set(ACTIONS[name].sends)
            for purpose in step.sends:
                assert (TEMPLATES / f"{purpose}.txt.j2").is_file() and (TEMPLATES / f"{purpose}.html.j2").is_file()


def test_every_event_the_clock_reads_is_written_by_some_action() -> None:
    written = {e for steps in LIFECYCLE.values() for step in steps.values() for e in step.writes}
    # `received` is the intake's, and a reply by email is recorded by the intake too.
    assert set(EVENT_TYPES) - written <= {EventType.RECEIVED}, set(EVENT_TYPES) - written


def test_each_case_kind_has_its_route(new_case: NewCase) -> None:
    assert route_of(new_case()) == Route.REQUEST
    assert route_of(new_case(regime=Regime.SAR)) == Route.SAR
    assert route_of(new_case(kind=MessageKind.INTERNAL_REVIEW)) == Route.REVIEW
    assert route_of(new_case(kind=MessageKind.REUSE_REQUEST, regime=None)) == Route.REUSE


Setup = Callable[[Desk, Session, NewCase], Case]


def _responded(desk: Desk, s: Session, new_case: NewCase) -> Case:
    case = new_case()
    act(desk, s, case, Respond(Outcome.GRANTED))
    return case


def _review(desk: Desk, s: Session, new_case: NewCase) -> Case:
    done = desk.act(s, _responded(desk, s, new_case), ReviewOpen(), LATER, "officer")
    review = find_case(s, done.opened or "")
    assert review is not None
    return review


def _decided_review(desk: Desk, s: Session, new_case: NewCase) -> Case:
    review = _review(desk, s, new_case)
    act(desk, s, review, ReviewClose("upheld"))
    return review


def _sar(desk: Desk, s: Session, new_case: NewCase) -> Case:
    return new_case(regime=Regime.SAR)


def _sar_identified(desk: Desk, s: Session, new_case: NewCase) -> Case:
    case = new_case(regime=Regime.SAR)
    act(desk, s, case, IdRequest())
    act(desk, s, case, IdReceived())
    return case


def _sar_extended(desk: Desk, s: Session, new_case: NewCase) -> Case:
    case = new_case(regime=Regime.SAR)
    act(desk, s, case, Extend("the records span twelve years"))
    return case


@pytest.mark.parametrize(("setup", "action", "needs"), [
    (_sar, Fee(Decimal("10"), "copying"), "is a subject access request, not an FOI/EIR request"),
    (_sar, ReviewOpen(), "not an FOI/EIR request or a publication-scheme referral"),
    (lambda d, s, n: n(), IdRequest(), "not a subject access request"),
    (lambda d, s, n: n(), ReviewOpen(), "review-open --reason late"),
    (lambda d, s, n: n(), ReviewOpen("angry"), "--reason is late or nothing"),
    (_review, ReviewOpen(), "not an FOI/EIR request"),
    (_decided_review, ReviewClose("reversed"), "a review is decided once"),
    (_responded, Respond(Outcome.GRANTED), "already responded; reopen it first"),
    (_responded, Transfer("NHS England"), "already responded"),
    (_responded, CommsSignoff(), "sign-off comes before the response"),
    (_responded, PublicationScheme("https://example.org/ps"), "responded, not open"),
    (lambda d, s, n: n(), Clarified(), "not waiting for a clarification"),
    (_sar, IdReceived(), "not waiting for identification"),
    (_sar_identified, IdRequest(), "identity already confirmed"),
    (_sar, Extend("pit"), "reasons in words"),
    (_sar_extended, Extend("and we need even longer"), "already extended"),
    (_review, Extend("too short"), "say why more time is needed"),
    (lambda d, s, n: n(), CostLimit("narrow it"), "no estimate over the cost limit"),
    (lambda d, s, n: n(), Fee(Decimal("600"), "30 hours searching"), "policy 12.3"),
    (lambda d, s, n: n(), Fee(Decimal("0"), "none", hours=Decimal("10")), "within the £450 cost limit"),
    (lambda d, s, n: n(regime=Regime.EIR), Fee(Decimal("10"), "copying"), "EIR charge (reg 8)"),
    (lambda d, s, n: n(), PublicationScheme(), "no publication scheme address"),
    (lambda d, s, n: n(), IdReceived(), "not a subject access request"),
], ids=lambda v: getattr(v, "name", None) if isinstance(v, Action) else None)
def test_an_action_from_the_wrong_state_is_refused_in_one_line(desk: Desk, session: Session, new_case: NewCase,
                                                               setup: Setup, action: Action, needs: str) -> None:
    case = setup(desk, session, new_case)
    assert needs in refusal(desk, session, case, action)


def test_a_sar_extension_after_the_first_month_is_refused(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(regime=Regime.SAR)
    assert "within the first month" in refusal(desk, session, case, Extend("the records are many"), days=40)


def test_a_complex_review_is_told_once_and_takes_forty_days(desk: Desk, session: Session,
                                                            new_case: NewCase) -> None:
    review = _review(desk, session, new_case)
    before = case_clock(review, desk.settings).due
    assert "extended from" in act(desk, session, review, Extend("three directorates must be consulted"))
    assert events(review)[-2:] == [EventType.COMPLEX_REVIEW, EventType.NOTICE_QUEUED]
    assert kinds(session, review)[-1] == NoticePurpose.REVIEW_EXTENSION
    assert case_clock(review, desk.settings).due > before  # type: ignore[operator]
    assert "already a complex review" in refusal(desk, session, review, Extend("and more time again"))


def test_a_reuse_request_is_extended_with_a_notice(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(kind=MessageKind.REUSE_REQUEST, regime=None)
    act(desk, session, case, Extend("the request covers forty datasets", days=10))
    assert events(case)[-2] == EventType.REUSE_EXTENSION and kinds(session, case) == [NoticePurpose.REUSE_EXTENSION]


def test_a_late_complaint_opens_a_review_of_an_unanswered_case(desk: Desk, session: Session,
                                                               new_case: NewCase) -> None:
    case = new_case()
    done = desk.act(session, case, ReviewOpen("late"), LATER, "officer")
    assert done.opened and case.events[-1].data["reason"] == "late"
    assert "already under review" in refusal(desk, session, case, ReviewOpen("late"))


def test_a_fee_over_the_cost_limit_proposes_a_refusal_a_person_confirms(desk: Desk, session: Session,
                                                                        new_case: NewCase) -> None:
    case = new_case()
    summary = act(desk, session, case, Fee(Decimal("0"), "locating records", hours=Decimal("30")))
    assert "£750.00" in summary and "over the £450 cost limit" in summary and "cost-limit --advice" in summary
    assert case.status == CaseStatus.OPEN and kinds(session, case) == [] and case.decision is None
    assert events(case)[-1] == EventType.COST_ESTIMATE and case.events[-1].data["over"] is True
    assert "a s.12 refusal gives advice" in refusal(desk, session, case, CostLimit(" "))
    assert "refused under s.12" in act(desk, session, case, CostLimit("Ask for one year, not ten"))
    assert case.status == CaseStatus.RESPONDED and case.decision == Outcome.REFUSED
    assert case.events[-1].data["advice"] == "Ask for one year, not ten"


def test_under_the_limit_only_disbursements_are_charged(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert "£12.00" in act(desk, session, case, Fee(Decimal("12"), "printing, 10 hours of searching",
                                                   hours=Decimal("10")))
    assert events(case)[-3:] == [EventType.COST_ESTIMATE, EventType.FEE_NOTICE, EventType.NOTICE_QUEUED]
    assert case.status == CaseStatus.AWAITING_FEE


def test_central_government_sets_its_own_limit(tmp_path: Path, session: Session, new_case: NewCase) -> None:
    desk = Desk(settings_in(tmp_path, fees={"cost_limit": 600}))
    case = new_case()
    assert "£12.00" in act(desk, session, case, Fee(Decimal("12"), "copying", hours=Decimal("20")))


def test_fee_paid_tells_the_requester_the_new_date(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, Fee(Decimal("12"), "copying"))
    summary = act(desk, session, case, FeePaid(), days=9)
    due = case_clock(case, desk.settings).due
    assert due is not None and summary == f"fee paid; due {due}"
    assert kinds(session, case) == [NoticePurpose.FEES, NoticePurpose.FEE_PAID]
    assert events(case)[-2:] == [EventType.NOTICE_QUEUED, EventType.FEE_PAID] and case.status == CaseStatus.OPEN


def test_the_publication_scheme_route_answers_on_its_own_clock(desk: Desk, session: Session,
                                                               new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, PublicationScheme("https://example.org/publication-scheme/board"))
    assert route_of(case) == Route.PUBLICATION_SCHEME and clock_kind(case) == "publication_scheme"
    assert case.status == CaseStatus.RESPONDED and kinds(session, case) == [NoticePurpose.PUBLICATION_SCHEME]
    assert case_clock(case, desk.settings).state == "met"
    assert "fee is not one of its steps" in refusal(desk, session, case, Fee(Decimal("1"), "copying"))
    assert desk.act(session, case, ReviewOpen(), LATER, "officer").opened


def test_a_clarification_by_post_is_recorded_by_a_person(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, Clarify(ask="Which sites?"))
    assert "clarification received" in act(desk, session, case, Clarified("By letter: all three sites"))
    assert case.status == CaseStatus.OPEN and events(case)[-1] == EventType.CLARIFICATION_RECEIVED


def test_notes_run_from_every_status(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, Transfer("NHS England"))
    assert case.status == CaseStatus.CLOSED
    assert act(desk, session, case, Note("rang the requester")) == "note added"


def test_sar_id_received_checks_its_date(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(regime=Regime.SAR)
    act(desk, session, case, IdRequest())
    assert "not between" in refusal(desk, session, case, IdReceived(date(2020, 1, 1)))

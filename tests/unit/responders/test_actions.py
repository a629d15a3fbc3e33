"""The desk's actions, one by one: the statuses each may run from, the events it writes, the notices it sends,
and the one-line refusal when the rules do not allow it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from intake.caselog import Case, find_case
from intake.vocabulary import CaseStatus, EventType, MessageKind, NoticePurpose, Outcome, Regime
from responders.desk import (
    ACTIONS,
    Action,
    Clarify,
    CommsSignoff,
    Desk,
    Extend,
    Fee,
    FeePaid,
    Note,
    Reopen,
    Respond,
    ReviewClose,
    ReviewOpen,
    Transfer,
)
from responders.errors import ActionRefused, Refused, UnknownExemption
from tests.unit.responders.conftest import NOW, NewCase, events, kinds

LATER = NOW + timedelta(days=2)


def act(desk: Desk, s: Session, case: Case, action: Action) -> str:
    return desk.act(s, case, action, LATER, "officer").summary


def refusal(desk: Desk, s: Session, case: Case, action: Action) -> str:
    with pytest.raises(ActionRefused) as caught:
        desk.act(s, case, action, LATER, "officer")
    message = str(caught.value)
    assert "\n" not in message and message
    return message


def test_every_action_says_its_name_statuses_events_and_notices() -> None:
    assert set(ACTIONS) == {"clarify", "fee", "fee-paid", "extend", "comms-signoff", "respond", "transfer",
                            "review-open", "review-close", "reopen", "note",
                            "clarified", "cost-limit", "publication-scheme", "id-request", "id-received",
                            "reclassify", "refuse"}
    for name, action in ACTIONS.items():
        assert action.name == name and action.__doc__
        assert action.allowed_from and action.allowed_from <= set(CaseStatus)
        assert action.writes and all(isinstance(e, EventType) for e in action.writes)
        assert all(isinstance(p, NoticePurpose) for p in action.sends)


def test_clarify_stops_the_clock_and_asks(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    done = desk.act(session, case, Clarify(ask="Which sites?"), LATER, "officer")
    assert case.status == CaseStatus.AWAITING_CLARIFICATION and events(case)[-2:] == [
        "clarification_requested", "notice_queued"]
    assert kinds(session, case) == ["clarification"] and len(done.notices) == 1
    assert "awaiting_clarification, not open" in refusal(desk, session, case, Clarify(ask="again?"))


def test_fee_pauses_and_payment_restarts(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert refusal(desk, session, case, Fee(Decimal("0"), "none")) == "the fee must be more than £0"
    assert "not waiting for a fee (status open)" in refusal(desk, session, case, FeePaid())
    assert "£12.50" in act(desk, session, case, Fee(Decimal("12.50"), "printing"))
    assert case.status == CaseStatus.AWAITING_FEE and kinds(session, case) == ["fees"]
    assert "fee paid; due" in act(desk, session, case, FeePaid())
    assert case.status == CaseStatus.OPEN and events(case)[-1] == EventType.FEE_PAID


def test_a_public_interest_extension_names_a_qualified_exemption(desk: Desk, session: Session,
                                                                 new_case: NewCase) -> None:
    case = new_case()
    assert "--exemption s43" in refusal(desk, session, case, Extend("pit"))
    assert "absolute exemption" in refusal(desk, session, case, Extend("pit", ("s21",)))
    assert "environmental information only" in refusal(desk, session, case, Extend("eir"))
    assert "unknown extension reason" in refusal(desk, session, case, Extend("why"))
    with pytest.raises(UnknownExemption, match="not a known"):
        desk.act(session, case, Extend("pit", ("s99",)), LATER, "officer")
    assert "extended from 2026-12-15 to 2027-01-" in act(desk, session, case, Extend("pit", ("s43",)))
    assert events(case)[-2:] == ["pit_extension", "notice_queued"] and kinds(session, case) == ["extension"]


def test_an_eir_extension_is_for_environmental_information(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(regime=Regime.EIR)
    assert "extended from" in act(desk, session, case, Extend("eir"))
    assert EventType.EIR_EXTENSION in events(case)


def test_respond_needs_an_outcome_and_for_a_refusal_its_exemptions(desk: Desk, session: Session,
                                                                   new_case: NewCase) -> None:
    case = new_case()
    assert "outcome must be one of granted, part, refused, not-held" in refusal(desk, session, case, Respond("yes"))
    assert "(s.17(1))" in refusal(desk, session, case, Respond(Outcome.REFUSED))
    assert "responded (part)" in act(desk, session, case, Respond(Outcome.PART, ("s43",)))
    assert case.status == CaseStatus.RESPONDED and case.decision == "part" and case.exemptions == ["43"]
    assert "already responded; reopen it first" in refusal(desk, session, case, Respond(Outcome.GRANTED))


def test_respond_dates_the_event_on_the_day_it_was_sent(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, Respond(Outcome.GRANTED, sent_on=date(2026, 11, 17), late_reason=None))
    assert case.events[-1].at.date() == date(2026, 11, 17) and case.sent_at.date() == date(2026, 11, 17)


def test_a_media_request_waits_for_communications(desk: Desk, session: Session, new_case: NewCase) -> None:
    plain, media = new_case(), new_case(flags=("media",))
    assert "is not a media request" in refusal(desk, session, plain, CommsSignoff())
    assert "comms-signoff" in refusal(desk, session, media, Respond(Outcome.GRANTED))
    act(desk, session, media, CommsSignoff(by="Head of Communications"))
    assert media.events[-1].data == {"by": "Head of Communications"}
    assert "responded (granted)" in act(desk, session, media, Respond(Outcome.GRANTED))


def test_transfer_signposts_and_closes(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert "signposted to NHS England" in act(desk, session, case, Transfer("NHS England", "foi@england.nhs.uk"))
    assert case.status == CaseStatus.CLOSED and events(case)[-3:] == ["transferred", "closed", "notice_queued"]
    assert kinds(session, case) == ["transfer"] and case.decision == "transferred"


def test_an_internal_review_is_a_case_of_its_own_and_its_decision_closes_it(desk: Desk, session: Session,
                                                                            new_case: NewCase) -> None:
    case = new_case()
    act(desk, session, case, Respond(Outcome.GRANTED))
    done = desk.act(session, case, ReviewOpen(), LATER, "officer")
    review = find_case(session, done.opened or "")
    assert review is not None and review.kind == MessageKind.INTERNAL_REVIEW and review.status == CaseStatus.OPEN
    assert events(case)[-1] == EventType.REVIEW_OPENED and kinds(session, review) == ["review_acknowledgement"]
    assert "not an internal review" in refusal(desk, session, case, ReviewClose("upheld"))
    assert "outcome must be one of upheld, reversed" in refusal(desk, session, review, ReviewClose("maybe"))
    assert act(desk, session, review, ReviewClose("upheld")) == "internal review closed: upheld"
    assert review.status == CaseStatus.CLOSED and review.decision == "upheld"


def test_reopen_gives_an_open_undecided_case(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert refusal(desk, session, case, Reopen()) == f"{case.reference} is already open"
    act(desk, session, case, Respond(Outcome.GRANTED))
    act(desk, session, case, Reopen())
    session.flush()
    assert case.status == CaseStatus.OPEN and events(case)[-1] == EventType.REOPENED
    assert case.decision is None and case.completed_at is None and case.sent_at is None
    assert case.events[-1].data == {"was": "responded", "decision": "granted"}
    assert "responded (granted)" in act(desk, session, case, Respond(Outcome.GRANTED))


def test_notes_and_ico_communications(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert act(desk, session, case, Note("rang the requester")) == "note added"
    assert act(desk, session, case, Note("ICO letter", ico=True)) == "ICO communication recorded"
    assert events(case)[-2:] == ["note", "ico_communication"] and kinds(session, case) == []


def test_every_refusal_is_one_of_the_projects_own(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    for action in (Respond("yes"), Respond(Outcome.PART, ("reg 99",)), FeePaid(), Reopen()):
        with pytest.raises(Refused) as caught:
            desk.act(session, case, action, LATER, "officer")
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize("steps", [
    (Clarify(ask="Which sites?"),),
    (Fee(Decimal("10"), "copying"), FeePaid()),
    (Extend("pit", ("s43",)),),
    (Respond(Outcome.PART, ("s43",)), Reopen(), Respond(Outcome.GRANTED)),
    (Transfer("NHS England"), Reopen()),
    (Respond(Outcome.GRANTED), ReviewOpen()),
    (Note("a note"), Note("the ICO wrote", ico=True)),
], ids=lambda steps: "+".join(type(step).name for step in steps))
def test_an_action_writes_and_sends_only_what_its_class_says(desk: Desk, session: Session, new_case: NewCase,
                                                             steps: tuple[Action, ...]) -> None:
    case = new_case(flags=("media",))
    desk.act(session, case, CommsSignoff(), LATER, "officer")
    bookkeeping = {EventType.NOTICE_QUEUED, EventType.NOTICE_SUPPRESSED}
    for step in steps:
        before_events, before_notices = len(case.events), len(kinds(session))
        desk.act(session, case, step, LATER, "officer")
        session.flush()
        written = {e.type for e in case.events[before_events:]} - bookkeeping
        sent = set(kinds(session)[before_notices:])
        assert written and written <= set(step.writes), (step.name, written)
        assert sent <= set(step.sends), (step.name, sent)


def test_an_eir_case_cannot_take_a_public_interest_extension(desk: Desk, session: Session,
                                                              new_case: NewCase) -> None:
    case = new_case(regime="eir")
    assert "the EIR have no public interest extension" in refusal(
        desk, session, case, Extend("pit", ("reg 12(5)(e)",)))

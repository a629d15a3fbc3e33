"""What the desk does with what the intake hands it: a new case, or a requester's reply."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from classifier import Triage
from intake.vocabulary import CaseStatus, EventType, MessageKind, Regime
from responders.desk import Desk
from tests.unit.responders.conftest import NOW, NewCase, add_message, events, kinds


def test_a_valid_request_is_acknowledged_and_a_media_one_alerts_comms(desk: Desk, session: Session,
                                                                      new_case: NewCase) -> None:
    plain, media = new_case(), new_case(flags=("media",))
    assert desk.opened(session, plain, Triage(valid=True), NOW) == 1
    assert desk.opened(session, media, Triage(valid=True, media=True, media_outlet="The Gazette"), NOW) == 2
    assert kinds(session, plain) == ["acknowledgement"]
    assert kinds(session, media) == ["acknowledgement", "media_alert"]


def test_each_kind_of_case_gets_its_own_notice(desk: Desk, session: Session, new_case: NewCase) -> None:
    sar, reuse = new_case(regime=Regime.SAR), new_case(kind=MessageKind.REUSE_REQUEST)
    review = new_case(kind=MessageKind.INTERNAL_REVIEW)
    for case in (sar, reuse, review):
        assert desk.opened(session, case, Triage(), NOW) == 1
    assert (kinds(session, sar), kinds(session, reuse), kinds(session, review)) == (
        ["sar_notice"], ["reuse_acknowledgement"], ["review_acknowledgement"])


def test_an_invalid_request_is_asked_for_what_it_lacks_from_receipt(desk: Desk, session: Session,
                                                                     new_case: NewCase) -> None:
    case = new_case(missing=("name",))
    assert desk.opened(session, case, Triage(valid=False, missing=["name"]), NOW + timedelta(hours=1)) == 1
    assert case.status == CaseStatus.AWAITING_CLARIFICATION and kinds(session, case) == ["clarification"]
    asked = next(e for e in case.events if e.type == EventType.CLARIFICATION_REQUESTED)
    assert asked.at == NOW and asked.actor == "foi-intake" and asked.data["missing"] == ["name"]


def test_a_reply_that_completes_the_request_restarts_it(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(missing=("name",), email="anon@example.org")
    desk.opened(session, case, Triage(valid=False, missing=["name"]), NOW)
    reply = add_message(session, case, message_id="<reply@x>", at=NOW + timedelta(days=1))
    recorded = desk.reply_received(session, case, reply, Triage(kind=MessageKind.CLARIFICATION_REPLY,
                                                                name="Jo Bloggs"), NOW + timedelta(days=1))
    assert recorded == EventType.CLARIFICATION_RECEIVED and case.status == CaseStatus.OPEN
    assert case.valid and case.missing == [] and case.requester_name == "Jo Bloggs"
    assert kinds(session, case) == ["clarification", "acknowledgement"]


def test_a_reply_that_leaves_parts_missing_keeps_waiting(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(missing=("name", "description"))
    desk.opened(session, case, Triage(valid=False, missing=["name", "description"]), NOW)
    reply = add_message(session, case, message_id="<reply@x>")
    desk.reply_received(session, case, reply, Triage(kind=MessageKind.CLARIFICATION_REPLY, name="Jo Bloggs",
                                                     description=False), NOW)
    assert case.status == CaseStatus.AWAITING_CLARIFICATION and case.missing == ["description"]
    assert case.events[-2].data["complete"] is False and events(case)[-1] == EventType.NOTE
    assert kinds(session, case) == ["clarification"]


def test_other_correspondence_is_filed_on_the_case(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    message = add_message(session, case, message_id="<chaser@x>")
    assert desk.reply_received(session, case, message, Triage(kind=MessageKind.GENERAL_ENQUIRY), NOW) == \
        EventType.CORRESPONDENCE_RECEIVED
    assert case.status == CaseStatus.OPEN and kinds(session, case) == []

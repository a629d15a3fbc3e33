"""Queue routing: the folder each message is filed in, the first rule that fits winning."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.vocabulary import MessageKind, MessageStatus, Regime
from responders.desk import Clarify, Desk
from responders.routing import queue_name
from tests.unit.responders.conftest import NOW, NewCase, add_message


@pytest.mark.parametrize(("case_kwargs", "status", "expected"), [
    ({}, MessageStatus.PROCESSED, "new"),
    ({"regime": Regime.EIR}, MessageStatus.PROCESSED, "eir"),
    ({"regime": Regime.FOI_EIR}, MessageStatus.PROCESSED, "eir"),
    ({"regime": Regime.SAR}, MessageStatus.PROCESSED, "subject_access"),
    ({"flags": ("media",)}, MessageStatus.PROCESSED, "media"),
    ({"flags": ("media",), "regime": Regime.SAR}, MessageStatus.PROCESSED, "subject_access"),
    ({"kind": MessageKind.INTERNAL_REVIEW, "flags": ("media",)}, MessageStatus.PROCESSED, "internal_review"),
    ({}, MessageStatus.NEEDS_PERSON, "needs_person"),
    ({}, MessageStatus.IGNORED, "not_foi"),
])
def test_a_message_on_a_case_is_filed_by_the_case(session: Session, new_case: NewCase, case_kwargs: dict[str, object],
                                                  status: str, expected: str) -> None:
    case = new_case(**case_kwargs)
    assert queue_name(case, add_message(session, case, message_id=f"<{expected}@x>", status=status)) == expected


def test_a_message_without_a_case_is_not_foi_unless_a_person_must_look(session: Session) -> None:
    assert queue_name(None, add_message(session, None, message_id="<a@x>")) == "not_foi"
    assert queue_name(None, add_message(session, None, message_id="<b@x>", status=MessageStatus.NEEDS_PERSON)) == \
        "needs_person"


def test_clarifications_wait_together(settings: Settings, session: Session, new_case: NewCase) -> None:
    waiting = new_case()
    Desk(settings).act(session, waiting, Clarify(ask="Which sites?"), NOW, "officer")
    assert queue_name(waiting, add_message(session, waiting, message_id="<w@x>")) == "awaiting_clarification"
    reply = add_message(session, waiting, message_id="<r@x>", triage={"kind": MessageKind.CLARIFICATION_REPLY})
    assert queue_name(waiting, reply) == "awaiting_clarification"


def test_a_reply_on_an_open_case_goes_where_its_case_is(session: Session, new_case: NewCase) -> None:
    # Issue 9 item 7: the case's state decides, not the message's kind ("thanks" is not a clarification).
    answered = new_case()
    reply = add_message(session, answered, message_id="<r@x>", triage={"kind": MessageKind.CLARIFICATION_REPLY})
    assert queue_name(answered, reply) == "new"


def test_every_queue_has_a_configured_folder(settings: Settings) -> None:
    assert {"new", "eir", "subject_access", "media", "internal_review", "not_foi", "needs_person",
            "awaiting_clarification"} <= set(settings.queues.folders)

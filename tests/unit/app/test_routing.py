"""The pass routes each classified message: a case, a reply on its case, a queue, or a person.

The classifier is a stand-in that returns a chosen Triage, so what is tested is the routing alone;
the Maildir, SQLite and file outbox are the real embedded default.
"""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier import Triage
from intake.app import App, build
from intake.caselog import Case, Message
from intake.cli import demo_settings
from intake.mailbox import ParsedMessage
from intake.vocabulary import CaseStatus, EventType, MessageKind, MessageStatus
from tests.mail import request


class ScriptedClassifier:
    """Returns the Triage chosen for each subject line."""

    def __init__(self) -> None:
        self.by_subject: dict[str, Callable[[ParsedMessage], Triage]] = {}

    def classify(self, parsed: ParsedMessage) -> Triage:
        return self.by_subject[parsed.subject](parsed)


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def deliver(app: App, subject: str, triage: Callable[[ParsedMessage], Triage], **kwargs: object) -> None:
    app.intake.classifier.by_subject[subject] = triage  # type: ignore[attr-defined]
    box = mailbox.Maildir(app.settings.mailbox.path, create=True)
    box.add(request(subject=subject, **kwargs))  # type: ignore[arg-type]


def valid_request(parsed: ParsedMessage) -> Triage:
    return Triage(kind=MessageKind.FOI_REQUEST, regime="foi", name="Priya Natarajan", address=parsed.from_address,
                  valid=True, questions=["Waiting times"])


def messages(app: App) -> list[Message]:
    with app.sessions() as s:
        return list(s.scalars(select(Message).order_by(Message.id)))


def cases(app: App) -> list[Case]:
    with app.sessions() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def test_a_request_opens_a_case_with_its_first_event(app: App) -> None:
    deliver(app, "Waiting times", valid_request)
    report = app.intake.poll_once()
    [case] = cases(app)
    assert report.cases_opened == [case.reference] and case.status == CaseStatus.OPEN
    assert [m.status for m in messages(app)] == [MessageStatus.PROCESSED]


@pytest.mark.parametrize("kind", [MessageKind.AUTO_REPLY, MessageKind.BOUNCE])
def test_machine_mail_is_filed_and_opens_nothing(app: App, kind: MessageKind) -> None:
    deliver(app, "Out of office", lambda p: Triage(kind=kind, regime=None))
    report = app.intake.poll_once()
    assert report.ignored == 1 and report.notices_queued == 0 and cases(app) == []
    assert [m.status for m in messages(app)] == [MessageStatus.IGNORED]


def test_a_general_enquiry_is_routine_business_without_a_case(app: App) -> None:
    deliver(app, "Parking", lambda p: Triage(kind=MessageKind.GENERAL_ENQUIRY, regime=None))
    app.intake.poll_once()
    assert cases(app) == [] and [m.status for m in messages(app)] == [MessageStatus.PROCESSED]


def test_a_clarification_for_no_known_case_waits_for_a_person(app: App) -> None:
    deliver(app, "Re: your question", lambda p: Triage(kind=MessageKind.CLARIFICATION_REPLY, regime=None))
    report = app.intake.poll_once()
    [msg] = messages(app)
    assert report.needs_person == 1 and msg.status == MessageStatus.NEEDS_PERSON
    assert msg.problem == "a reply to a case we cannot find" and cases(app) == []


def test_a_reply_quoting_our_reference_attaches_to_that_case(app: App) -> None:
    deliver(app, "Waiting times", valid_request)
    app.intake.poll_once()
    [case] = cases(app)
    deliver(app, "Thanks", lambda p: Triage(kind=MessageKind.GENERAL_ENQUIRY, regime=None, reference=case.reference))
    report = app.intake.poll_once()
    assert report.attached == 1 and report.cases_opened == [] and len(cases(app)) == 1
    with app.sessions() as s:
        again = s.get(Case, case.id)
        assert again is not None
        assert [e.type for e in again.events][-1] == EventType.CORRESPONDENCE_RECEIVED


def test_an_internal_review_quoting_a_case_opens_its_own_case_linked_to_it(app: App) -> None:
    deliver(app, "Waiting times", valid_request)
    app.intake.poll_once()
    [original] = cases(app)
    deliver(app, "Internal review", lambda p: Triage(kind=MessageKind.INTERNAL_REVIEW, regime="foi",
                                                      reference=original.reference, valid=True))
    app.intake.poll_once()
    review = cases(app)[1]
    with app.sessions() as s:
        received = s.get(Case, review.id).events[0]  # type: ignore[union-attr]
    assert review.kind == MessageKind.INTERNAL_REVIEW and received.data["review_of"] == original.reference


def test_a_message_the_classifier_chokes_on_is_set_aside_and_the_rest_go_on(app: App) -> None:
    def boom(parsed: ParsedMessage) -> Triage:
        raise RuntimeError("model fault")

    deliver(app, "Poison", boom)
    deliver(app, "Waiting times", valid_request)
    report = app.intake.poll_once()
    by_subject = {m.subject: m for m in messages(app)}
    assert by_subject["Poison"].status == MessageStatus.NEEDS_PERSON
    assert by_subject["Poison"].problem == "internal error: RuntimeError"
    assert len(report.cases_opened) == 1


def test_a_subject_access_request_is_numbered_apart_from_foi_requests(app: App) -> None:
    deliver(app, "Waiting times", valid_request)
    deliver(app, "My records", lambda p: Triage(kind=MessageKind.FOI_REQUEST, regime="sar", name="Priya Natarajan",
                                                 address=p.from_address, valid=True, subject_access=True))
    deliver(app, "Agency spend", valid_request)
    app.intake.poll_once()
    assert sorted(c.reference for c in cases(app)) == ["FOI-2026-00001", "FOI-2026-00002", "SAR-2026-00001"]

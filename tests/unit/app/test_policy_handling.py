"""The intake obeys the decision policy (issue 10 item 2): what the policy leaves for a person gets no notice, or
only a plain acknowledgement; never a clarification, never FOI wording to a doubtful subject access request, never a
reply to machine mail. The embedded default (Maildir, SQLite, file outbox), as in test_routing."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier import Triage
from intake.app import App, build
from intake.caselog import Case, Notice
from intake.cli import demo_settings
from intake.mailbox import ParsedMessage
from intake.vocabulary import CaseStatus, EventType, Handling, MessageKind, MessageStatus
from tests.mail import request
from tests.unit.app.test_routing import ScriptedClassifier, cases, deliver, messages


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def notices(app: App) -> list[str]:
    with app.sessions() as s:
        return [n.kind for n in s.scalars(select(Notice).order_by(Notice.id))]


def test_left_for_a_person_nothing_is_sent_and_no_case_opened(app: App) -> None:
    def doubtful_sar(parsed: ParsedMessage) -> Triage:
        return Triage(kind=MessageKind.FOI_REQUEST, regime="foi", name="Priya Natarajan", address=parsed.from_address,
                      valid=True, handling=Handling.PERSON, person_reasons=["not a subject access request, doubtfully"])

    deliver(app, "My file", doubtful_sar)
    deliver(app, "Re: Waiting times", lambda p: Triage(kind=MessageKind.AUTO_REPLY, regime=None,
                                                       handling=Handling.PERSON, person_reasons=["looks automatic"]))
    report = app.intake.poll_once()
    assert cases(app) == [] and notices(app) == [] and report.needs_person == 2
    assert sorted(m.problem or "" for m in messages(app)) == ["looks automatic",
                                                              "not a subject access request, doubtfully"]
    assert {m.status for m in messages(app)} == {MessageStatus.NEEDS_PERSON}


def test_a_doubtful_name_is_acknowledged_never_clarified_and_a_person_checks(app: App) -> None:
    def doubtful_name(parsed: ParsedMessage) -> Triage:
        return Triage(kind=MessageKind.FOI_REQUEST, regime="foi", address=parsed.from_address, valid=False,
                      missing=["name"], handling=Handling.ACKNOWLEDGE,
                      person_reasons=["the name is doubtful, not certainly missing"])

    deliver(app, "Parking income", doubtful_name, sender="gaz1987@example.org")
    app.intake.poll_once()
    [case] = cases(app)
    [msg] = messages(app)
    assert notices(app) == ["acknowledgement"] and case.status == CaseStatus.OPEN  # the clock runs
    assert msg.status == MessageStatus.NEEDS_PERSON and msg.case_id == case.id
    with app.sessions() as s:
        note = [e.data["text"] for e in s.get(Case, case.id).events if e.type == EventType.NOTE]  # type: ignore[union-attr]
    assert note == ["left for a person: the name is doubtful, not certainly missing"]


def test_a_certainly_nameless_request_is_still_asked_for_its_name(app: App) -> None:
    deliver(app, "Parking income", lambda p: Triage(kind=MessageKind.FOI_REQUEST, regime="foi", address=p.from_address,
                                                    valid=False, missing=["name"]))
    app.intake.poll_once()
    [case] = cases(app)
    assert notices(app) == ["clarification"] and case.status == CaseStatus.AWAITING_CLARIFICATION


def test_the_real_classifier_files_another_bodys_acknowledgement_unanswered(tmp_path: Path) -> None:
    app = build(demo_settings(tmp_path), create=True)
    body = ("Dear Sir/Madam,\n\nThank you for your email requesting information from the Trust.\n\nYour request is "
            "being dealt with under the Freedom of Information Act 2000 and will be answered within twenty working "
            "days.\n\nYours faithfully\n\nFOI Officer\n")
    mailbox.Maildir(app.settings.mailbox.path, create=True).add(
        request(sender="FOI <foi@trust.example.org>", subject="Your request", body=body))
    app.intake.poll_once()
    assert cases(app) == [] and notices(app) == []
    [msg] = messages(app)
    assert msg.status in (MessageStatus.IGNORED, MessageStatus.NEEDS_PERSON)
    assert msg.triage is not None and msg.triage["kind"] == "auto_reply"


def test_an_answer_to_our_clarification_request_is_its_case_answer_however_doubtful(app: App) -> None:
    deliver(app, "Parking income", lambda p: Triage(kind=MessageKind.FOI_REQUEST, regime="foi", address=p.from_address,
                                                    valid=False, missing=["name"]))
    app.intake.poll_once()
    [case] = cases(app)
    deliver(app, "Re: Parking income", lambda p: Triage(
        kind=MessageKind.FOI_REQUEST, regime="foi", name="Jordan Blake", address=p.from_address, valid=True,
        reference=case.reference, handling=Handling.PERSON, person_reasons=["kind foi_request is doubtful"]))
    deliver(app, "Re: Waiting", lambda p: Triage(
        kind=MessageKind.FOI_REQUEST, regime="foi", name="Jordan Blake", address=p.from_address, valid=True,
        handling=Handling.PERSON, person_reasons=["kind foi_request is doubtful"]))
    report = app.intake.poll_once()
    assert report.attached == 1 and report.cases_opened == [] and report.needs_person == 1
    [again] = cases(app)
    assert again.status == CaseStatus.OPEN and again.requester_name == "Jordan Blake"  # s.1(3): the clock restarts
    assert notices(app) == ["clarification", "acknowledgement"]

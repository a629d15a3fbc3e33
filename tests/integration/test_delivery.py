"""Issue 9 items 4, 6 and 7 against a real Dovecot and a real SMTP server: a pausing notice that did not go,
a busy person's six requests, and messages that follow their case from folder to folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from intake.caselog import Case, Message, Notice, NoticeStatus, utcnow
from intake.caselog.views import case_clock, case_json
from intake.vocabulary import CaseStatus, EventType, NoticePurpose
from responders.desk import Clarify
from tests.conftest import DSP, settings_for, write_config
from tests.integration.test_responders_journeys import act, folders, text, to
from tests.mail import request

PRIYA = "priya@example.org"
TOPICS = ("ambulance handover delays", "agency nursing spend", "mental health beds", "GP appointments",
          "interpreting services", "car parking income")


def test_a_held_clarification_notice_leaves_the_clock_running_until_it_is_sent(tmp_path, mailbox, smtp,
                                                                               make_app):
    settings = settings_for(tmp_path, mailbox, smtp, smtp={"max_attempts": 1})
    smtp.stop()
    mailbox.append(request(sender="bluebird1987@example.com", body="how much was spent on taxis in 2025?\n"),
                   when=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    app = make_app(settings)
    app.poll_and_flush()
    with app.sessions() as s:
        case = s.scalar(select(Case))
        assert case.status == CaseStatus.AWAITING_CLARIFICATION  # what was decided stays in the audit trail
        assert case_clock(case, settings).state == "running"  # but the requester was never asked
        assert [e.data["notice"] for e in case.events if e.type == EventType.NOTICE_HELD] == ["clarification"]
        note = case_json(case, settings)["clock_note"]
        assert "clarification_requested of 16 Nov 2026: its notice is held" in note and "keeps running" in note
        reference = case.reference

    smtp.start()
    app.daily()
    [digest] = to(smtp, DSP)
    body = " ".join(text(digest).split())
    assert "DELIVERY PROBLEMS (1)" in body and f"{reference}" in body.split("New cases")[0]
    assert "clarification notice held" in body and "the clock keeps running until it is sent" in body

    with app.sessions() as s:  # what `foi-intake outbox retry ID` does
        notice = s.scalar(select(Notice).where(Notice.kind == NoticePurpose.CLARIFICATION))
        notice.status, notice.attempts, notice.next_attempt_at = NoticeStatus.PENDING, 0, utcnow()
        s.commit()
    assert app.outbox.flush().sent == 1
    with app.sessions() as s:
        case = s.scalar(select(Case))
        assert case_clock(case, settings).state == "stopped" and case_json(case, settings)["clock_note"] is None


def test_six_requests_from_one_person_in_a_day_get_six_acknowledgements(mailbox, smtp, make_app):
    for topic in TOPICS:
        mailbox.append(request(subject=f"FOI request: {topic}",
                               body=f"Dear FOI team,\n\nPlease tell me about {topic} in 2025.\n\nPriya Natarajan\n"))
    app = make_app()
    report, _ = app.poll_and_flush()
    assert len(report.cases_opened) == 6
    assert len(to(smtp, PRIYA)) == 6  # a busy person is not a robot
    with app.sessions() as s:
        cases = s.scalars(select(Case).order_by(Case.id)).all()
        flagged = [[e.data for e in c.events if e.type == EventType.POSSIBLY_RELATED] for c in cases]
        assert not any(e.type == EventType.NOTICE_SUPPRESSED for c in cases for e in c.events)
    # Six different questions: nothing alike to aggregate (Fees Regs reg 5); the sixth in a day is past the notice
    # limit, so a person is asked to look at the sender's requests together.
    assert flagged[:5] == [[]] * 5
    [sixth] = flagged[5]
    assert sixth["related_to"] == [] and sixth["flood"] == 6 and sixth["count"] == 5
    app.daily()
    [digest] = to(smtp, DSP)
    assert "one of 6 requests from this sender within 24 hours" in " ".join(text(digest).split())


def test_messages_are_filed_in_their_case_folder_and_follow_the_case(mailbox, smtp, make_app):
    mailbox.append(request(msgid="<request@example.org>"))
    app = make_app()
    app.poll_and_flush()
    [ack] = smtp.messages
    mailbox.append(request(subject=ack.message["Subject"], msgid="<thanks@example.org>",
                           headers={"In-Reply-To": ack.message["Message-ID"]},
                           body="Thank you for the acknowledgement.\n\nPriya Natarajan\n"))
    app.poll_and_flush()
    assert folders(mailbox)["FOI.New"] == 2  # a thank-you on an open case stays with its case
    assert "FOI.Awaiting clarification" not in folders(mailbox)

    with app.sessions() as s:
        case = s.scalar(select(Case))
        app.intake.desk.act(s, case, Clarify(ask="Which hospital sites do you mean?"), utcnow(), "officer")
        s.commit()
    report, _ = app.poll_and_flush()
    assert report.refiled == 2
    counts = folders(mailbox)
    assert counts["FOI.Awaiting clarification"] == 2 and counts["FOI.New"] == 0

    clarification = to(smtp, PRIYA)[-1]
    mailbox.append(request(subject=clarification.message["Subject"], msgid="<answer@example.org>",
                           headers={"In-Reply-To": clarification.message["Message-ID"]},
                           body="I mean all three acute sites.\n\nPriya Natarajan\n"))
    report, _ = app.poll_and_flush()
    with app.sessions() as s:
        assert s.scalar(select(Case)).status == CaseStatus.OPEN
        assert {m.filed_in for m in s.scalars(select(Message))} == {"FOI/New"}
    counts = folders(mailbox)
    assert counts["FOI.New"] == 3 and counts["FOI.Awaiting clarification"] == 0 and report.refiled == 2


def test_status_lists_a_suppressed_notice_and_the_clock_it_left_running(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    # A nameless request whose only address is the DSP team's: its clarification is never sent to our own team.
    mailbox.append(request(sender=DSP, body="how much was spent on taxis in 2025?\n"))
    assert act(config, "poll", "--once") == 0
    capsys.readouterr()
    assert act(config, "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert [p["problem"] for p in status["delivery"]] == ["suppressed", "clock_running"]
    assert "organisation's own team" in status["delivery"][0]["note"]
    assert act(config, "status") == 0
    assert "suppressed: FOI-2026-00001: clarification notice not sent" in capsys.readouterr().out

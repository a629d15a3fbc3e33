"""The classifier inside the spine, against Dovecot and aiosmtpd: replies find their case, routes hold."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from intake.caselog import Case, Message, MessageStatus
from tests.conftest import FOI
from tests.mail import request

NAMELESS = "how much did the ICB spend on management consultants in 2025?\n"


def cases(app) -> list[Case]:
    with app.sessions() as s:
        return list(s.scalars(select(Case).order_by(Case.id)))


def case_events(app, reference: str) -> list[str]:
    """The case's events, leaving out the notice bookkeeping."""
    with app.sessions() as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        return [e.type for e in case.events if e.type != "notice_queued"]


def test_reasons_are_stored_on_the_case_and_the_message(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.poll_and_flush()
    [case] = cases(app)
    assert {r["rule"] for r in case.reasons} >= {"requester_name", "validity"}
    with app.sessions() as s:
        triage = s.scalar(select(Message)).triage
    assert triage["kind"] == "foi_request" and triage["valid"] is True


def test_clarification_by_reference_attaches_and_opens_no_case(mailbox, smtp, make_app):
    mailbox.append(request(sender="bluebird1987@example.com", body=NAMELESS, msgid="<q@example.com>"))
    app = make_app()
    app.poll_and_flush()
    [case] = cases(app)
    assert case.status == "awaiting_clarification" and case.missing == ["name"]
    assert [m.rcpt_tos for m in smtp.messages] == [["bluebird1987@example.com"]]  # the clarification notice

    mailbox.append(request(sender="bluebird1987@example.com", subject=f"Re: [{case.reference}] info",
                           headers={"In-Reply-To": "<q@example.com>"},
                           body="My full name is Jordan Blake.\n\nJordan Blake\n"))
    report, _ = app.poll_and_flush()
    assert report.attached == 1 and report.cases_opened == []
    assert len(cases(app)) == 1
    assert case_events(app, case.reference) == ["received", "clarification_requested", "clarification_received"]


def test_reply_to_our_acknowledgement_attaches_by_in_reply_to(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.poll_and_flush()
    ack_id = smtp.messages[0].message["Message-ID"]
    # No reference in the subject: only the header ties it to the case.
    mailbox.append(request(subject="Re: Waiting times", headers={"In-Reply-To": ack_id, "References": ack_id},
                           body="Thanks, got it.\n\nPriya Natarajan\n"))
    report, flushed = app.poll_and_flush()
    assert report.attached == 1 and report.cases_opened == [] and flushed.sent == 0
    [case] = cases(app)
    assert case_events(app, case.reference) == ["received", "correspondence_received"]


def test_clarification_from_the_same_sender_finds_the_case_waiting_for_it(mailbox, smtp, make_app):
    mailbox.append(request(sender="bluebird1987@example.com", body=NAMELESS))
    app = make_app()
    app.poll_and_flush()
    mailbox.append(request(sender="bluebird1987@example.com", subject="my request",
                           body="By way of clarification: I mean the financial year 2024/25.\n\nJordan Blake\n"))
    report, _ = app.poll_and_flush()
    assert report.attached == 1 and len(cases(app)) == 1


def test_clarification_with_no_case_goes_to_a_person(mailbox, smtp, make_app):
    mailbox.append(request(subject="Re: [FOI-2020-00001] old", headers={"In-Reply-To": "<gone@x>"},
                           body="To clarify, I meant 2019.\n\nPriya Natarajan\n"))
    app = make_app()
    report, _ = app.poll_and_flush()
    assert report.needs_person == 1 and cases(app) == []
    with app.sessions() as s:
        assert s.scalar(select(Message)).status == MessageStatus.NEEDS_PERSON


def test_subject_access_opens_a_sar_case_without_an_foi_acknowledgement(mailbox, smtp, make_app):
    mailbox.append(request(body="Please send me a copy of all the information you hold about me.\n\n"
                                "Priya Natarajan\n", when=datetime(2026, 1, 31, 10, 0, tzinfo=UTC)))
    app = make_app()
    app.poll_and_flush()
    [case] = cases(app)
    assert case.regime == "sar" and "subject_access" in case.flags
    [notice] = smtp.messages  # the SAR route has its own notice, never the FOI acknowledgement
    assert "Freedom of Information Act" not in notice.message.get_body(("plain",)).get_content()


def test_forwarded_request_runs_from_the_original_date(mailbox, smtp, make_app):
    body = ("Hi FOI, this came to PALS last week.\n\nSally\n\n-----Original Message-----\n"
            "From: Howard Bellingham <howard@example.net>\nSent: 12 March 2026 08:57\n"
            "To: PALS <pals@example-icb.nhs.uk>\nSubject: MIU closures\n\n"
            "How many times has the Eastgate MIU closed at short notice since January 2025?\n\n"
            "Howard Bellingham\n")
    mailbox.append(request(sender="Sally Brennan <sally.brennan@example-icb.nhs.uk>", subject="FW: MIU closures",
                           body=body), when=datetime(2026, 3, 19, 9, 0, tzinfo=UTC))
    app = make_app()
    app.poll_and_flush()
    [case] = cases(app)
    assert case.initial_received_at.date().isoformat() == "2026-03-12"  # received by the body (5.10)
    assert case.received_at.date().isoformat() == "2026-03-19"  # received by the DSP team
    assert case.requester_email == "howard@example.net" and "forwarded" in case.flags
    [ack] = smtp.messages
    assert ack.rcpt_tos == ["howard@example.net"]
    # Day 0 Thu 12 Mar; 17 Mar (NI) skipped; 3 Apr Good Friday and 6 Apr Easter Monday skipped:
    # 13,16,18,19,20 (5), 23-27 (10), 30,31,1,2 (14), 7,8,9,10 (18), 13 (19), 14 Apr (20).
    assert "Tuesday 14 April 2026" in ack.message.get_body(("plain",)).get_content()


def test_internal_review_opens_a_review_case_linked_to_the_original(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.poll_and_flush()
    [original] = cases(app)
    mailbox.append(request(subject=f"Internal review - {original.reference}",
                           body="I am not satisfied with your response and ask for an internal review.\n\n"
                                "Priya Natarajan\n"))
    report, _ = app.poll_and_flush()
    review = cases(app)[-1]
    assert review.kind == "internal_review" and report.cases_opened == [review.reference]
    with app.sessions() as s:
        event = s.scalar(select(Case).where(Case.id == review.id)).events[0]
        assert event.data["review_of"] == original.reference
        assert s.scalar(select(func.count()).select_from(Case)) == 2


def test_a_new_request_in_a_reply_opens_a_new_case_linked_to_the_old(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.poll_and_flush()
    [first] = cases(app)
    mailbox.append(request(subject=f"Re: [{first.reference}] Waiting times",
                           body="Thanks for this. Could you also tell me how many patients waited over 52 weeks?"
                                "\n\nPriya Natarajan\n"))
    report, _ = app.poll_and_flush()
    second = cases(app)[-1]
    assert report.cases_opened == [second.reference] and second.reference != first.reference
    with app.sessions() as s:
        assert s.get(Case, second.id).events[0].data["related_to"] == first.reference


def test_a_bounced_notice_is_recorded_on_its_case(mailbox, smtp, make_app):
    mailbox.append(request(sender="Priya Natarajan <priya@nowhere.example>"))
    app = make_app()
    app.poll_and_flush()
    ack = smtp.messages[0].message
    bounce = (b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nTo: " + FOI.encode() +
              b"\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.example.org>\r\n"
              b"Content-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n"
              b"Message-ID: " + ack["Message-ID"].encode() + b"\r\n")
    mailbox.append(bounce)
    report, flushed = app.poll_and_flush()
    assert report.ignored == 1 and flushed.sent == 0  # never answered
    [case] = cases(app)
    assert "notice_bounced" in case_events(app, case.reference)


def test_a_restated_request_answering_our_clarification_attaches_to_its_case(mailbox, smtp, make_app):
    mailbox.append(request(sender="bluebird1987@example.com", body=NAMELESS))
    app = make_app()
    app.poll_and_flush()
    notice = smtp.messages[0].message
    mailbox.append(request(sender="bluebird1987@example.com", subject="consultants",
                           headers={"In-Reply-To": notice["Message-ID"]},
                           body="Please provide the ICB's spend on management consultants in 2025.\n\n"
                                "Kind regards,\nJordan Blake\n"))
    report, _ = app.poll_and_flush()
    assert report.cases_opened == [] and report.attached == 1
    [case] = cases(app)
    assert case.status == "open" and case.requester_name == "Jordan Blake"

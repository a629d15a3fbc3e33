"""Issue 11: who we answer, who may change a case, loops and floods — through the whole pass on the embedded
default (Maildir, SQLite, file outbox), as `foi-intake poll --once` runs it."""

from __future__ import annotations

import mailbox
import os
import re
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from config.settings import load
from intake import cli
from intake.app import App, build
from intake.caselog import Case, Message, Notice
from intake.vocabulary import CaseStatus, EventType, MessageStatus, NoticeStatus
from tests.conftest import ARRIVED, DSP, write_maildir_config
from tests.mail import request

MX = "mx.example-icb.nhs.uk"
NAMELESS = "how much did the ICB spend on management consultants in 2025?\n"


class Box:
    """The embedded default in a temporary directory: deliver mail, poll, read what was sent."""

    def __init__(self, tmp: Path, extra: str = "") -> None:
        self.tmp = tmp
        self.config = write_maildir_config(tmp, extra)
        self.app: App = build(load(self.config), create=True)
        self.maildir = mailbox.Maildir(tmp / "mail")

    def deliver(self, raw: bytes) -> None:
        key = self.maildir.add(raw)
        stamp = ARRIVED.timestamp()  # a fixed arrival, so references and due dates do not depend on today
        os.utime(self.tmp / "mail" / "new" / key, (stamp, stamp))

    def poll(self) -> None:
        self.app.poll_and_flush()

    def sent(self) -> list[EmailMessage]:
        return [message_from_bytes(p.read_bytes(), _class=EmailMessage, policy=default)
                for p in sorted((self.tmp / "sent").glob("*.eml"))]

    def sent_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.sent() if address in str(m["To"])]

    def cases(self) -> list[Case]:
        with self.app.sessions() as s:
            found = list(s.scalars(select(Case).order_by(Case.id)))
            for case in found:
                _ = case.events, case.notices, case.messages
            return found

    def messages(self) -> list[Message]:
        with self.app.sessions() as s:
            return list(s.scalars(select(Message).order_by(Message.id)))


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    b = Box(tmp_path)
    yield b
    b.app.close()


@pytest.fixture
def checked_box(tmp_path: Path) -> Iterator[Box]:
    """The organisation's mail server writes Authentication-Results as mx.example-icb.nhs.uk."""
    b = Box(tmp_path, f'[security]\nauthserv_id = "{MX}"\n')
    yield b
    b.app.close()


def types(case: Case) -> list[str]:
    return [e.type for e in case.events if e.type != EventType.NOTICE_QUEUED]


def staff_forward(sent: str, *, headers: dict[str, str] | None = None) -> bytes:
    body = ("Hi FOI, this came to PALS.\n\nSally\n\n-----Original Message-----\n"
            f"From: Howard Bellingham <howard@example.net>\nSent: {sent}\n"
            "To: PALS <pals@example-icb.nhs.uk>\nSubject: MIU closures\n\n"
            "How many times has the Eastgate MIU closed at short notice since January 2025?\n\n"
            "Howard Bellingham\n")
    return request(sender="Sally Brennan <sally.brennan@example-icb.nhs.uk>", subject="FW: MIU closures",
                   body=body, headers=headers)


# -- who we answer (issue 11 item 6) ------------------------------------------------------------------------------

def test_a_reply_to_in_another_domain_or_ours_is_not_answered(box: Box) -> None:
    box.deliver(request(headers={"Reply-To": "someone@evil.example"}))
    box.deliver(request(subject="Agency spend", headers={"Reply-To": DSP},
                        body="Please tell me the ICB's agency nursing spend in 2025.\n\nPriya Natarajan\n"))
    box.deliver(request(subject="Parking", headers={"Reply-To": "p.natarajan@mail.example.org"},
                        body="Please tell me the car parking income in 2025.\n\nPriya Natarajan\n"))
    box.poll()
    assert sorted(str(m["To"]) for m in box.sent()) == ["p.natarajan@mail.example.org", "priya@example.org",
                                                        "priya@example.org"]
    by_subject = {c.description.split(";")[0] if c.description else "": c for c in box.cases()}
    answered = {subject: case.requester_email for subject, case in by_subject.items()}
    assert answered == {"Waiting times": "priya@example.org", "Agency spend": "priya@example.org",
                        "Parking": "p.natarajan@mail.example.org"}

    def noted(subject: str) -> list[str]:
        return [r["evidence"] for r in by_subject[subject].reasons if r.get("decision") == "Reply-To not used"]
    assert noted("Waiting times") == [
        "Reply-To domain evil.example is not the sender's (example.org): answered at From"]
    assert noted("Agency spend") == ["Reply-To is the organisation's own (example-icb.nhs.uk): answered at From"]
    assert noted("Parking") == []


def test_a_forged_staff_forward_dated_2020_goes_to_a_person_and_backdates_nothing(box: Box) -> None:
    box.deliver(staff_forward("2 January 2020 08:57"))
    box.poll()
    assert box.cases() == [] and box.sent() == []  # no FOI-2020-00001, nothing to the person it names
    [msg] = box.messages()
    assert msg.status == MessageStatus.NEEDS_PERSON
    assert msg.problem is not None and "dated 2020-01-02, more than 20 working days" in msg.problem


def test_a_recent_staff_forward_still_runs_from_its_original_date(box: Box) -> None:
    box.deliver(staff_forward("12 November 2026 08:57"))  # authserv_id not configured: as before issue 11
    box.poll()
    [case] = box.cases()
    assert case.initial_received_at.date().isoformat() == "2026-11-12"
    assert [str(m["To"]) for m in box.sent()] == ["howard@example.net"]


def test_mail_failing_dmarc_goes_to_a_person_without_a_notice(checked_box: Box) -> None:
    checked_box.deliver(request(headers={"Authentication-Results": f"{MX}; spf=fail smtp.mailfrom=example.org; "
                                                                   "dmarc=fail (p=reject) header.from=example.org"}))
    checked_box.poll()
    assert checked_box.cases() == [] and checked_box.sent() == []
    [msg] = checked_box.messages()
    assert msg.status == MessageStatus.NEEDS_PERSON and "DMARC failed" in (msg.problem or "")


def test_a_staff_forward_counts_only_from_an_authenticated_sender(checked_box: Box) -> None:
    # Our server checked no DMARC; the pass for our server below another server's field came with the mail.
    forged = staff_forward("12 November 2026 08:57", headers={"X-Placeholder": "1"}).replace(
        b"X-Placeholder: 1", f"Authentication-Results: {MX}; spf=none smtp.mailfrom=example-icb.nhs.uk\r\n"
                             "Authentication-Results: relay.example; none\r\n"
                             f"Authentication-Results: {MX}; dmarc=pass header.from=example-icb.nhs.uk".encode())
    checked_box.deliver(forged)
    checked_box.poll()
    assert checked_box.cases() == [] and checked_box.sent() == []
    [msg] = checked_box.messages()
    assert "a staff forward from a sender not authenticated (mx.example-icb.nhs.uk: dmarc=absent)" in (msg.problem
                                                                                                       or "")
    checked_box.deliver(staff_forward("13 November 2026 10:00", headers={
        "Authentication-Results": f"{MX}; spf=pass smtp.mailfrom=example-icb.nhs.uk; "
                                  "dkim=pass header.d=example-icb.nhs.uk; dmarc=pass header.from=example-icb.nhs.uk"}))
    checked_box.poll()
    [case] = checked_box.cases()
    assert case.requester_email == "howard@example.net" and "forwarded" in case.flags
    assert [str(m["To"]) for m in checked_box.sent()] == ["howard@example.net"]


# -- who may change a case (issue 11 item 7) ---------------------------------------------------------------------

def test_a_strangers_reply_quoting_a_reference_changes_nothing(box: Box) -> None:
    box.deliver(request(sender="bluebird1987@example.com", body=NAMELESS))
    box.poll()
    [case] = box.cases()
    assert case.status == CaseStatus.AWAITING_CLARIFICATION and case.requester_name is None
    box.deliver(request(sender="Jordan Blake <jordan@elsewhere.example>", subject=f"Re: [{case.reference}] info",
                        body="My full name is Jordan Blake.\n\nJordan Blake\n"))
    box.poll()
    [case] = box.cases()
    assert case.requester_name is None and case.requester_email == "bluebird1987@example.com"
    assert case.status == CaseStatus.AWAITING_CLARIFICATION and case.missing == ["name"]
    # No clarification_received: the clock did not restart, and no acknowledgement went anywhere.
    assert types(case) == ["received", "clarification_requested", "third_party_correspondence"]
    assert len(box.sent()) == 1  # the clarification to the requester; nothing to the stranger
    stranger = box.messages()[-1]
    assert stranger.case_id == case.id and stranger.status == MessageStatus.NEEDS_PERSON
    assert stranger.problem is not None and "third-party correspondence" in stranger.problem

    box.deliver(request(sender="bluebird1987@example.com", subject=f"Re: [{case.reference}] info",
                        body="My full name is Sam Carter.\n\nSam Carter\n"))
    box.poll()
    [case] = box.cases()
    assert case.requester_name == "Sam Carter" and case.status == CaseStatus.OPEN  # the requester still can


def test_a_person_may_apply_a_third_party_message_to_the_case(box: Box) -> None:
    box.deliver(request(sender="bluebird1987@example.com", body=NAMELESS))
    box.poll()
    [case] = box.cases()
    box.deliver(request(sender="Jordan Blake <jordan.blake@work.example>", subject=f"Re: [{case.reference}] info",
                        body="Writing from my work address: my full name is Jordan Blake.\n\nJordan Blake\n"))
    box.poll()
    stranger = box.messages()[-1]
    box.app.close()
    assert cli.main(["--config", str(box.config), "messages", "promote", str(stranger.id), "--to", case.reference,
                     "--reason", "the requester, writing from work"]) == 0
    [case] = box.cases()
    assert case.requester_name == "Jordan Blake" and case.status == CaseStatus.OPEN


# -- loops and floods (issue 11 items 5 and 14) ------------------------------------------------------------------

def helpdesk_answer(ticket: int) -> bytes:
    """A ticketing robot's answer: fixed From, a Reply-To per ticket, no Auto-Submitted, a new thread."""
    return request(sender="IT Helpdesk <support@helpdesk.example>", subject=f"Ticket #{ticket} logged",
                   headers={"Reply-To": f"ticket-{ticket}@helpdesk.example"},
                   body=f"Thank you for contacting the Helpdesk. Your request has been logged as ticket {ticket}.\n\n"
                        "Please provide the number of patients waiting more than 18 weeks for a first outpatient "
                        "appointment.\n\nHelpdesk Team\n")


def test_an_auto_responder_with_a_reply_to_per_ticket_is_not_answered_for_ever(box: Box) -> None:
    ticket, answered = 1000, 0
    box.deliver(helpdesk_answer(ticket))
    for _ in range(12):  # a poll a minute; the robot answers every notice it receives with a new ticket
        box.poll()
        new = box.sent_to("helpdesk.example")[answered:]
        answered += len(new)
        for _notice in new:
            ticket += 1
            box.deliver(helpdesk_answer(ticket))
    assert answered == 5  # then the loop stops: the robot gets nothing more to answer
    cases = box.cases()
    assert len(cases) == 6
    with box.app.sessions() as s:
        [held] = s.scalars(select(Notice).where(Notice.status == NoticeStatus.HELD)).all()
        assert held.to_address == "ticket-1005@helpdesk.example" and "loop guard" in (held.last_error or "")
    assert EventType.NOTICE_HELD in types(cases[-1])  # visible on the case, the digest and `status`


def test_identical_mail_under_two_message_ids_opens_one_case(box: Box) -> None:
    box.deliver(request(msgid="<first@example.org>"))
    box.deliver(request(msgid="<again@example.org>", body="Dear FOI team,\n\nPlease provide the number of patients "
                        "waiting more than 18 weeks  for a first outpatient appointment on 31 October 2026.\n\n"
                        "Kind regards,\nPriya Natarajan\n"))
    box.poll()
    [case] = box.cases()
    assert types(case) == ["received", "duplicate_received"]
    assert len(box.sent()) == 1
    assert [m.case_id for m in box.messages()] == [case.id, case.id]


def test_a_flood_of_200_requests_from_one_sender_is_acknowledged_and_flagged(box: Box) -> None:
    for i in range(200):
        box.deliver(request(subject=f"Ward {i}", msgid=f"<flood-{i}@example.org>",
                            body=f"Please tell me how many beds ward {i} had on 1 November 2026.\n\nPriya Natarajan\n"))
    box.poll()
    cases = box.cases()
    assert len(cases) == 200 and len(box.sent_to("priya@example.org")) == 200  # each real request is a request
    related = [e.data for c in cases for e in c.events if e.type == EventType.POSSIBLY_RELATED]
    # Each after the first is alike to earlier ones; past the notice limit each also names the sender's latest ten.
    assert len(related) == 199 and related[-1]["count"] == 199 and len(related[-1]["same_sender"]) == 10
    assert related[-1]["flood"] == 200 and "flood" not in related[3]  # the fifth is within the notice limit
    box.app.daily()
    [digest] = box.sent_to(DSP)
    plain = digest.get_body(("plain",))
    assert plain is not None
    body = " ".join(str(plain.get_content()).split())
    # The digest lists the first of them with the count of all; each past the limit says it is one of a flood.
    assert "Possibly related requests (199)" in body
    assert re.search(r"one of \d+ requests from this sender within 24 hours \([^)]*\): look at them together", body)

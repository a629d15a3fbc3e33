"""A DSP officer corrects the bot, against a real Dovecot and a real SMTP server: a request taken by phone,
a message promoted from the not-FOI folder, and an FOI case that was really a subject access request."""

from __future__ import annotations

from sqlalchemy import select

from config.settings import load
from intake import cli
from intake.app import build
from intake.caselog import Case, Message
from tests.conftest import COMMS, write_config
from tests.mail import request


def act(config, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def to(smtp, address: str):
    return [m for m in smtp.messages if address in m.rcpt_tos]


def text(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def test_a_phoned_eir_request_is_acknowledged_by_email(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp)
    assert act(config, "cases", "open", "--method", "phone", "--regime", "eir", "--received", "2026-11-16T10:15",
               "--name", "Tom Whitfield", "--email", "tom@example.org",
               "--description", "Air quality monitoring at the Leeds General site") == 0
    assert act(config, "poll", "--once") == 0
    [ack] = to(smtp, "tom@example.org")
    assert "[FOI-2026-00001]" in ack.message["Subject"] and "Environmental Information" in text(ack)


def test_a_promoted_message_and_a_subject_access_correction_reach_the_requester(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(sender="Jess Harland <jess@examplenews.co.uk>", subject="Quick question",
                           body="Hi,\n\nWho is your press officer?\n\nJess Harland\nReporter, Exampleton Post\n"))
    mailbox.append(request(sender="Priya Natarajan <priya@example.org>", subject="My complaint",
                           body="Dear FOI team,\n\nPlease send me the letters you hold about the complaint I made "
                                "in March.\n\nPriya Natarajan\n"))
    assert act(config, "poll", "--once") == 0
    app = build(load(config))
    with app.sessions() as s:
        enquiry = s.scalar(select(Message).where(Message.subject == "Quick question"))
        assert enquiry is not None and enquiry.case_id is None
        enquiry_id = enquiry.id
        [foi] = s.scalars(select(Case)).all()
        foi_reference = foi.reference
    app.close()
    assert act(config, "messages", "promote", str(enquiry_id), "--regime", "foi",
               "--reason", "asks for recorded information about staff") == 0
    assert act(config, "case", foi_reference, "reclassify", "--regime", "sar", "--reason", "her own file") == 0
    assert act(config, "poll", "--once") == 0
    assert len(to(smtp, "jess@examplenews.co.uk")) == 1 and to(smtp, COMMS)  # acknowledged, comms alerted
    sar = [m for m in to(smtp, "priya@example.org") if "SAR-2026-00001" in m.message["Subject"]]
    assert len(sar) == 1 and "Freedom of Information Act" not in text(sar[0])
    # It threads under her first message and our acknowledgement, as one conversation.
    assert sar[0].message["In-Reply-To"] and len(sar[0].message["References"].split()) >= 2
    # The promoted message left the not-FOI folder for its case's (a journalist's: Media), on the server too.
    app = build(load(config))
    with app.sessions() as s:
        moved = s.get(Message, enquiry_id)
        assert moved is not None and moved.filed_in == "FOI/Media"
    app.close()
    with mailbox.client() as c:
        assert c.folder_status("FOI.Media", ["MESSAGES"])[b"MESSAGES"] == 1
        assert c.folder_status("FOI.Not FOI", ["MESSAGES"])[b"MESSAGES"] == 0

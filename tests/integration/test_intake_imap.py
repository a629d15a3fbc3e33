"""The intake spine against a real Dovecot and a real SMTP server: exactly once, whatever happens."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from intake.caselog import Case, MailboxCursor, Message, MessageStatus, Notice, NoticeStatus
from intake.mailbox.parse import fingerprint, header_message_id
from tests.conftest import FOI, SHARED, settings_for
from tests.mail import request


def count(app, model) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_plain_request_opens_one_case_and_sends_one_acknowledgement(mailbox, smtp, make_app):
    raw = request(msgid="<req-1@example.org>", subject="Waiting times")
    mailbox.append(raw, when=datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    app = make_app()
    report, flushed = app.poll_and_flush()
    assert report.cases_opened == ["FOI-2026-00001"] and flushed.sent == 1

    with app.sessions() as s:
        case = s.scalar(select(Case))
        assert case.requester_name == "Priya Natarajan"
        assert case.requester_email == "priya@example.org"
        assert case.kind == "foi_request" and case.regime == "foi" and case.valid
        assert case.received_at == datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
        assert [e.type for e in case.events] == ["received", "notice_queued"]
        assert case.messages[0].raw == raw  # raw bytes kept exactly

    [ack] = smtp.messages
    assert ack.rcpt_tos == ["priya@example.org"] and ack.mail_from == FOI
    msg = ack.message
    assert msg["Subject"] == "[FOI-2026-00001] Re: Waiting times"
    assert msg["From"].addresses[0].addr_spec == FOI
    assert msg["In-Reply-To"] == "<req-1@example.org>"
    assert msg["References"] == "<req-1@example.org>"  # the thread, each message once
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["Message-ID"] and msg["Message-ID"] != "<req-1@example.org>"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    # Received Mon 16 Nov 2026; 20 working days, skipping Mon 30 Nov (St Andrew's Day): Tue 15 Dec.
    for part in (text, html):
        assert "FOI-2026-00001" in part
        assert "Monday 16 November 2026" in part
        assert "Tuesday 15 December 2026" in part
    assert text.startswith("Dear Priya Natarajan")


def test_second_poll_adds_nothing(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.poll_and_flush()
    report, flushed = app.poll_and_flush()
    assert report.stored == 0 and report.cases_opened == [] and flushed.sent == 0
    assert count(app, Case) == 1 and len(smtp.messages) == 1


def test_fresh_process_after_restart_adds_nothing(mailbox, smtp, make_app):
    mailbox.append(request())
    first = make_app()
    first.poll_and_flush()
    first.close()
    second = make_app()  # a new process: new connections, same database
    report, flushed = second.poll_and_flush()
    assert report.stored == 0 and flushed.sent == 0
    assert count(second, Case) == 1 and len(smtp.messages) == 1


def test_uidvalidity_reset_recognises_seen_mail(mailbox, smtp, tmp_path, make_app):
    settings = settings_for(tmp_path, mailbox, smtp, mailbox={"folder": "Requests"})
    with mailbox.client() as c:
        c.create_folder("Requests")
    raw = request(msgid="<reset-1@example.org>")
    mailbox.append(raw, folder="Requests")
    app = make_app(settings)
    app.poll_and_flush()
    with app.sessions() as s:
        before = s.scalar(select(MailboxCursor)).uidvalidity

    time.sleep(1.1)  # Dovecot's UIDVALIDITY is a timestamp
    app.intake.source.close()
    with mailbox.client() as c:
        c.delete_folder("Requests")
        c.create_folder("Requests")
    mailbox.append(raw, folder="Requests")
    mailbox.append(request(msgid="<reset-2@example.org>", subject="New one"), folder="Requests")

    report, _ = make_app(settings).poll_and_flush()
    with app.sessions() as s:
        assert s.scalar(select(MailboxCursor)).uidvalidity != before
    assert report.duplicates == 1 and report.stored == 1  # old mail recognised, new mail taken
    assert count(app, Case) == 2
    assert [m.message["In-Reply-To"] for m in smtp.messages] == [
        "<reset-1@example.org>", "<reset-2@example.org>"]


def test_smtp_outage_holds_the_ack_and_sends_it_once_when_back(mailbox, smtp, make_app):
    smtp.stop()
    mailbox.append(request())
    app = make_app()
    report, flushed = app.poll_and_flush()
    assert report.cases_opened and flushed.sent == 0 and flushed.retrying == 1
    with app.sessions() as s:
        notice = s.scalar(select(Notice))
        assert notice.status == NoticeStatus.PENDING and notice.attempts == 1
        assert "Connection" in notice.last_error or "refused" in notice.last_error.lower()

    smtp.start()  # same port: the server is back
    assert app.outbox.flush().sent == 1
    assert app.outbox.flush().sent == 0
    assert len(smtp.messages) == 1
    with app.sessions() as s:
        assert s.scalar(select(Notice)).status == NoticeStatus.SENT


def test_smtp_gives_up_after_max_attempts_and_holds_for_a_person(mailbox, smtp, tmp_path,
                                                                 make_app):
    settings = settings_for(tmp_path, mailbox, smtp, smtp={"max_attempts": 2})
    smtp.stop()
    mailbox.append(request())
    app = make_app(settings)
    app.poll_and_flush()
    assert app.outbox.flush().held == 1
    with app.sessions() as s:
        assert s.scalar(select(Notice)).status == NoticeStatus.HELD


def test_notice_in_doubt_is_resent_with_the_same_message_id(mailbox, smtp, tmp_path, make_app):
    mailbox.append(request())
    # The message stays in INBOX so that a second database can take it in again below.
    app = make_app(settings_for(tmp_path, mailbox, smtp, queues={"file_messages": False}))
    app.intake.poll_once()
    with app.sessions() as s:  # as if the process died after DATA was accepted
        notice = s.scalar(select(Notice))
        notice.status = NoticeStatus.SENDING
        s.commit()
        message_id = notice.message_id
    assert app.outbox.flush().sent == 1
    assert smtp.messages[0].message["Message-ID"] == message_id

    held_settings = settings_for(tmp_path / "hold", mailbox, smtp, smtp={"in_doubt": "hold"},
                                 queues={"file_messages": False},
                                 database={"url": f"sqlite:///{tmp_path / 'hold.sqlite3'}"})
    held = make_app(held_settings)
    held.intake.poll_once()
    with held.sessions() as s:
        s.scalar(select(Notice)).status = NoticeStatus.SENDING
        s.commit()
    assert held.outbox.flush().held == 1
    assert len(smtp.messages) == 1


def test_unparseable_and_oversize_mail_is_kept_for_a_person(mailbox, smtp, tmp_path, make_app):
    settings = settings_for(tmp_path, mailbox, smtp, mailbox={"max_message_bytes": 4096})
    garbage = b"\x01\x02 this is not an email \xff\xfe\r\n" * 3  # IMAP turns NUL into 0x80
    big = request(msgid="<big@example.org>", subject="Huge attachment",
                  body="Please provide the report.\n" + "x" * 10_000 + "\nJo Bloggs\n")
    mailbox.append(garbage)
    mailbox.append(big)
    app = make_app(settings)
    report, flushed = app.poll_and_flush()
    assert report.needs_person == 2 and not report.cases_opened and flushed.sent == 0
    with app.sessions() as s:
        rows = {m.message_id: m for m in s.scalars(select(Message))}
        assert len(rows) == 2
        assert all(m.status == MessageStatus.NEEDS_PERSON for m in rows.values())
        oversize = rows["<big@example.org>"]
        assert "too large" in oversize.problem and not oversize.raw_is_complete
        assert oversize.size > 10_000 and oversize.subject == "Huge attachment"
        unparseable = rows[None]
        assert unparseable.raw == garbage and "unparseable" in unparseable.problem
    assert make_app(settings).poll_and_flush()[0].stored == 0  # kept once, never re-queued
    assert smtp.messages == []


def test_encoded_and_non_utf8_names_come_out_right(mailbox, smtp, make_app):
    rfc2047 = request(sender="=?iso-8859-1?q?Si=E2n_Llwyd?= <sian@example.cymru>",
                      subject="=?utf-8?q?Cais_gwybodaeth_=E2=80=93_ambiwlans?=",
                      body="Annwyl Syr/Fadam,\n\nPlease provide the ambulance handover times "
                           "for 2025.\n\nDiolch,\nSiân Llwyd\n")
    latin1 = (b"From: Ren\xe9e Fran\xe7ois <renee@example.fr>\r\nTo: " + FOI.encode() +
              b"\r\nSubject: Demande\r\nMessage-ID: <latin1@example.fr>\r\n"
              b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\n"
              b"Could you provide the number of interpreters booked in 2025?\r\n\r\n"
              b"Regards,\r\nRen\xe9e Fran\xe7ois\r\n")
    mailbox.append(rfc2047)
    mailbox.append(latin1)
    app = make_app()
    app.poll_and_flush()
    with app.sessions() as s:
        names = [c.requester_name for c in s.scalars(select(Case).order_by(Case.id))]
    assert names == ["Siân Llwyd", "Renée François"]
    first, second = (m.message for m in smtp.messages)
    assert first["Subject"] == "[FOI-2026-00001] Re: Cais gwybodaeth – ambiwlans"
    assert first.get_body(("plain",)).get_content().startswith("Dear Siân Llwyd")
    assert second.get_body(("plain",)).get_content().startswith("Dear Renée François")


def test_dropped_connection_reconnects_with_backoff(mailbox, smtp, make_app):
    mailbox.append(request())
    app = make_app()
    app.intake.source._select()  # open a connection, then cut it under the client's feet
    app.intake.source._client.shutdown()
    sleeps: list[float] = []
    app.intake.sleep = sleeps.append
    report, _ = app.poll_and_flush()
    assert report.cases_opened == ["FOI-2026-00001"] and sleeps == [0.05]


def test_every_flanker_message_goes_through_without_loss_or_reply(mailbox, smtp, make_app):
    corpus = sorted((SHARED / "corpus" / "flanker").glob("*.eml"))
    assert len(corpus) == 48  # and a LICENSE
    for path in corpus:
        mailbox.append(path.read_bytes())
    app = make_app()
    report, _ = app.poll_and_flush()
    assert report.stored + report.duplicates == 48
    with app.sessions() as s:
        messages = s.scalars(select(Message)).all()
        assert len(messages) == report.stored
        assert all(m.status != MessageStatus.RECEIVED for m in messages)  # nothing left behind
        by_fp = {m.fingerprint: m for m in messages}
        answered = {n.to_address for n in s.scalars(select(Notice))}
        for path in corpus:
            if path.name.startswith(("bounce_", "complaints_")):
                raw = path.read_bytes()
                m = by_fp[fingerprint(raw, header_message_id(raw))]
                assert m.status == MessageStatus.IGNORED, path.name
                assert m.case_id is None, path.name
                assert (m.from_address or "") not in answered, path.name
    assert all(m.rcpt_tos[0] in answered for m in smtp.messages)


def test_received_date_is_the_local_day_for_a_late_night_message(mailbox, smtp, make_app):
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    mailbox.append(request(), when=datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    app = make_app()
    app.poll_and_flush()
    body = smtp.messages[0].message.get_body(("plain",)).get_content()
    assert "Wednesday 1 April 2026" in body
    with app.sessions() as s:
        case = s.scalar(select(Case))
        assert case.events[0].data["received_by_dsp"] == date(2026, 4, 1).isoformat()


def test_demo_runs_on_the_embedded_default(capsys, monkeypatch, tmp_path: Path):
    from intake import cli

    monkeypatch.setattr("tempfile.mkdtemp", lambda prefix="": str(tmp_path))
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "FOI-2026-00001" in out and "auto_reply" in out
    sent = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(sent) == 7 and all(b"Auto-Submitted: auto-replied" in p.read_bytes() for p in sent)
    assert {p.name.split("-", 1)[1] for p in sent} == {"acknowledgement.eml", "clarification.eml",
                                                        "media_alert.eml", "sar_notice.eml"}
    assert "FOI/Subject access" in out and "FOI/Not FOI" in out


def test_logs_carry_no_message_body_and_no_requester_address(mailbox, smtp, make_app, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    secret = "my neighbour's diagnosis of xylophonitis"
    mailbox.append(request(sender="Priya Natarajan <priya.private@example.org>",
                           body=f"Please provide the number of referrals in 2025 ({secret}).\n\nPriya Natarajan\n"))
    mailbox.append(request(sender="bluebird1987@example.com", body=f"how many? {secret}\n"))
    for path in sorted((SHARED / "corpus" / "flanker").glob("*.eml"))[:12]:
        mailbox.append(path.read_bytes())
    smtp.stop()  # failures are logged too
    app = make_app()
    app.poll_and_flush()
    assert caplog.records
    assert secret not in caplog.text and "xylophonitis" not in caplog.text
    assert "priya.private@example.org" not in caplog.text and "bluebird1987" not in caplog.text

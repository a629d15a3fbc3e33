"""The three users' journeys, end to end, against a real Dovecot and a real SMTP server."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import docx
from sqlalchemy import select

from intake import cli
from intake.app import App
from intake.caselog import Case, Notice
from intake.caselog.views import case_clock
from tests.conftest import COMMS, DSP, SHARED, Mailbox, settings_for, write_config
from tests.mail import request
from tests.servers import Received, SmtpServer


def only_case(app: App) -> Case:
    with app.sessions() as s:
        [case] = s.scalars(select(Case)).all()
        return case


def to(smtp: SmtpServer, address: str) -> list[Received]:
    return [m for m in smtp.messages if address in m.rcpt_tos]


def text(received: Received) -> str:
    return received.message.get_body(("plain",)).get_content()


def folders(mailbox: Mailbox) -> dict[str, int]:
    """Message count per IMAP folder, by the names the server uses."""
    with mailbox.client() as c:
        out = {}
        for flags, _delim, name in c.list_folders():
            if b"\\Noselect" not in flags and b"\\NonExistent" not in flags:  # "FOI" is only a parent
                out[name] = c.folder_status(name, ["MESSAGES"])[b"MESSAGES"]
        return out


def act(config: Path, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def test_valid_request_is_acknowledged_filed_and_kept_in_sent(mailbox, smtp, make_app):
    mailbox.append(request(msgid="<valid@example.org>"))
    app = make_app()
    app.poll_and_flush()
    [ack] = smtp.messages
    assert ack.message["Auto-Submitted"] == "auto-replied" and ack.message["In-Reply-To"] == "<valid@example.org>"
    counts = folders(mailbox)
    assert counts["INBOX"] == 0 and counts["FOI.New"] == 1  # Dovecot's Maildir++ separator is "."
    assert counts["Sent"] == 1
    with app.sessions() as s:
        assert s.scalar(select(Notice)).archived


def test_nameless_request_gets_a_clarification_then_an_acknowledgement(mailbox, smtp, make_app):
    mailbox.append(request(sender="bluebird1987@example.com", msgid="<nameless@example.com>",
                           body="how much did the ICB spend on management consultants in 2025?\n"),
                   when=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    app = make_app()
    app.poll_and_flush()
    case = only_case(app)
    assert case.status == "awaiting_clarification"
    [notice] = smtp.messages
    body = text(notice).lower()
    assert "your real name" in body and "section 8(1)(b)" in body
    assert "address for correspondence" not in body and "description of the information" not in body
    assert "tuesday 16 february 2027" in body  # closes after 3 months without a reply (policy 14.1)
    assert folders(mailbox)["FOI.Awaiting clarification"] == 1

    mailbox.append(request(sender="bluebird1987@example.com", subject=notice.message["Subject"],
                           headers={"In-Reply-To": notice.message["Message-ID"]},
                           body="My full name is Jordan Blake.\n\nJordan Blake\n"),
                   when=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    report, _ = app.poll_and_flush()
    assert report.attached == 1 and report.cases_opened == []
    case = only_case(app)
    assert (case.status, case.requester_name, case.valid, case.missing) == ("open", "Jordan Blake", True, [])
    ack = smtp.messages[-1]
    assert ack.message["Subject"].startswith(f"[{case.reference}]")
    # The 20 days start afresh from Fri 20 Nov 2026 (s.1(3)): 30 Nov (St Andrew's) skipped → Mon 21 Dec.
    assert "Monday 21 December 2026" in text(ack) and "Dear Jordan Blake" in text(ack)


def test_media_request_alerts_comms_and_waits_for_sign_off(mailbox, smtp, tmp_path):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(sender="Jess Harland <jess.harland@examplenews.co.uk>", subject="GP access funding",
                           body="Please provide:\n1. The GP access funding in 2025/26.\n2. Which practices got it."
                                "\n\nJess Harland\nReporter, Exampleton Evening Post\n"))
    assert act(config, "poll", "--once") == 0
    [alert] = to(smtp, COMMS)
    assert "jess.harland@" not in alert.data.decode()  # least data: no requester address in the alert
    assert "Jess Harland" in text(alert) and "GP access funding in 2025/26" in text(alert)
    assert len(to(smtp, "jess.harland@examplenews.co.uk")) == 1  # the requester is acknowledged as usual
    reference = alert.message["Subject"].split()[2].rstrip(":")
    assert act(config, "case", reference, "respond", "--outcome", "granted") == 1  # refused: no sign-off
    assert act(config, "case", reference, "comms-signoff", "--by", "Martin Oyelowo") == 0
    assert act(config, "case", reference, "respond", "--outcome", "granted") == 0
    assert folders(mailbox)["FOI.Media"] == 1


def test_subject_access_gets_the_sar_notice_and_the_sar_queue_only(mailbox, smtp, make_app):
    mailbox.append(request(body="Please send me a copy of my medical records held by the ICB.\n\nPriya Natarajan\n"))
    app = make_app()
    app.poll_and_flush()
    [notice] = smtp.messages
    body = text(notice)
    assert "data protection" in body.lower() and "Freedom of Information Act" not in body
    counts = folders(mailbox)
    assert counts["FOI.Subject access"] == 1 and "FOI.New" not in counts


def test_auto_reply_gets_nothing(mailbox, smtp, make_app):
    mailbox.append(request(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    app = make_app()
    report, _ = app.poll_and_flush()
    assert report.ignored == 1 and smtp.messages == []
    assert folders(mailbox)["FOI.Not FOI"] == 1


def test_a_robot_that_answers_every_mail_gets_at_most_five_notices(mailbox, smtp, make_app):
    app = make_app()
    for i in range(8):  # a misconfigured system that writes a fresh "request" back each time
        mailbox.append(request(sender="Service Desk <desk@robot.example.com>", subject=f"Ticket {i}",
                               msgid=f"<robot-{i}@robot.example.com>",
                               body=f"Please provide the status of ticket {i}.\n\nService Desk Team\n"))
        app.poll_and_flush()
    assert len(to(smtp, "desk@robot.example.com")) == 5
    with app.sessions() as s:  # the rest are held where a person sees them, never silently dropped
        held = [e for c in s.scalars(select(Case)) for e in c.events if e.type == "notice_held"]
    assert len(held) == 3 and "limit 5" in held[0].data["why"]


def test_template_override_from_the_configured_directory(mailbox, smtp, tmp_path, make_app):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "acknowledgement.txt.j2").write_text(
        "Bore da {{ case.requester_name }}, cyfeirnod {{ case.reference }}; due {{ case.due | longdate }}.\n")
    settings = settings_for(tmp_path, mailbox, smtp, responders={"templates_dir": str(templates)})
    mailbox.append(request(), when=datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    make_app(settings).poll_and_flush()
    [ack] = smtp.messages
    assert text(ack).startswith("Bore da Priya Natarajan, cyfeirnod FOI-2026-00001; due Tuesday 15 December 2026.")
    assert "<html" in ack.message.get_body(("html",)).get_content()  # the HTML part is still the built-in one


def test_fees_pause_the_clock_and_payment_restarts_it(mailbox, smtp, tmp_path):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request())
    assert act(config, "poll", "--once") == 0
    reference = "FOI-2026-00001"
    assert act(config, "case", reference, "fee", "--amount", "45.50", "--breakdown", "2 hours of copying") == 0
    fees = smtp.messages[-1]
    assert "£45.50" in text(fees) and "Information Commissioner" in text(fees)
    assert fees.message["In-Reply-To"] and fees.message["Subject"].startswith(f"[{reference}]")
    assert act(config, "case", reference, "respond", "--outcome", "granted") == 0  # a person may still respond
    assert act(config, "case", reference, "fee-paid") == 1  # not waiting any more: refused with a reason


def test_public_interest_extension_names_the_exemption_and_new_date(mailbox, smtp, tmp_path):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request())
    act(config, "poll", "--once")
    assert act(config, "case", "FOI-2026-00001", "extend", "--reason", "pit") == 1  # s.17(2): name it
    assert act(config, "case", "FOI-2026-00001", "extend", "--reason", "pit", "--exemption", "s43") == 0
    body = text(smtp.messages[-1])
    assert "43" in body and "commercial" in body.lower()


def test_internal_review_request_is_acknowledged(mailbox, smtp, make_app):
    mailbox.append(request(subject="Internal review of FOI-2026-00001",
                           body="I am not satisfied with your response and ask for an internal review.\n\n"
                                "Priya Natarajan\n"))
    app = make_app()
    app.poll_and_flush()
    [ack] = smtp.messages
    assert "internal review" in text(ack).lower()
    assert folders(mailbox)["FOI.Internal review"] == 1


def test_response_draft_restates_the_seed_letters_five_questions(mailbox, smtp, tmp_path):
    seed = (SHARED / "seeds" / "000_62355385b31a30de.txt").read_text()
    questions = [line for line in seed.splitlines() if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert len(questions) == 5
    body = "I am writing to you under the Freedom of Information Act 2000.\n\n" + "\n".join(questions)
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(body=body + "\n\nKind regards,\nPriya Natarajan\n"))
    act(config, "poll", "--once")
    out = tmp_path / "drafts"
    assert act(config, "case", "FOI-2026-00001", "draft", "--outcome", "part", "--exemption", "s31",
               "--out", str(out)) == 0
    document = docx.Document(io.BytesIO((out / "FOI-2026-00001-response-draft.docx").read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    positions = [next(i for i, p in enumerate(paragraphs) if q[3:40] in p) for q in questions]
    assert positions == sorted(positions)
    assert any("31" in p for p in paragraphs) and any("Wycliffe House" in p for p in paragraphs)


def test_daily_lapses_reminds_and_sends_the_digest(mailbox, smtp, make_app):
    mailbox.append(request(sender="bluebird1987@example.com", body="how much did you spend on taxis in 2025?\n"),
                   when=datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    # Received Mon 2 Nov 2026: day 19 is Fri 27 Nov, Mon 30 Nov (St Andrew's) is skipped, due Tue 1 Dec.
    mailbox.append(request(msgid="<due@example.org>"), when=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    app = make_app()
    app.poll_and_flush()
    sent_before = len(smtp.messages)
    now = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    with app.sessions() as s:
        counts = app.intake.desk.daily(s, now)
        s.commit()
    app.outbox.flush()
    assert counts == {"lapsed": 1, "reminders": 1, "overdue": 0, "digest": 1}
    with app.sessions() as s:
        lapsed = s.scalar(select(Case).where(Case.requester_email == "bluebird1987@example.com"))
        assert lapsed.status == "closed" and lapsed.events[-2].type == "closed"
    new = smtp.messages[sent_before:]
    lapse = [m for m in new if "bluebird1987@example.com" in m.rcpt_tos]
    assert len(lapse) == 1 and "closed" in text(lapse[0]).lower()
    [reminder] = [m for m in to(smtp, DSP) if m.message["Subject"].startswith("Reminder")]
    assert "FOI-2026-00002" in reminder.message["Subject"] and "2026-12-01" in reminder.message["Subject"]
    [digest] = [m for m in to(smtp, DSP) if "digest" in m.message["Subject"].lower()]
    assert "FOI-2026-00002" in text(digest)
    with app.sessions() as s:  # a second run the same day sends nothing new
        assert app.intake.desk.daily(s, now) == {"lapsed": 0, "reminders": 0, "overdue": 0, "digest": 0}


def test_requester_text_never_injects_headers(mailbox, smtp, make_app):
    raw = request(subject="Spend", body="Please provide the spend.\n\nPriya Natarajan\n")
    raw = raw.replace(b"Subject: Spend", b"Subject: Spend =?utf-8?q?=0D=0ABcc=3A_victim=40example=2Eorg?=")
    mailbox.append(raw)
    make_app().poll_and_flush()
    [ack] = smtp.messages
    assert ack.rcpt_tos == ["priya@example.org"] and ack.message["Bcc"] is None
    head = ack.data.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in head.replace(b"\r\n ", b" ")


def test_reuse_request_and_transfer_notices_are_delivered_threaded(mailbox, smtp, tmp_path):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(msgid="<reuse@example.org>", subject="Republishing your data",
                           body="Can I republish the spreadsheet you sent me (FOI-2025-00044) on our website?\n\n"
                                "Esther Obi\n"))
    mailbox.append(request(msgid="<wrong@example.org>", subject="Ambulance fleet",
                           body="Please provide the number of ambulances in the regional fleet.\n\nPriya Natarajan\n"))
    act(config, "poll", "--once")
    reuse, ack = smtp.messages
    assert reuse.message["In-Reply-To"] == "<reuse@example.org>" and "re-use" in text(reuse).lower()
    assert act(config, "case", "FOI-2026-00002", "transfer", "--to", "the regional ambulance service",
               "--contact", "foi@ambulance.example.nhs.uk") == 0
    transfer = smtp.messages[-1]
    assert transfer.message["In-Reply-To"] == "<wrong@example.org>"
    assert ack.message["Message-ID"] in transfer.message["References"]  # the whole exchange, in one thread
    assert "regional ambulance service" in text(transfer) and "foi@ambulance.example.nhs.uk" in text(transfer)
    assert transfer.message["Auto-Submitted"] == "auto-replied"


def test_monitoring_figures_count_on_time_late_reviews_and_ico(mailbox, smtp, tmp_path, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(msgid="<a@example.org>"), when=datetime(2026, 9, 1, 9, 0, tzinfo=UTC))
    mailbox.append(request(msgid="<b@example.org>", subject="Beds"), when=datetime(2026, 9, 2, 9, 0, tzinfo=UTC))
    act(config, "poll", "--once")
    # A: received Tue 1 Sep 2026, due Tue 29 Sep; answered on 20 Sep. B: due Wed 30 Sep; answered 9 Oct.
    assert act(config, "case", "FOI-2026-00001", "respond", "--outcome", "granted", "--sent-on", "2026-09-20") == 0
    assert act(config, "case", "FOI-2026-00002", "respond", "--outcome", "part", "--exemption", "s43",
               "--sent-on", "2026-10-09", "--late-reason", "third-party consultation") == 0
    assert act(config, "case", "FOI-2026-00002", "note", "--ico", "ICO asked for our submissions") == 0
    capsys.readouterr()
    assert act(config, "report", "--from", "2026-09-01", "--to", "2026-09-30", "--json") == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["code"]["received"] == 2 and figures["code"]["within_deadline"] == 1
    assert [r["reason"] for r in figures["policy"]["not_within_20_days"]] == ["third-party consultation"]
    assert figures["cabinet_office"]["exemptions"] == {"43": 1}
    assert figures["policy"]["ico_communications"] == 1


def test_office_closure_days_bring_reminders_forward_but_never_move_the_due_date(mailbox, smtp, tmp_path,
                                                                                  make_app):
    # Received Mon 2 Nov 2026, due Tue 1 Dec. On Fri 20 Nov six working days are left (23-27 Nov, 1 Dec;
    # 30 Nov is St Andrew's Day): no reminder. With the office closed on 23 and 24 Nov only four are.
    mailbox.append(request(msgid="<closure@example.org>"), when=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    plain = make_app(settings_for(tmp_path / "a", mailbox, smtp, queues={"file_messages": False}))
    plain.poll_and_flush()
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    with plain.sessions() as s:
        assert plain.intake.desk.daily(s, now)["reminders"] == 0
    closed = make_app(settings_for(tmp_path / "b", mailbox, smtp, queues={"file_messages": False},
                                   clock={"closure_days": [date(2026, 11, 23), date(2026, 11, 24)]}))
    closed.poll_and_flush()
    with closed.sessions() as s:
        assert closed.intake.desk.daily(s, now)["reminders"] == 1
        s.commit()
        [case] = s.scalars(select(Case)).all()
        assert case_clock(case, closed.settings).due == date(2026, 12, 1)  # the statutory date stands

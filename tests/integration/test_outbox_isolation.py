"""Issue 11 item 1 against a real Dovecot and a real aiosmtpd: an international address is sent with SMTPUTF8
where the server offers it, and otherwise held with one reason while the rest of the outbox goes on."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from tests.conftest import settings_for, write_config
from tests.integration.test_responders_journeys import act, to
from tests.mail import request

JOSE = "josé@exämple.org"


def international_request() -> bytes:
    msg = EmailMessage(policy=policy.SMTPUTF8)
    msg["From"] = f"José Álvarez <{JOSE}>"
    msg["To"] = "foi.requests@example-icb.nhs.uk"
    msg["Subject"] = "Waiting times"
    msg["Message-ID"] = "<jose-1@xn--exmple-cua.org>"
    msg["Date"] = "Mon, 16 Nov 2026 09:30:00 +0000"
    msg.set_content("Dear FOI team,\n\nPlease provide the number of patients waiting more than 18 weeks for a first "
                    "outpatient appointment on 31 October 2026.\n\nKind regards,\nJosé Álvarez\n")
    return msg.as_bytes()


def test_an_international_address_is_sent_with_smtputf8_and_the_next_notice_too(tmp_path, mailbox, smtp_utf8,
                                                                                make_app):
    mailbox.append(international_request())
    mailbox.append(request())
    app = make_app(settings_for(tmp_path, mailbox, smtp_utf8))
    _, flushed = app.poll_and_flush()
    assert flushed.sent == 2 and flushed.held == 0
    [ack] = to(smtp_utf8, JOSE)
    assert message_from_bytes(ack.data, policy=policy.SMTPUTF8)["To"] == JOSE  # UTF-8, not an encoded word
    assert to(smtp_utf8, "priya@example.org")


def test_without_smtputf8_it_is_held_with_one_reason_the_rest_go_and_retry_sends_it_later(tmp_path, mailbox, smtp,
                                                                                         capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(international_request())
    mailbox.append(request())
    assert act(config, "poll", "--once") == 0
    assert "sent=1 retrying=0 held=1" in capsys.readouterr().out
    assert to(smtp, "priya@example.org") and not to(smtp, JOSE)
    assert act(config, "outbox", "list", "--status", "held") == 0
    [line] = capsys.readouterr().out.splitlines()
    assert "does not offer SMTPUTF8" in line
    held_id = line.split()[0]
    assert act(config, "poll", "--once") == 0  # held: not tried again at every pass, nothing else stops
    assert "held=0" in capsys.readouterr().out

    smtp.stop()
    smtp.smtputf8 = True  # the organisation moves to a server that takes international addresses
    smtp.start()
    assert act(config, "outbox", "retry", held_id) == 0
    assert "sent 1" in capsys.readouterr().out
    assert len(to(smtp, JOSE)) == 1

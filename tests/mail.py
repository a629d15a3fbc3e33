"""Build test messages with the stdlib, as a mail client would."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

FOI = "foi.requests@example-icb.nhs.uk"


def request(*, sender: str = "Priya Natarajan <priya@example.org>", subject: str = "Waiting times",
            body: str | None = None, when: datetime | None = None, msgid: str | None = None,
            headers: dict[str, str] | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = f"FOI Requests <{FOI}>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when or datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = msgid or make_msgid(domain="example.org")
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body or (
        "Dear FOI team,\n\nPlease provide the number of patients waiting more than 18 weeks "
        "for a first outpatient appointment on 31 October 2026.\n\nKind regards,\n"
        "Priya Natarajan\n"))
    return msg.as_bytes(policy=SMTP)  # CRLF, as it travels and as IMAP stores it

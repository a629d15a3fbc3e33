"""A notice is built once with the stdlib's MIME classes (issue 12 item 2: EmailMessage(policy=SMTP) parsed every
header it was given and again on output, 2.1 ms a notice), and reads the same to a mail client: non-ASCII names and
subjects as RFC 2047 words, the text and HTML alternatives, threading, every line within RFC 5322's 998."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

import responders.compose as compose_module
from responders.compose import compose
from responders.render import Renderer

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def context() -> dict[str, Any]:
    org = {"name": "Bwrdd Iechyd Enghraifft", "foi_address": "foi@example.org", "dsp_address": "dsp@example.org",
           "comms_address": "comms@example.org", "signature": "", "review_contact": "x", "how_to_pay": "x",
           "sar_contact": "x", "sar_identification": "x", "website": "", "publication_scheme_url": ""}
    case = {"reference": "FOI-2026-00042", "requester_name": "Siân Łukasz", "regime": "foi",
            "received": NOW.date(), "due": NOW.date(), "description": "Ambulance handovers", "questions": [],
            "kind": "foi_request", "welsh": False}
    return {"org": org, "case": case, "now": NOW}


def ack(**kwargs: Any) -> EmailMessage:
    composed = compose(Renderer(), "acknowledgement", context(), sender="foi@example.org",
                       sender_name="Bwrdd Iechyd Enghraifft — FOI", to="sian@example.org", now=NOW,
                       subject="[FOI-2026-00042] Re: Amseroedd aros — ambiwlans", **kwargs)
    assert max(len(line) for line in composed.raw.split(b"\r\n")) <= 998
    assert b"\n" not in composed.raw.replace(b"\r\n", b"")  # CRLF throughout, as SMTP carries it
    message = message_from_bytes(composed.raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_a_notice_reads_the_same_to_a_mail_client_and_never_goes_through_email_message(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("EmailMessage used for an ordinary notice")

    monkeypatch.setattr(compose_module, "EmailMessage", refused)
    message = ack(in_reply_to="<theirs@example.org>", references=("<first@example.org>",))
    assert str(message["Subject"]) == "[FOI-2026-00042] Re: Amseroedd aros — ambiwlans"
    assert message["From"].addresses[0].display_name == "Bwrdd Iechyd Enghraifft — FOI"
    assert message["In-Reply-To"] == "<theirs@example.org>"
    assert message["References"] == "<first@example.org> <theirs@example.org>"
    assert message["Auto-Submitted"] == "auto-replied" and message["X-Auto-Response-Suppress"] == "All"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "Siân Łukasz" in text.get_content() and "Siân Łukasz" in html.get_content()


def test_an_id_too_long_for_one_line_is_still_written_on_lines_a_server_takes() -> None:
    long_id = "<" + "x" * 960 + "@example.org>"  # 974 characters: no line holds it with its header name
    message = ack(in_reply_to=long_id)
    assert message["In-Reply-To"] == long_id

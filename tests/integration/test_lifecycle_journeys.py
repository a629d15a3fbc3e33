"""Lifecycle journeys end to end through the CLI, against a real Dovecot and a real SMTP server: a subject
access request with identification and a clarification, and a fee estimate over the cost limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from config.settings import load
from intake import cli
from intake.app import open_existing
from intake.caselog import Case
from tests.conftest import write_config
from tests.mail import request
from tests.servers import Received

REQUESTER = "priya@example.org"


def act(config: Path, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def text(received: Received) -> str:
    return " ".join(received.message.get_body(("plain",)).get_content().split())


def case_row(config: Path, reference: str) -> dict[str, object]:
    app = open_existing(load(config))
    try:
        with app.sessions() as s:
            case = s.scalar(select(Case).where(Case.reference == reference))
            assert case is not None
            return {"status": case.status, "events": [e.type for e in case.events]}
    finally:
        app.close()


def test_a_subject_access_request_with_identification_and_clarification(mailbox, smtp, tmp_path, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(body="Please send me a copy of my medical records held by the ICB.\n\nPriya Natarajan\n"))
    assert act(config, "poll", "--once") == 0
    [sar_notice] = smtp.messages
    reference = "SAR-2026-00001"
    assert reference in sar_notice.message["Subject"]

    assert act(config, "case", reference, "fee", "--amount", "10", "--breakdown", "copying") == 1
    assert "not an FOI/EIR request" in capsys.readouterr().err
    assert act(config, "case", reference, "id-received") == 1  # nothing asked for yet
    assert act(config, "case", reference, "id-request") == 0
    id_request = smtp.messages[-1]
    assert REQUESTER in id_request.rcpt_tos and "Article 12(6)" in text(id_request)
    assert act(config, "case", reference, "id-received") == 0
    assert act(config, "case", reference, "clarify", "--ask", "Which years of your records do you want?") == 0
    clarification = smtp.messages[-1]
    assert "Article 12A" in text(clarification) and "Which years" in text(clarification)
    assert case_row(config, reference)["status"] == "awaiting_clarification"

    mailbox.append(request(subject=clarification.message["Subject"], body="2019 to 2024, please.\n\nPriya\n",
                           headers={"In-Reply-To": clarification.message["Message-ID"]}),
                   when=datetime.now(UTC) + timedelta(seconds=2))  # IMAP keeps whole seconds: after the ask
    assert act(config, "poll", "--once") == 0
    row = case_row(config, reference)
    assert row["status"] == "open" and "clarification_received" in row["events"]

    assert act(config, "case", reference, "extend", "--reason", "pit") == 1
    assert act(config, "case", reference, "extend", "--reason", "your records are held in three systems") == 0
    extension = smtp.messages[-1]
    assert "Article 12(3)" in text(extension) and "three systems" in text(extension)
    assert act(config, "case", reference, "respond", "--outcome", "granted") == 0
    assert act(config, "case", reference, "respond", "--outcome", "granted") == 1
    assert "reopen it first" in capsys.readouterr().err

    for notice in (sar_notice, id_request, clarification, extension):
        assert "Freedom of Information" not in text(notice) and "20 working days" not in text(notice)
    capsys.readouterr()
    assert act(config, "report", "--from", "2026-11-01", "--to", "2026-11-30", "--json") == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["code"]["received"] == 0 and figures["sar"]["received"] == 1 and figures["sar"]["extended"] == 1


def test_a_fee_over_the_cost_limit_proposes_a_refusal_for_a_person(mailbox, smtp, tmp_path, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request())
    assert act(config, "poll", "--once") == 0
    reference, sent = "FOI-2026-00001", len(smtp.messages)
    capsys.readouterr()
    assert act(config, "case", reference, "fee", "--amount", "600", "--breakdown", "30 hours searching") == 1
    assert "policy 12.3" in capsys.readouterr().err
    assert act(config, "case", reference, "fee", "--amount", "0", "--breakdown", "locating the records",
               "--hours", "30") == 0
    out = capsys.readouterr().out
    assert "over the £450 cost limit" in out and f"case {reference} cost-limit --advice" in out
    assert len(smtp.messages) == sent  # nothing goes to the requester until a person decides
    assert case_row(config, reference)["status"] == "open"
    assert act(config, "case", reference, "cost-limit", "--advice", "Ask for one year rather than ten") == 0
    row = case_row(config, reference)
    assert row["status"] == "responded" and "cost_estimate" in row["events"]

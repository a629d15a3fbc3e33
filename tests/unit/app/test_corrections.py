"""People correct the bot: a case by hand, a promoted message, a reclassified case, the corrections exported.

Run through the commands on the embedded default (Maildir, SQLite, file outbox), as a DSP officer would.
"""

from __future__ import annotations

import email
import json
import mailbox
from pathlib import Path

import pytest
from sqlalchemy import select

from config.settings import load
from intake import cli
from intake.app import build
from intake.caselog import Case, Message
from intake.vocabulary import EventType, MessageStatus
from tests.conftest import write_maildir_config
from tests.mail import request


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_maildir_config(tmp_path)
    assert cli.main(["--config", str(path), "init"]) == 0
    return path


def act(config: Path, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def deliver(config: Path, raw: bytes) -> None:
    mailbox.Maildir(config.parent / "mail").add(raw)


def cases(config: Path) -> list[Case]:
    app = build(load(config))
    with app.sessions() as s:
        found = list(s.scalars(select(Case).order_by(Case.id)))
        for case in found:
            _ = case.events, case.notices
    app.close()
    return found


def sent(config: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted((config.parent / "sent").glob("*.eml"))]


def test_a_posted_letter_is_opened_by_hand_with_both_dates(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert act(config, "cases", "open", "--method", "post", "--received", "2026-11-16",
               "--received-by-dsp", "2026-11-18", "--name", "Margaret Hale", "--address", "1 Mill Lane, Leeds LS6 2AB",
               "--description", "Car parking income 2025/26", "--question", "How much did parking raise?") == 0
    assert "FOI-2026-00001 opened" in capsys.readouterr().out
    [case] = cases(config)
    received = case.events[0]
    assert (case.method, case.requester_name, case.requester_postal_address) == (
        "post", "Margaret Hale", "1 Mill Lane, Leeds LS6 2AB")
    assert received.data["received_by_dsp"] == "2026-11-18" and received.actor != "foi-intake"
    assert case.initial_received_at.date().isoformat() == "2026-11-16"  # the clock runs from the body's receipt
    # No email address: nothing is sent, and the case says why, so someone answers by post.
    assert any(e.type == EventType.NOTICE_SUPPRESSED for e in case.events) and case.notices == []


def test_a_phoned_request_is_eir_or_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cases", "open", "--method", "phone", "--received", "2026-11-16T10:15", "--name", "Tom Whitfield",
            "--email", "tom@example.org", "--description", "Air quality readings at the hospital site"]
    assert act(config, *args) == 1
    assert "in writing (FOIA s.8(1)(a))" in capsys.readouterr().err
    assert cases(config) == []
    assert act(config, *args, "--regime", "eir") == 0
    assert act(config, "poll", "--once") == 0
    [ack] = sent(config)
    assert ack["To"] == "tom@example.org" and "[FOI-2026-00001]" in ack["Subject"]


def test_a_message_the_bot_did_not_take_for_a_request_is_promoted(config: Path) -> None:
    deliver(config, request(subject="Parking", body="Hello,\n\nWhat time does the car park at St Mary's open?\n\n"
                                                   "Thanks,\nPriya Natarajan\n"))
    assert act(config, "poll", "--once") == 0
    assert cases(config) == []
    app = build(load(config))
    with app.sessions() as s:
        [msg] = s.scalars(select(Message)).all()
        message_id, first_folder = msg.id, msg.filed_in
    app.close()
    assert act(config, "messages", "promote", str(message_id), "--reason", "asks for recorded opening times") == 0
    assert act(config, "poll", "--once") == 0
    [case] = cases(config)
    assert [e.type for e in case.events if e.type == EventType.PROMOTED] == [EventType.PROMOTED]
    [ack] = sent(config)
    assert ack["To"] == "priya@example.org" and case.reference in ack["Subject"]
    app = build(load(config))
    with app.sessions() as s:
        moved = s.get(Message, message_id)
        assert moved is not None and moved.status == MessageStatus.PROCESSED and moved.filed_in != first_folder
    app.close()
    assert act(config, "messages", "promote", str(message_id), "--reason", "again") == 1  # once only


def test_reclassifying_foi_as_subject_access_moves_the_case_to_the_sar_route(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deliver(config, request(subject="Records", body="Dear FOI team,\n\nPlease send me the minutes of the board "
                                                    "meeting that discussed my complaint.\n\nPriya Natarajan\n"))
    assert act(config, "poll", "--once") == 0
    [case] = cases(config)
    assert case.reference == "FOI-2026-00001" and case.regime == "foi"
    assert act(config, "case", "FOI-2026-00001", "reclassify", "--regime", "sar",
               "--reason", "she asks for her own complaint file") == 0
    assert "now SAR-2026-00001" in capsys.readouterr().out
    assert act(config, "poll", "--once") == 0
    [case] = cases(config)
    assert (case.reference, case.former_reference, case.regime) == ("SAR-2026-00001", "FOI-2026-00001", "sar")
    assert [n.kind for n in case.notices] == ["acknowledgement", "sar_notice"]
    # A reply quoting the old number still finds the case.
    deliver(config, request(subject="Re: [FOI-2026-00001] Records", body="Thank you.\n\nPriya\n"))
    assert act(config, "poll", "--once") == 0
    assert len(cases(config)) == 1
    assert act(config, "case", "SAR-2026-00001", "reclassify", "--regime", "sar", "--reason", "x") == 1


def test_corrections_are_exported_as_labelled_examples_for_the_owner_only(config: Path, tmp_path: Path) -> None:
    deliver(config, request(subject="Records", body="Dear FOI team,\n\nPlease send me the minutes of the board "
                                                    "meeting.\n\nPriya Natarajan\n"))
    assert act(config, "poll", "--once") == 0
    assert act(config, "case", "FOI-2026-00001", "reclassify", "--flag", "media", "--reason", "a reporter") == 0
    out = tmp_path / "corrections"
    assert act(config, "corpus", "export", str(out)) == 0
    labels = json.loads((out / "labels.json").read_text())
    [(name, label)] = labels.items()
    assert name.endswith(".eml") and label["media"] is True and label["kind"] == "foi_request"
    assert label["notes"] == "corrected by a person: a reporter"
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o600}
    assert out.stat().st_mode & 0o777 == 0o700

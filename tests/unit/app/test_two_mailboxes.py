"""An FOI and a subject access mailbox in one configuration, on the embedded default (Maildir, file outbox):
each read into its own case log, each answered from its own address, each worked on by name."""

from __future__ import annotations

import email
import mailbox
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pytest

from intake import cli
from tests.conftest import ORGANISATION
from tests.mail import request

SAR_ADDRESS = "subject.access@example-icb.nhs.uk"


@pytest.fixture
def config(tmp_path: Path, new_database_url: Callable[[str], str]) -> Path:
    for box in ("foi-mail", "sar-mail"):
        for sub in ("cur", "new", "tmp"):
            (tmp_path / box / sub).mkdir(parents=True)
    path = tmp_path / "foi.toml"
    path.write_text(f"""
{ORGANISATION}
[smtp]
kind = "file"
path = "sent"

[classifier]
model = ""

[[mailbox]]
name = "foi"
kind = "maildir"
path = "foi-mail"
[mailbox.database]
url = "{new_database_url('foi')}"

[[mailbox]]
name = "sar"
kind = "maildir"
path = "sar-mail"
[mailbox.database]
url = "{new_database_url('sar')}"
[mailbox.organisation]
foi_address = "{SAR_ADDRESS}"
[mailbox.smtp]
path = "sent-sar"
""")
    assert cli.main(["--config", str(path), "init"]) == 0
    return path


def sent(directory: Path) -> list[Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(directory.glob("*.eml"))]


def test_one_poll_reads_both_mailboxes_into_their_own_case_logs(config: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    mailbox.Maildir(config.parent / "foi-mail").add(request(sender="Ann Lee <ann@example.org>"))
    mailbox.Maildir(config.parent / "sar-mail").add(request(
        sender="Bo Chen <bo@example.org>", subject="My records",
        body="Dear team,\n\nUnder the UK GDPR please send me a copy of all the personal data you hold about me."
             "\n\nBo Chen\n"))
    capsys.readouterr()
    assert cli.main(["--config", str(config), "poll", "--once"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[foi]\n") and "\n[sar]\n" in out and out.count("cases_opened=1") == 2
    [to_ann] = sent(config.parent / "sent")
    [to_bo] = sent(config.parent / "sent-sar")
    assert "ann@example.org" in to_ann["To"] and SAR_ADDRESS not in to_ann["From"]
    assert "bo@example.org" in to_bo["To"] and SAR_ADDRESS in to_bo["From"]

    assert cli.main(["--config", str(config), "--mailbox", "sar", "cases", "list"]) == 0
    listed = capsys.readouterr().out
    assert "SAR-2026-00001" in listed and "FOI-2026" not in listed
    assert cli.main(["--config", str(config), "cases", "list"]) == 2
    assert "choose one with --mailbox" in capsys.readouterr().err


def test_a_mailbox_that_cannot_be_read_does_not_stop_the_other(config: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    mailbox.Maildir(config.parent / "sar-mail").add(request(sender="Ann Lee <ann@example.org>"))
    for sub in ("cur", "new", "tmp"):
        (config.parent / "foi-mail" / sub).rmdir()
    (config.parent / "foi-mail").rmdir()
    (config.parent / "foi-mail").write_text("not a Maildir")
    assert cli.main(["--config", str(config), "poll", "--once"]) != 0
    out, err = capsys.readouterr()
    [failure] = [line for line in err.splitlines() if line.startswith("foi-intake:")]  # the broken one's line
    assert failure.startswith("foi-intake: mailbox unavailable: ")
    assert "[sar]\n" in out and "cases_opened=1" in out.split("[sar]\n")[1]
    assert len(sent(config.parent / "sent-sar")) == 1

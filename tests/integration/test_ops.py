"""The operator's commands, against the real servers: status, held notices, messages for a person."""

from __future__ import annotations

import json

import pytest

from intake import cli
from tests.conftest import write_config
from tests.mail import request


def act(config, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def test_status_before_init_says_what_to_do(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp, init=False)
    assert act(config, "status") == 1
    assert "foi-intake init" in capsys.readouterr().err


def test_a_held_notice_is_listed_and_retried_once_smtp_is_back(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    smtp_section = f'port = {smtp.port}\ntls = "none"'
    config.write_text(config.read_text().replace(smtp_section, smtp_section + "\nmax_attempts = 1"))
    smtp.stop()
    mailbox.append(request())
    assert act(config, "poll", "--once") == 0
    capsys.readouterr()
    assert act(config, "status", "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["notices"] == {"held": 1} and status["held"][0]["kind"] == "acknowledgement"
    assert status["mailboxes"][0]["last_uid"] == 1
    smtp.start()
    notice_id = status["held"][0]["id"]
    assert act(config, "outbox", "retry", str(notice_id)) == 0
    assert len(smtp.messages) == 1
    assert act(config, "outbox", "retry", str(notice_id)) == 1  # already sent: nothing to retry
    assert len(smtp.messages) == 1


def test_messages_for_a_person_can_be_listed_exported_and_reprocessed(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    garbage = b"\x01\x02 not an email at all \xff\r\n"
    mailbox.append(garbage)
    act(config, "poll", "--once")
    capsys.readouterr()
    assert act(config, "messages", "list") == 0
    listing = capsys.readouterr().out
    assert "unparseable" in listing and "FOI/Needs a person" in listing
    out = tmp_path / "m.eml"
    assert act(config, "messages", "export", "1", str(out)) == 0
    assert out.read_bytes() == garbage and oct(out.stat().st_mode & 0o777) == "0o600"
    assert act(config, "messages", "reprocess", "1") == 0
    assert act(config, "poll", "--once") == 0  # still unparseable: back to a person, no case, no reply
    capsys.readouterr()
    act(config, "messages", "list")
    assert "unparseable" in capsys.readouterr().out and smtp.messages == []


def test_check_tries_every_part_and_names_the_one_that_fails(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request())
    assert act(config, "check") == 0
    out = capsys.readouterr().out
    for part in ("database", "mailbox", "smtp", "classifier", "templates"):
        assert f"ok   {part}" in out
    assert "1 messages waiting" in out and smtp.messages == []  # nothing sent, nothing moved
    smtp.stop()
    assert act(config, "check") == 1
    assert "FAIL smtp" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["poll", "--once"], ["check"], ["status"], ["cases", "list"]])
def test_a_missing_case_log_is_never_silently_replaced(tmp_path, mailbox, smtp, capsys, command):
    # A new empty log would issue FOI-2026-00001 again and acknowledge the whole mailbox a second time.
    config = write_config(tmp_path, mailbox, smtp, init=False)
    mailbox.append(request())
    assert act(config, *command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "restore it, or run foi-intake init" in err
    assert not (tmp_path / "foi-intake.sqlite3").exists() and smtp.messages == []


@pytest.mark.sqlite_only
def test_init_creates_the_case_log_for_its_owner_only(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, init=False)
    assert act(config, "init") == 0
    assert (tmp_path / "foi-intake.sqlite3").stat().st_mode & 0o777 == 0o600

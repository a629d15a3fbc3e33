"""Every refusal on the command line is one line, never a traceback (issue 11 items 9, 12 and 13). The embedded
default: Maildir, SQLite and a file outbox, no servers."""

from __future__ import annotations

import mailbox
import sqlite3
from pathlib import Path

import pytest

from intake.cli import commands as cli
from tests.conftest import write_maildir_config
from tests.mail import request


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_maildir_config(tmp_path, "[database]\nlock_timeout_seconds = 0.2\n")
    path.write_text(path.read_text().replace('path = "sent"\n', 'path = "sent"\nmax_attempts = 1\n'))
    assert cli.main(["--config", str(path), "init"]) == 0
    return path


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400", "-5"])
def test_a_fee_that_is_not_an_amount_of_money_is_refused_in_one_line(config: Path, amount: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        cli.main(["--config", str(config), "case", "FOI-2026-00001", "fee", "--amount", amount, "--breakdown", "x"])
    assert refused.value.code == 2
    assert f"not an amount of money between £0 and £1,000,000: '{amount}'" in one_line(capsys)


def test_an_absurd_notice_number_is_no_notice(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["--config", str(config), "outbox", "retry", "99999999999999999999999"]) == 1
    assert "notice 99999999999999999999999 is not held or pending" in one_line(capsys)
    assert cli.main(["--config", str(config), "messages", "export", "99999999999999999999999", "x.eml"]) == 1
    assert "no message 99999999999999999999999" in one_line(capsys)


def test_a_deadline_beyond_the_calendar_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["deadline", "--kind", "foi", "--received", "9999-12-31T23:59"]) == 2
    assert "beyond the calendar" in one_line(capsys)


def test_a_configuration_that_is_a_directory_is_refused_in_one_line(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(tmp_path), "cases", "list"]) == 2
    assert f"{tmp_path} is a directory, not a configuration file" in one_line(capsys)


def test_a_report_from_after_to_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert cli.main(["--config", str(config), "report", "--from", "2026-05-01", "--to", "2026-01-01"]) == 1
    assert "--from 2026-05-01 is after --to 2026-01-01" in one_line(capsys)


def test_outbox_retry_all_sends_every_held_notice_again(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box = mailbox.Maildir(config.parent / "mail", create=True)
    box.add(request())
    box.add(request(sender="Sam Jones <sam@example.org>", subject="Parking income"))
    (config.parent / "sent").write_text("not a directory")  # the outbox cannot write: every notice is held
    assert cli.main(["--config", str(config), "poll", "--once"]) == 0
    assert "sent=0 retrying=0 held=2" in capsys.readouterr().out
    (config.parent / "sent").unlink()
    assert cli.main(["--config", str(config), "outbox", "retry", "--all"]) == 0
    assert "2 held notice(s): sent 2" in capsys.readouterr().out
    assert len(list((config.parent / "sent").iterdir())) == 2


@pytest.mark.sqlite_only  # the lock of a SQLite file; tests/unit/app/test_transient.py holds PostgreSQL's too
def test_a_locked_database_stops_the_pass_in_one_line_and_the_next_pass_reads_the_mail(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mailbox.Maildir(config.parent / "mail", create=True).add(request())
    other = sqlite3.connect(config.parent / "foi-intake.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the case log
    capsys.readouterr()
    assert cli.main(["--config", str(config), "poll", "--once"]) == 4
    assert one_line(capsys).startswith("foi-intake: temporary fault while storing new mail: database is locked")
    other.execute("ROLLBACK")
    assert cli.main(["--config", str(config), "poll", "--once"]) == 0
    assert "cases_opened=1" in capsys.readouterr().out

"""The `foi-intake` command as an operator meets it: real processes, real servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake import cli
from tests.conftest import write_config
from tests.mail import request

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example.toml"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intake.cli", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_poll_once_then_cases_list_and_show_as_json(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, init=False)
    assert run_cli("--config", str(config), "init").returncode == 0
    mailbox.append(request(sender="Jo Bloggs <jo@example.org>", subject="Interpreters",
                           body="Please provide the cost of interpreters in 2025.\n\nJo Bloggs\n"))
    polled = run_cli("--config", str(config), "poll", "--once")
    assert polled.returncode == 0, polled.stderr
    assert "cases_opened=1" in polled.stdout and "sent=1" in polled.stdout

    listed = run_cli("cases", "list", "--json", env={"FOI_INTAKE_CONFIG": str(config)})
    [case] = json.loads(listed.stdout)
    for key in ("reference", "status", "requester_name", "requester_address", "received_at",
                "due_date", "kind", "regime", "flags"):
        assert key in case
    assert case["reference"] == "FOI-2026-00001" and case["requester_name"] == "Jo Bloggs"
    assert case["requester_address"] == "jo@example.org" and case["kind"] == "foi_request"

    shown = json.loads(run_cli("--config", str(config), "cases", "show", "FOI-2026-00001",
                               "--json").stdout)
    assert shown["due_date"] == case["due_date"]
    assert [n["status"] for n in shown["notices"]] == ["sent"]
    assert [e["type"] for e in shown["events"]] == ["received", "notice_queued"]
    assert any(r["rule"] == "validity" for r in shown["reasons"])
    waiting = run_cli("--config", str(config), "cases", "list", "--status", "awaiting_clarification", "--json")
    assert json.loads(waiting.stdout) == []
    overdue = run_cli("--config", str(config), "cases", "list", "--overdue", "--json")  # due 14 Dec 2026
    assert [c["reference"] for c in json.loads(overdue.stdout)] == (
        ["FOI-2026-00001"] if case["clock_state"] == "overdue" else [])
    missing = run_cli("--config", str(config), "cases", "show", "FOI-1999-00001")
    assert missing.returncode == 1 and "no case FOI-1999-00001" in missing.stderr


def test_poll_once_fails_non_zero_when_the_mailbox_is_unreachable(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, extra="")
    text = config.read_text().replace(f"port = {mailbox.server.port}", "port = 1")
    config.write_text(text)
    result = run_cli("--config", str(config), "poll", "--once")
    assert result.returncode == 3
    assert "mailbox unavailable" in result.stderr and "after 5 attempts" in result.stderr


@pytest.mark.parametrize(("edit", "message"), [
    (("port = ", "port = \"x\" #"), "mailbox.port: expected an integer"),
    (("kind = \"imap\"", "kind = \"pop3\""), "mailbox.kind: expected one of imap, maildir"),
    (("foi_address = ", "foi_addres = "), "organisation.foi_addres: unknown key"),
    (("foi_address = ", "# foi_address = "), "organisation.foi_address: missing"),
    (("password_file = \"imap.secret\"", "password = \"hunter2\""),
     "mailbox.password: passwords never live in the TOML"),
    (("password_file = \"imap.secret\"", "password_env = \"NO_SUCH_VARIABLE_X\""),
     "mailbox.password_env: environment variable NO_SUCH_VARIABLE_X is not set"),
    (("[schedule]", "[schedul]"), "schedul: unknown section"),
    (("tls = \"none\"\nusername", "tls = \"tls\"\nusername"), "mailbox.tls: expected one of"),
])
def test_a_wrong_key_fails_at_start_with_one_line_and_exit_2(tmp_path, mailbox, smtp, edit,
                                                             message):
    config = write_config(tmp_path, mailbox, smtp)
    text = config.read_text()
    assert edit[0] in text
    config.write_text(text.replace(edit[0], edit[1], 1))
    result = run_cli("--config", str(config), "poll", "--once")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_missing_config_is_a_one_line_error(monkeypatch, capsys):
    monkeypatch.delenv("FOI_INTAKE_CONFIG", raising=False)
    assert cli.main(["cases", "list"]) == 2
    assert "FOI_INTAKE_CONFIG" in capsys.readouterr().err


def test_example_config_is_valid(monkeypatch):
    from config.settings import load

    monkeypatch.setenv("FOI_IMAP_PASSWORD", "s3cret-imap")
    monkeypatch.setenv("FOI_SMTP_PASSWORD", "y")
    settings = load(EXAMPLE)
    assert settings.mailbox.password == "s3cret-imap"
    assert "s3cret" not in repr(settings)  # never in a log line or traceback
    assert settings.organisation.reference_format == "FOI-{year}-{seq:05d}"


def test_run_polls_on_schedule_and_stops_cleanly_on_sigterm(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp)
    proc = subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(config), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        mailbox.append(request())
        deadline = time.monotonic() + 60
        while not smtp.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(smtp.messages) == 1
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "stopped cleanly" in err
    assert len(smtp.messages) == 1


def test_read_only_commands_need_no_mailbox_password(tmp_path, mailbox, smtp):
    # A manager reading the case log on another machine has no business holding the mailbox secret.
    config = write_config(tmp_path, mailbox, smtp)
    assert run_cli("--config", str(config), "poll", "--once").returncode == 0  # a worker has passed: healthy
    (tmp_path / "imap.secret").unlink()
    for command in (["cases", "list"], ["status"], ["report", "--from", "2026-04-01", "--to", "2027-03-31"]):
        result = run_cli("--config", str(config), *command)
        assert result.returncode == 0, (command, result.stderr)
    polled = run_cli("--config", str(config), "poll", "--once")
    assert polled.returncode == 2 and "mailbox.password_file: cannot read" in polled.stderr

"""Running it unattended: the log a machine reads, the health file and endpoint a monitor reads, `status`."""

from __future__ import annotations

import email
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from email.policy import default
from email.utils import getaddresses
from importlib.metadata import version
from mailbox import Maildir
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from classifier import Classifier
from config.settings import load
from intake import cli
from intake.app import build, run_forever
from intake.app.health import Monitor
from intake.caselog import Message
from intake.mailbox import AuthenticationFailed
from tests.conftest import SHARED, settings_for, write_config, write_maildir_config
from tests.mail import request

REPO = Path(__file__).resolve().parents[2]
REQUESTER = "Marguerite Okonkwo-Hale <m.okonkwo.hale@example.org>"
SUBJECT = "Wheelchair services waiting list"


def act(config: Path, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def embedded(tmp_path: Path) -> Path:
    config = write_maildir_config(tmp_path)
    assert act(config, "init") == 0
    return config


def deliver(config: Path, raw: bytes) -> None:
    Maildir(config.parent / "mail").add(raw)


def health_file(config: Path) -> dict[str, Any]:
    path = config.parent / "foi-intake.health.json"  # beside the SQLite case log, foi-intake.sqlite3
    assert path.stat().st_mode & 0o777 == 0o600
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read()
        return exc.code, json.loads(body) if body.startswith(b"{") else {}


def personal_data(paths: list[Path]) -> set[str]:
    """Every sender's name and address and every subject of these messages (long enough not to be a word of
    ours, like "FOI")."""
    found: set[str] = set()
    for path in paths:
        msg = email.message_from_bytes(path.read_bytes(), policy=default)
        try:
            headers = [str(msg["From"] or ""), str(msg["Reply-To"] or "")]
            subject = str(msg["Subject"] or "")
        except (ValueError, IndexError):  # a header too broken to decode is not in any log either
            continue
        found.update(part.strip().lower() for _, addr in getaddresses(headers) for part in (_, addr))
        found.add(subject.strip().lower())
    return {item for item in found if len(item) >= 6}


def test_the_health_file_after_a_pass_on_the_embedded_default(tmp_path, capsys):
    config = embedded(tmp_path)
    deliver(config, request(sender=REQUESTER, subject=SUBJECT))
    assert act(config, "poll", "--once") == 0
    health = health_file(config)
    assert health["healthy"] is True and health["problem"] is None and health["auth_failed"] is False
    assert health["last_success"] and health["last_outbox"] and health["last_error"] is None
    assert (health["outbox_queued"], health["held"], health["needs_person"]) == (0, 0, 0)
    assert health["lease_holder"].startswith(f"pid {os.getpid()} on ") and health["version"] == version("foi-intake")
    text = json.dumps(health).lower()
    assert "okonkwo" not in text and "wheelchair" not in text
    capsys.readouterr()
    assert act(config, "status") == 0
    out = capsys.readouterr().out
    assert "health: ok" in out and f"last successful pass: {health['last_success']}" in out
    assert f"worker (lease holder): pid {os.getpid()} on " in out
    assert act(config, "status", "--json") == 0
    shown = json.loads(capsys.readouterr().out)["health"]
    assert shown["healthy"] is True and shown["lease_holder"] == health["lease_holder"]
    assert (shown["outbox_queued"], shown["held"], shown["needs_person"]) == (0, 0, 0)


def test_the_health_file_after_an_outbox_failure(tmp_path, capsys):
    config = embedded(tmp_path)
    config.write_text(config.read_text().replace('path = "sent"',
                                                 'path = "sent"\nmax_attempts = 2\nretry_backoff_seconds = 0'))
    (tmp_path / "sent").write_text("a file where the outbox directory should be")
    deliver(config, request(sender=REQUESTER, subject=SUBJECT))
    assert act(config, "poll", "--once") == 0
    first = health_file(config)
    assert (first["outbox_queued"], first["held"]) == (1, 0)
    assert first["last_error"].startswith("outbox: 1 notice(s) to retry, 0 held: ") and "File exists" in \
        first["last_error"]
    assert act(config, "poll", "--once") == 0
    second = health_file(config)
    assert (second["outbox_queued"], second["held"]) == (0, 1)
    assert second["last_error"].startswith("outbox: 0 notice(s) to retry, 1 held: ")
    assert second["healthy"] is True  # the mailbox is read; the held notice is for a person, shown below
    assert "okonkwo" not in json.dumps(second).lower()
    capsys.readouterr()
    assert act(config, "status") == 0
    assert "outbox: 0 queued, 1 held" in capsys.readouterr().out


def test_status_exits_1_before_any_pass_and_while_a_login_is_refused(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    assert act(config, "status") == 1
    assert "foi-intake: unhealthy: no pass recorded yet" in capsys.readouterr().err
    assert act(config, "poll", "--once") == 0
    passed = health_file(config)["last_success"]
    assert act(config, "status") == 0
    (tmp_path / "imap.secret").write_text("not-the-password")
    assert act(config, "poll", "--once") == 3
    refused = health_file(config)
    assert refused["auth_failed"] is True and refused["last_success"] == passed  # kept from the earlier pass
    assert refused["last_error"].startswith("pass: AuthenticationFailed: IMAP server 127.0.0.1")
    capsys.readouterr()
    assert act(config, "status", "--json") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["health"]["problem"].startswith("a login was refused; last error: pass: ")
    assert "foi-intake: unhealthy: a login was refused" in captured.err
    (tmp_path / "imap.secret").write_text(mailbox.password)
    assert act(config, "poll", "--once") == 0
    assert act(config, "status") == 0


def test_the_endpoint_answers_503_while_the_mailbox_refuses_the_login(tmp_path, mailbox, smtp):
    settings = settings_for(tmp_path, mailbox, smtp, health={"listen": "127.0.0.1:0"})
    app = build(replace(settings, mailbox=replace(settings.mailbox, password="not-the-password")), create=True)
    assert app.lease.acquire()
    monitor = Monitor.start(app)
    try:
        assert monitor.endpoint is not None and monitor.endpoint.startswith("http://127.0.0.1:")
        status, body = get(monitor.endpoint)
        assert status == 503 and body["problem"] == "no successful pass yet"
        with pytest.raises(AuthenticationFailed):
            monitor.run("poll", app.intake.poll_once)
        status, body = get(monitor.endpoint)
        assert status == 503 and body["auth_failed"] is True and body["problem"].startswith("a login was refused")
        assert get(monitor.endpoint.replace("/health", "/"))[0] == 404
    finally:
        monitor.close()
        app.close()


def wait_for(condition: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds}s for {what}"
        time.sleep(0.2)


def test_run_logs_json_lines_without_scheduler_chatter_and_serves_its_health(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, extra='[logging]\nformat = "json"\n\n'
                                                          '[health]\nlisten = "127.0.0.1:0"\n')
    path = tmp_path / "foi-intake.health.json"
    proc = subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(config), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        mailbox.append(request(sender=REQUESTER, subject=SUBJECT))
        wait_for(lambda: len(smtp.messages) == 1, "the acknowledgement")
        wait_for(lambda: path.exists() and json.loads(path.read_text())["outbox_queued"] == 0, "a health file")
        status, health = get(json.loads(path.read_text())["endpoint"])
        assert status == 200 and health["healthy"] is True and health["lease_holder"].startswith(f"pid {proc.pid} ")
        assert health["version"] == version("foi-intake") and health["last_success"]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    lines = [json.loads(line) for line in err.splitlines()]  # every line is one JSON object
    # Other libraries speak only to warn (APScheduler: a pass longer than poll_seconds), never at INFO.
    assert all(line["level"] in ("WARNING", "ERROR", "CRITICAL") for line in lines
               if line["logger"].split(".")[0] not in ("intake", "responders", "classifier")), err
    assert "stopped cleanly" in [line["message"] for line in lines]
    assert "Running job" not in err and "executed successfully" not in err
    assert "okonkwo" not in err.lower() and "wheelchair" not in err.lower()


def test_a_debug_log_of_a_pass_over_real_mail_names_no_sender_and_no_subject(tmp_path):
    config = write_maildir_config(tmp_path, '[logging]\nformat = "json"\n')
    assert act(config, "init") == 0
    corpus = sorted((REPO / "tests" / "corpus").glob("*.eml")) + sorted((SHARED / "corpus" / "flanker").glob("*.eml"))
    assert len(corpus) > 400, "corpus not found"
    for path in corpus:
        deliver(config, path.read_bytes())
    result = subprocess.run([sys.executable, "-m", "intake.cli", "--config", str(config), "-v", "poll", "--once"],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # one JSON object per line
    # Every message stored is accounted for, by its number in the case log.
    named = {int(n) for line in lines for n in re.findall(r"\bmessage (\d+)\b", line["message"])}
    app = build(load(config))
    with app.sessions() as s:
        stored = set(s.scalars(select(Message.id)))
    app.close()
    assert named == stored and len(stored) > 400
    log = result.stderr.lower()
    leaked = sorted(item for item in personal_data(corpus) if item in log)
    assert leaked == []


def test_a_message_that_breaks_processing_is_logged_without_what_it_says(tmp_path, monkeypatch, capsys):
    # A library's exception may quote its input; the log keeps the exception's type and place, never its text.
    config = embedded(tmp_path)
    deliver(config, request(sender=REQUESTER, subject=SUBJECT))

    def broken(self: Classifier, msg: Any) -> Any:
        raise ValueError(f"no rule for {msg.subject!r} from {msg.from_name} <{msg.from_address}>")

    monkeypatch.setattr(Classifier, "classify", broken)
    capsys.readouterr()
    assert act(config, "-v", "poll", "--once") == 0
    err = capsys.readouterr().err
    assert "message 1 could not be processed: ValueError < " in err  # its type and place, never its text
    assert "needs a person: internal error: ValueError" in err
    assert "okonkwo" not in err.lower() and "wheelchair" not in err.lower()


def test_a_slow_pass_does_not_make_the_outbox_miss_its_turn(tmp_path, monkeypatch):
    # Polling and sending share one thread, so the flush waits for the pass; APScheduler's default 1-second
    # misfire limit then skipped it, every time a pass took longer than a second.
    config = write_maildir_config(tmp_path, "[schedule]\npoll_seconds = 2\noutbox_seconds = 2\n")
    app = build(load(config), create=True)
    poll_once, flush = app.intake.poll_once, app.outbox.flush
    flushed, gave_up = threading.Event(), threading.Event()

    def slow_pass() -> Any:
        time.sleep(1.5)
        return poll_once()

    def flush_then_stop() -> Any:
        flushed.set()
        os.kill(os.getpid(), signal.SIGTERM)
        return flush()

    def give_up() -> None:
        gave_up.set()
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(app.intake, "poll_once", slow_pass)
    monkeypatch.setattr(app.outbox, "flush", flush_then_stop)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    safety = threading.Timer(60, give_up)  # only if the flush never comes
    safety.start()
    try:
        assert run_forever([app]) == 0
    finally:
        safety.cancel()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert flushed.is_set() and not gave_up.is_set()


def test_init_needs_no_password_so_an_upgrade_runs_where_the_credentials_are_not(tmp_path, mailbox, smtp):
    # Under systemd only the service is given its credentials; the administrator's `init` has none.
    config = write_config(tmp_path, mailbox, smtp, init=False)
    (tmp_path / "imap.secret").unlink()
    assert act(config, "init") == 0
    assert act(config, "init") == 0  # again, as an upgrade does: the migrations are applied, nothing is lost

"""One worker per mailbox, against a real Dovecot and SMTP server: two `run` processes never both send."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter

from config.settings import load
from intake.app import build
from tests.conftest import write_config
from tests.mail import request


def start(config) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(config), "run"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[1]


def holder_of(config) -> str:
    """Who holds the mailbox's lease, as another process sees it (a lock file, or a PostgreSQL session)."""
    app = build(load(config))
    try:
        return app.lease.holder()
    finally:
        app.close()


def wait_for(smtp, n: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while len(smtp.messages) < n and time.monotonic() < deadline:
        time.sleep(0.2)


def test_two_workers_on_one_mailbox_send_each_notice_once_and_the_second_takes_over(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp)
    first, second = start(config), start(config)
    try:
        for i in range(6):
            mailbox.append(request(sender=f"Requester {i} <r{i}@example.org>", subject=f"Question {i}",
                                   msgid=f"<lease-{i}@example.org>"))
        wait_for(smtp, 6)
        time.sleep(3)  # both workers have had several ticks in which to send anything twice
        assert Counter(m.message["In-Reply-To"] for m in smtp.messages) == {
            f"<lease-{i}@example.org>": 1 for i in range(6)}
        # The one that holds the lease is stopped; the other stands by and then serves the mailbox.
        pid = int(holder_of(config).split()[1])  # "pid 1234 on host since …"
        holder, standby = (first, second) if first.pid == pid else (second, first)
        err_holder = stop(holder)
        mailbox.append(request(sender="Late <late@example.org>", subject="After", msgid="<lease-late@example.org>"))
        wait_for(smtp, 7)
        err_standby = stop(standby)
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
    assert len(smtp.messages) == 7 and smtp.messages[-1].message["In-Reply-To"] == "<lease-late@example.org>"
    assert "stopped cleanly" in err_holder
    assert "standing by until it stops" in err_standby and "took over" in err_standby


def test_poll_once_while_a_worker_runs_stops_in_one_line(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp)
    worker = start(config)
    try:
        mailbox.append(request(msgid="<lease-poll@example.org>"))
        wait_for(smtp, 1)
        polled = subprocess.run([sys.executable, "-m", "intake.cli", "--config", str(config), "poll", "--once"],
                                capture_output=True, text=True, timeout=120)
    finally:
        stop(worker)
    assert polled.returncode == 1 and polled.stderr.count("\n") == 1
    assert "is being served by pid" in polled.stderr and "one worker per mailbox" in polled.stderr
    assert len(smtp.messages) == 1


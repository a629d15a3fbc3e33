"""Push on arrival, against a real Dovecot (which offers IDLE) and a real SMTP server: `foi-intake run` answers
new mail as it arrives, not at the next poll."""

from __future__ import annotations

import time

from tests.conftest import write_config
from tests.integration.test_lease import start, stop
from tests.mail import request

# Polling (and the outbox's own tick) so rarely that nothing but IDLE can answer within a test.
RARELY = 300


def arrives(smtp, n: int, seconds: float = 20) -> bool:
    """Whether the SMTP server holds `n` messages within `seconds` (generous: a behaviour, not a timing)."""
    deadline = time.monotonic() + seconds
    while len(smtp.messages) < n and time.monotonic() < deadline:
        time.sleep(0.1)
    return len(smtp.messages) >= n


def test_run_with_idle_acknowledges_new_mail_long_before_the_next_poll(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, poll_seconds=RARELY, outbox_seconds=RARELY)
    worker = start(config)
    try:
        # The first may be caught by the pass at start; after it, the next poll is minutes away.
        mailbox.append(request(msgid="<push-1@example.org>"))
        assert arrives(smtp, 1, seconds=60)
        mailbox.append(request(sender="Sam Okafor <sam@example.org>", msgid="<push-2@example.org>"))
        assert arrives(smtp, 2)
    finally:
        err = stop(worker)
    assert [m.message["In-Reply-To"] for m in smtp.messages] == ["<push-1@example.org>", "<push-2@example.org>"]
    assert "IDLE on imap://" in err and "stopped cleanly" in err


def test_run_with_idle_off_polls(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, mailbox_extra="idle = false", poll_seconds=1)
    worker = start(config)
    try:
        mailbox.append(request(msgid="<poll-1@example.org>"))
        assert arrives(smtp, 1, seconds=60)
        mailbox.append(request(sender="Sam Okafor <sam@example.org>", msgid="<poll-2@example.org>"))
        assert arrives(smtp, 2)
    finally:
        err = stop(worker)
    assert "IDLE" not in err and "stopped cleanly" in err


def test_idle_reconnects_after_the_server_drops_it(tmp_path, mailbox, smtp):
    config = write_config(tmp_path, mailbox, smtp, poll_seconds=RARELY, outbox_seconds=RARELY)
    worker = start(config)
    try:
        mailbox.append(request(msgid="<drop-1@example.org>"))
        assert arrives(smtp, 1, seconds=60)
        mailbox.server.kick(mailbox.user)  # every connection of the bot's user ends: IDLE's and the intake's
        time.sleep(1)
        mailbox.append(request(sender="Sam Okafor <sam@example.org>", msgid="<drop-2@example.org>"))
        assert arrives(smtp, 2)
        mailbox.server.kick(mailbox.user)  # and again: it is not a one-off
        time.sleep(1)
        mailbox.append(request(sender="Ann Lee <ann@example.org>", msgid="<drop-3@example.org>"))
        assert arrives(smtp, 3)
    finally:
        err = stop(worker)
    assert [m.message["In-Reply-To"] for m in smtp.messages] == [
        "<drop-1@example.org>", "<drop-2@example.org>", "<drop-3@example.org>"]
    assert "stopped cleanly" in err


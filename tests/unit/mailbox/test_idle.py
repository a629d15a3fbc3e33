"""The IDLE watcher's timing and recovery, on a fake IMAP connection and a fake clock (the real server's
behaviour is in tests/integration/test_push.py)."""

from __future__ import annotations

import imaplib
from pathlib import Path
from typing import Any

import pytest

from config.settings import ConfigError, Mailbox, parse
from intake.mailbox import IdleUnsupported, SourceUnavailable, open_watcher
from intake.mailbox.idle import ImapWatcher
from tests.unit.config.test_settings import minimal


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeClient:
    """An IMAP connection in IDLE: `responses` are what each idle_check hears; each waits out its timeout."""

    def __init__(self, clock: Clock, responses: list[list[tuple[Any, ...]]] | None = None, offers_idle: bool = True,
                 dead: bool = False) -> None:
        self.clock, self.responses, self.offers_idle, self.dead = clock, list(responses or []), offers_idle, dead
        self.idles: list[float] = []  # when IDLE was issued
        self.checks: list[float] = []  # the timeout of each idle_check
        self.done: list[tuple[Any, ...]] = []  # what the server says when IDLE ends
        self.ended = 0

    def has_capability(self, name: str) -> bool:
        return name == "IDLE" and self.offers_idle

    def idle(self) -> None:
        self.idles.append(self.clock.now)

    def idle_check(self, timeout: float) -> list[tuple[Any, ...]]:
        self.checks.append(timeout)
        if self.dead:  # imapclient at end of file: nothing, at once
            return []
        self.clock.now += timeout
        return self.responses.pop(0) if self.responses else []

    def idle_done(self) -> tuple[bytes, list[tuple[Any, ...]]]:
        if self.dead:
            raise imaplib.IMAP4.abort("socket error: EOF")
        self.ended += 1
        return b"Idle terminated", self.done


class FakeConnections:
    key = "imap://foi@fake/INBOX"

    def __init__(self, *clients: FakeClient) -> None:
        self.clients = list(clients)
        self.current: FakeClient | None = None
        self.opened = 0
        self.closed = False

    def connection(self) -> FakeClient:
        if self.current is None:
            if not self.clients:
                raise ConnectionRefusedError("no server")
            self.current = self.clients.pop(0)
            self.opened += 1
        return self.current

    def reset(self) -> None:
        self.current = None

    def close(self) -> None:
        self.current, self.closed = None, True


def watcher(*clients: FakeClient, clock: Clock, renew: int = 1500) -> tuple[ImapWatcher, FakeConnections, list[float]]:
    cfg = Mailbox(kind="imap", host="fake", username="foi", idle_renew_seconds=renew, reconnect_attempts=3,
                  reconnect_backoff_seconds=2.0)
    slept: list[float] = []
    connections = FakeConnections(*clients)
    return ImapWatcher(cfg, connections, clock=clock, sleep=slept.append), connections, slept


def test_new_mail_is_reported_when_the_server_announces_it_and_not_otherwise() -> None:
    clock = Clock()
    client = FakeClient(clock, [[], [(b"OK", b"Still here")], [(3, b"EXISTS"), (1, b"RECENT")], [(2, b"EXPUNGE")]])
    w, _, _ = watcher(client, clock=clock)
    # The first call starts IDLE: mail that came before anyone listened may be waiting, so it says yes.
    assert [w.wait_for_mail(1.0) for _ in range(5)] == [True, False, False, True, False]
    assert client.idles == [0.0]


def test_idle_is_issued_again_before_the_renewal_period_and_no_wait_runs_past_it() -> None:
    clock = Clock()
    client = FakeClient(clock)
    w, _, _ = watcher(client, clock=clock, renew=10)
    for _ in range(13):  # a start, then per 10 s: waits of 4, 4 and 2 s and a renewal
        w.wait_for_mail(4.0)
    assert client.idles == [0.0, 10.0, 20.0, 30.0]  # every 10 s, on the same connection
    assert client.checks[:3] == [4.0, 4.0, 2.0]  # the wait before a renewal is cut short to meet it
    assert max(b - a for a, b in zip(client.idles, client.idles[1:], strict=False)) <= 10


def test_mail_announced_as_idle_ends_for_renewal_is_reported() -> None:
    clock = Clock()
    client = FakeClient(clock)
    client.done = [(4, b"EXISTS")]
    w, _, _ = watcher(client, clock=clock, renew=2)
    assert [w.wait_for_mail(1.0) for _ in range(4)] == [True, False, False, True]


def test_a_server_that_says_bye_is_reconnected_and_reports_mail_may_be_waiting() -> None:
    clock = Clock()
    first = FakeClient(clock, [[(b"BYE", b"Server shutting down.")]])
    second = FakeClient(clock)
    w, connections, slept = watcher(first, second, clock=clock)
    assert w.wait_for_mail(1.0) is True
    assert w.wait_for_mail(1.0) is True  # BYE, a new connection, IDLE on it: mail may have come meanwhile
    assert connections.opened == 2 and second.idles and slept == [2.0]
    assert w.wait_for_mail(1.0) is False


def test_a_connection_closed_without_a_word_is_noticed_and_reconnected() -> None:
    clock = Clock()
    first, second = FakeClient(clock), FakeClient(clock)
    w, connections, _ = watcher(first, second, clock=clock)
    assert w.wait_for_mail(1.0) is True
    first.dead = True
    assert w.wait_for_mail(1.0) is True
    assert connections.opened == 2 and len(second.idles) == 1


def test_a_server_gone_for_good_is_unavailable_after_the_reconnect_attempts() -> None:
    clock = Clock()
    w, _, slept = watcher(FakeClient(clock, [[(b"BYE", b"bye")]]), clock=clock)
    w.wait_for_mail(1.0)
    with pytest.raises(SourceUnavailable, match="after 3 attempts"):
        w.wait_for_mail(1.0)
    assert slept == [2.0, 4.0]


def test_a_server_without_idle_is_named_and_left_to_polling() -> None:
    clock = Clock()
    w, connections, _ = watcher(FakeClient(clock, offers_idle=False), clock=clock)
    with pytest.raises(IdleUnsupported, match="does not offer IMAP IDLE"):
        w.wait_for_mail(1.0)
    w.close()
    assert connections.closed


def test_close_ends_idle_before_logging_out() -> None:
    clock = Clock()
    client = FakeClient(clock)
    w, connections, _ = watcher(client, clock=clock)
    w.wait_for_mail(1.0)
    w.close()
    assert client.ended == 1 and connections.closed


def imap(tmp_path: Path, **mailbox: Any) -> Mailbox:
    data = minimal()
    data["mailbox"] = {"kind": "imap", "host": "imap.example.org", "username": "foi", **mailbox}
    return parse(data, tmp_path, secrets=False).mailbox


def test_idle_is_on_by_default_renewed_within_rfc_2177s_29_minutes_and_can_be_turned_off(tmp_path: Path) -> None:
    default = imap(tmp_path)
    assert default.idle and default.idle_renew_seconds == 25 * 60
    assert open_watcher(default) is not None
    assert open_watcher(imap(tmp_path, idle=False)) is None
    assert open_watcher(parse(minimal(), tmp_path).mailbox) is None  # a Maildir is polled
    with pytest.raises(ConfigError, match=r"mailbox\.idle_renew_seconds: must be at most 1740"):
        imap(tmp_path, idle_renew_seconds=30 * 60)
    with pytest.raises(ConfigError, match=r"mailbox\.idle: expected true or false"):
        imap(tmp_path, idle="yes")

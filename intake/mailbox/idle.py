"""Push on arrival: an IMAP IDLE connection of its own that says when new mail may be waiting (RFC 2177).

A watcher never reads, stores or moves mail: it only tells its caller that a pass is worth running now, so
the one thread that touches the case log stays the only one."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from config.settings import Mailbox
from intake.errors import FoiIntakeError
from intake.mailbox.sources import TRANSIENT_ERRORS, ImapSource, with_reconnect

__all__ = ["IdleDropped", "IdleUnsupported", "ImapWatcher", "Watcher", "open_watcher"]

log = logging.getLogger(__name__)

# Untagged responses that announce new mail in the selected folder (RFC 3501 7.3.1, 7.3.2).
_NEW_MAIL = {b"EXISTS", b"RECENT"}


class IdleUnsupported(FoiIntakeError):
    """The IMAP server does not offer IDLE: the mailbox is polled instead."""


class IdleDropped(ConnectionError):
    """The server ended the IDLE connection (BYE, or end of file); a ConnectionError, so it is reconnected."""


class Watcher(Protocol):
    """Says when new mail may have arrived; the caller then runs a pass."""

    def wait_for_mail(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class Connections(Protocol):
    """Where a watcher gets its connection: ImapSource, or a fake in the unit tests."""

    key: str

    def connection(self) -> Any: ...  # imapclient.IMAPClient (untyped), logged in, the folder selected

    def reset(self) -> None: ...

    def close(self) -> None: ...


class ImapWatcher:
    """Holds IDLE on the polled folder over its own connection, re-issued every `idle_renew_seconds`."""

    def __init__(self, cfg: Mailbox, connections: Connections | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], object] = time.sleep) -> None:
        self.cfg = cfg
        self._connections = connections or ImapSource(cfg)
        self.key = self._connections.key
        self._clock = clock
        self._sleep = sleep
        self._client: Any = None  # the connection in IDLE; None while there is none
        self._since = 0.0  # when IDLE was last issued, by `clock`
        self._started = False

    def wait_for_mail(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds. True when new mail may have arrived since the last call: the server
        announced it, or IDLE was (re)started and mail may have come while nobody listened."""
        return with_reconnect(self._connections, self.cfg, lambda: self._wait(timeout), sleep=self._sleep)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.idle_done()  # LOGOUT is refused while IDLE runs
            except Exception:  # the link may already be gone; nothing to save
                log.debug("ending IDLE failed", exc_info=True)
        self._connections.close()

    def _wait(self, timeout: float) -> bool:
        try:
            if self._client is None:
                self._start()
                return True
            left = self._since + self.cfg.idle_renew_seconds - self._clock()
            if left <= 0:
                return self._renew()
            wait = min(timeout, left)
            began = self._clock()
            responses = self._client.idle_check(timeout=wait)
            if any(r[0] == b"BYE" for r in responses):
                raise IdleDropped("the server ended the IDLE connection")
            if not responses and self._clock() - began < wait / 2:
                # imapclient returns nothing, at once, at end of file: ending IDLE shows whether the link is alive.
                return self._renew()
            return _announces_mail(responses)
        except TRANSIENT_ERRORS:
            self._client = None  # with_reconnect resets the connection; IDLE starts again on it
            raise

    def _start(self) -> None:
        client = self._connections.connection()
        if not client.has_capability("IDLE"):
            raise IdleUnsupported(f"{self.key} does not offer IMAP IDLE")
        client.idle()
        self._client, self._since = client, self._clock()
        if not self._started:
            log.info("IDLE on %s: new mail is handled as it arrives (IDLE renewed every %ss)", self.key,
                     self.cfg.idle_renew_seconds)
            self._started = True
        else:
            log.debug("IDLE on %s issued again", self.key)

    def _renew(self) -> bool:
        """End IDLE and issue it again (RFC 2177 section 3); selecting again logs in afresh where a token is due."""
        before = self._client
        _text, responses = before.idle_done()
        self._client = None
        self._start()
        return _announces_mail(responses) or self._client is not before


def _announces_mail(responses: list[tuple[Any, ...]]) -> bool:
    return any(len(r) > 1 and r[1] in _NEW_MAIL for r in responses)


def open_watcher(cfg: Mailbox, sleep: Callable[[float], object] = time.sleep) -> Watcher | None:
    """A watcher for this mailbox, or None where it is polled only (a Maildir, or `idle = false`)."""
    if cfg.kind != "imap" or not cfg.idle:
        return None
    return ImapWatcher(cfg, sleep=sleep)

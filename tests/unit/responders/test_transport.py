"""The SMTP transport builds its TLS context once, and none at all for tls = "none" (issue 12 item 2: building one
per notice read the CA store each time). smtplib's client is a stand-in that records what it was asked."""

from __future__ import annotations

import ssl
from typing import Any, ClassVar

import pytest

import responders.transport as transport
from config.settings import Smtp
from responders.transport import SmtpTransport


class FakeClient:
    """What smtplib.SMTP does for the transport, recorded: every call, and the context STARTTLS was given."""

    made: ClassVar[list[FakeClient]] = []

    def __init__(self, host: str, port: int, timeout: float = 0, context: Any = None) -> None:
        self.calls: list[str] = []
        self.contexts: list[Any] = []
        FakeClient.made.append(self)

    def ehlo(self) -> None:
        self.calls.append("ehlo")

    def starttls(self, context: Any = None) -> None:
        self.contexts.append(context)

    def has_extn(self, name: str) -> bool:
        return False

    def mail(self, sender: str, options: list[str]) -> tuple[int, bytes]:
        self.calls.append("mail")
        return 250, b"OK"

    def rcpt(self, recipient: str) -> tuple[int, bytes]:
        return 250, b"OK"

    def data(self, raw: bytes) -> None:
        self.calls.append("data")

    def quit(self) -> None:
        self.calls.append("quit")

    def close(self) -> None:
        pass


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    FakeClient.made = []
    monkeypatch.setattr(transport.smtplib, "SMTP", FakeClient)
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counting() -> ssl.SSLContext:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(transport.ssl, "create_default_context", counting)
    return made


def flush(t: SmtpTransport, notices: int) -> None:
    for i in range(notices):
        t.send("foi@example.org", f"person{i}@example.org", b"Subject: x\r\n\r\nx\r\n", str(i))
    t.close()


def test_starttls_uses_one_context_for_every_session_of_the_transport(contexts: list[ssl.SSLContext]) -> None:
    t = SmtpTransport(Smtp(kind="smtp", host="mail.example.org", port=587, tls="starttls"))
    flush(t, 3)
    flush(t, 2)
    assert len(contexts) == 1  # built once, at the first login
    assert [c.contexts for c in FakeClient.made] == [[contexts[0]], [contexts[0]]]  # two flushes, two sessions
    assert [c.calls.count("data") for c in FakeClient.made] == [3, 2]
    assert all(c.calls[-1] == "quit" for c in FakeClient.made)


def test_no_tls_builds_no_context(contexts: list[ssl.SSLContext]) -> None:
    t = SmtpTransport(Smtp(kind="smtp", host="127.0.0.1", port=25, tls="none"))
    flush(t, 3)
    assert contexts == [] and len(FakeClient.made) == 1

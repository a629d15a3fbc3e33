"""One SMTP session per flush (issue 12 item 2) against a real aiosmtpd: every notice of a flush goes through one
login, each still its own transaction, so what the outbox records per notice is unchanged; a refused recipient
leaves the session for the next notice; a server that ends a reused session gets a fresh one, not a lost notice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from config.settings import Smtp
from intake.app import App, build
from intake.caselog import Notice, NoticeStatus
from intake.cli import demo_settings
from responders.outbox import SmtpTransport
from tests.servers import Sink, SmtpServer
from tests.unit.app.test_routing import ScriptedClassifier, deliver, valid_request

PEOPLE = ("ann@example.org", "bob@example.org", "cat@example.org")


@dataclass
class Counting(Sink):
    """Counts sessions (EHLO), refuses the recipients in `refuse` and answers 421 to the MAIL numbered in `drop`."""

    sessions: int = 0
    mails: int = 0
    refuse: set[str] = field(default_factory=set)
    drop: set[int] = field(default_factory=set)

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope, hostname: str,
                          responses: list[str]) -> list[str]:
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        with self.lock:
            self.mails += 1
            if self.mails in self.drop:
                return "421 4.3.2 closing this session"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    s = SmtpServer()
    s.sink = Counting()
    s.start()
    yield s
    s.stop()


@pytest.fixture
def app(tmp_path: Path, server: SmtpServer) -> App:
    settings = demo_settings(tmp_path)
    smtp = Smtp(kind="smtp", host="127.0.0.1", port=server.port, tls="none", retry_backoff_seconds=0,
                timeout_seconds=5)
    app = build(replace(settings, smtp=smtp), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def requests_from(app: App, people: tuple[str, ...]) -> None:
    for i, person in enumerate(people):
        deliver(app, f"Request {i}", valid_request, sender=person)
    app.intake.poll_once()


def statuses(app: App) -> dict[str, str]:
    with app.sessions() as s:
        return {n.to_address: n.status for n in s.scalars(select(Notice))}


def test_every_notice_of_a_flush_goes_through_one_session_and_each_is_marked_sent(app: App,
                                                                                   server: SmtpServer) -> None:
    sink = server.sink
    assert isinstance(sink, Counting) and isinstance(app.outbox.transport, SmtpTransport)
    requests_from(app, PEOPLE)
    assert app.outbox.flush().sent == 3
    assert sink.sessions == 1 and sorted(m.rcpt_tos[0] for m in server.messages) == sorted(PEOPLE)
    assert set(statuses(app).values()) == {NoticeStatus.SENT}
    requests_from(app, ("dan@example.org",))
    assert app.outbox.flush().sent == 1 and sink.sessions == 2  # a session per flush, never one left open


def test_a_refused_recipient_leaves_the_session_for_the_next_notice(app: App, server: SmtpServer) -> None:
    sink = server.sink
    assert isinstance(sink, Counting)
    sink.refuse = {"bob@example.org"}
    requests_from(app, PEOPLE)
    report = app.outbox.flush()
    assert (report.sent, report.retrying) == (2, 1) and sink.sessions == 1
    assert statuses(app) == {"ann@example.org": NoticeStatus.SENT, "bob@example.org": NoticeStatus.PENDING,
                             "cat@example.org": NoticeStatus.SENT}
    assert [m.rcpt_tos for m in server.messages] == [["ann@example.org"], ["cat@example.org"]]


def test_a_server_that_ends_a_reused_session_gets_a_fresh_one_and_no_notice_waits(app: App,
                                                                                  server: SmtpServer) -> None:
    sink = server.sink
    assert isinstance(sink, Counting)
    sink.drop = {2}  # the second MAIL FROM of the session: 421, as a server ends a session it will keep no longer
    requests_from(app, PEOPLE)
    assert app.outbox.flush().sent == 3 and sink.sessions == 2
    assert set(statuses(app).values()) == {NoticeStatus.SENT}
    assert len(server.messages) == 3  # each notice once: the dropped transaction had sent no DATA

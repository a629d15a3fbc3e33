"""Issue 11 item 8: hostile mail through the real pipeline, on SQLite and (with --database postgresql) PostgreSQL.

Every message of the issue's "Why" list, and mutants of the flanker corpus found by Hypothesis, keep the invariants
of tests/hostile.py: nothing lost, no traceback, no notice but to the From sender (or a Reply-To in its domain), none
to machine mail, at most one acknowledgement per request; and an ordinary request behind each one is acknowledged,
so the pass never stopped. FOI_HOSTILE_EXAMPLES (default 30) and FOI_HOSTILE_FLOOD (default 20) run more, and
FOI_HOSTILE_SEED other mutants than the fixed ones.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from sqlalchemy import delete, select

from config.settings import load
from intake.app import App, build
from intake.caselog import Base, Case, Message, Notice
from intake.vocabulary import MessageStatus, NoticeStatus
from tests.conftest import ARRIVED, Mailbox, settings_for, write_maildir_config
from tests.hostile import (
    THIRD_PARTY,
    Sent,
    flood,
    helpdesk_answer,
    mutants,
    mutate,
    recipients,
    stranger_quoting,
    violations,
    why_list,
)
from tests.mail import request
from tests.servers import SmtpServer

EXAMPLES = int(os.environ.get("FOI_HOSTILE_EXAMPLES", "30"))
SEED = os.environ.get("FOI_HOSTILE_SEED")  # another stream of mutants than the fixed one
FLOOD = int(os.environ.get("FOI_HOSTILE_FLOOD", "20"))  # four times the notice limit; the issue saw 200
LOOP_LIMIT = 5  # responders.notices_per_sender_per_day, the default


class Rig(Protocol):
    app: App

    def deliver(self, raw: bytes) -> None: ...

    def sent(self) -> list[Sent]: ...


class MaildirRig:
    """The embedded default: a Maildir, the case log, a file outbox. Mail is delivered in order, arrived at ARRIVED."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.app = build(load(write_maildir_config(tmp)), create=True)
        self.new = tmp / "mail" / "new"
        self.count = 0

    def deliver(self, raw: bytes) -> None:
        self.count += 1
        path = self.new / f"{self.count:06d}.hostile"  # sorted as delivered: the canary behind the hostile one
        path.write_bytes(raw)
        os.utime(path, (ARRIVED.timestamp(), ARRIVED.timestamp()))

    def sent(self) -> list[Sent]:
        return [Sent(recipients(p.read_bytes()), p.read_bytes()) for p in sorted((self.tmp / "sent").glob("*.eml"))]

    def reset(self) -> None:
        """An empty mailbox, case log and outbox again (each Hypothesis example stands alone, so it shrinks)."""
        with self.app.sessions() as s:
            for table in reversed(Base.metadata.sorted_tables):
                s.execute(delete(table))
            s.commit()
        for path in [*(self.tmp / "mail").rglob("*"), *(self.tmp / "sent").glob("*")]:
            if path.is_file():
                path.unlink()


class ImapRig:
    """A real Dovecot mailbox and a real aiosmtpd server without SMTPUTF8."""

    def __init__(self, app: App, mailbox: Mailbox, smtp: SmtpServer) -> None:
        self.app, self.mailbox, self.smtp = app, mailbox, smtp

    def deliver(self, raw: bytes) -> None:
        self.mailbox.append(raw)

    def sent(self) -> list[Sent]:
        return [Sent(tuple(m.rcpt_tos), m.data) for m in self.smtp.messages]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[MaildirRig]:
    r = MaildirRig(tmp_path)
    yield r
    r.app.close()


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO)
    return caplog


def canary(i: int) -> bytes:
    """An ordinary request behind a hostile one: if it is acknowledged, the pass did not stop."""
    return request(sender=f"Priya Natarajan <{canary_address(i)}>", msgid=f"<canary-{i}@example.org>")


def canary_address(i: int) -> str:
    return f"priya.canary{i}@example.org"


def to(rig: Rig, address: str) -> list[Sent]:
    return [m for m in rig.sent() if address in m.rcpt]


def run_gauntlet(rig: Rig, flood_size: int) -> None:
    """Every item of the "Why" list with a canary behind it, a flood, then the passes a stranger and a robot need."""
    hostile = why_list()
    for i, (_name, raw) in enumerate(hostile):
        rig.deliver(raw)
        rig.deliver(canary(i))
    for raw in flood(flood_size):
        rig.deliver(raw)
    rig.app.poll_and_flush()
    with rig.app.sessions() as s:
        nameless = s.scalar(select(Case).where(Case.requester_email == "bluebird1987@example.com"))
        assert nameless is not None and nameless.requester_name is None
        reference = nameless.reference
    rig.deliver(stranger_quoting(reference))
    ticket, answered = 1000, 0
    for _ in range(LOOP_LIMIT + 3):  # the robot answers every notice it gets with a new ticket and Reply-To
        rig.app.poll_and_flush()
        new = [m for m in rig.sent() if any(r.endswith("@helpdesk.example") for r in m.rcpt)][answered:]
        answered += len(new)
        for _notice in new:
            ticket += 1
            rig.deliver(helpdesk_answer(ticket))

    assert [len(to(rig, canary_address(i))) for i in range(len(hostile))] == [1] * len(hostile)
    assert len(to(rig, "flood@example.org")) == flood_size  # each real request is a request
    assert answered <= LOOP_LIMIT  # then the loop stopped
    assert not to(rig, THIRD_PARTY) and not to(rig, "jordan@elsewhere.example")
    with rig.app.sessions() as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None and case.requester_name is None  # the stranger changed nothing
        twice = s.scalars(select(Message.case_id).where(Message.message_id.like("<twice-%"))).all()
        assert len(twice) == 2 and twice[0] == twice[1] and twice[0] is not None  # one case for both copies
        forged = s.scalar(select(Message).where(Message.subject == "FW: MIU closures"))
        assert forged is not None and forged.status == MessageStatus.NEEDS_PERSON and forged.case_id is None


def test_every_hostile_message_of_the_issue_keeps_the_invariants(rig: MaildirRig,
                                                                 log_lines: pytest.LogCaptureFixture) -> None:
    run_gauntlet(rig, FLOOD)
    assert to(rig, "josé@exämple.org")  # the file outbox writes an international address as it is
    assert violations(rig.app, rig.sent(), log_lines.records) == []


def test_hostile_mail_over_real_imap_and_smtp_keeps_the_invariants(tmp_path: Path, mailbox: Mailbox,
                                                                    smtp: SmtpServer, make_app,
                                                                    log_lines: pytest.LogCaptureFixture) -> None:
    imap = ImapRig(make_app(settings_for(tmp_path, mailbox, smtp)), mailbox, smtp)
    run_gauntlet(imap, 10)
    with imap.app.sessions() as s:  # this server has no SMTPUTF8: held with one reason, and the rest went
        [held] = s.scalars(select(Notice).where(Notice.to_address == "josé@exämple.org")).all()
        assert held.status == NoticeStatus.HELD and "does not offer SMTPUTF8" in (held.last_error or "")
    assert violations(imap.app, imap.sent(), log_lines.records) == []


@seed(int(SEED or 0))
@settings(max_examples=EXAMPLES, derandomize=SEED is None, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(mutant=mutants)
def test_mutated_flanker_mail_keeps_the_invariants(rig: MaildirRig, log_lines: pytest.LogCaptureFixture,
                                                   mutant: tuple[str, list[tuple[object, ...]]]) -> None:
    rig.reset()
    log_lines.clear()
    rig.deliver(mutate(*mutant))
    rig.deliver(canary(0))
    rig.app.poll_and_flush()
    rig.app.poll_and_flush()  # a second pass finds nothing left to do, and fails on nothing
    assert len(to(rig, canary_address(0))) == 1, "the request behind the mutant was not acknowledged once"
    assert violations(rig.app, rig.sent(), log_lines.records) == []
    with rig.app.sessions() as s:  # what became of the mutants (--hypothesis-show-statistics)
        first = s.scalar(select(Message).order_by(Message.id).limit(1))
        event(f"mutant {first.status if first else 'not stored'}, {len(rig.sent()) - 1} notice(s) besides the canary's")

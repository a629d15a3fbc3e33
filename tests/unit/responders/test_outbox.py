"""The outbox sets one notice aside whatever it does, and retries on a time budget as a mail server does (issue 11
items 1 and 12). The embedded default (Maildir, SQLite) with a scripted classifier and a transport that fails
as told."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Connection

from intake.app import App, build
from intake.caselog import Notice, NoticeStatus, utcnow
from intake.caselog.faults import TemporaryFault
from intake.cli import demo_settings
from responders.outbox import NotSent
from tests.unit.app.test_routing import ScriptedClassifier, deliver, valid_request


class Failing:
    """Raises what it is told for the addresses it is told; sends the rest (what it got is in `sent`)."""

    def __init__(self, fail: dict[str, BaseException]) -> None:
        self.fail = fail
        self.sent: list[str] = []

    def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None:
        if recipient in self.fail:
            raise self.fail[recipient]
        self.sent.append(recipient)


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def notices(app: App) -> dict[str, Notice]:
    with app.sessions() as s:
        return {n.to_address: n for n in s.scalars(select(Notice))}


def two_requests(app: App, failing: Failing) -> None:
    deliver(app, "Waiting times", valid_request, sender="Sam Jones <sam@example.org>")
    deliver(app, "Parking income", valid_request)
    app.intake.poll_once()
    app.outbox.transport = failing


def test_a_notice_that_raises_anything_is_held_with_its_reason_and_the_next_is_sent(app: App) -> None:
    failing = Failing({"sam@example.org": KeyError("sam@example.org")})
    two_requests(app, failing)
    report = app.outbox.flush()
    assert (report.sent, report.held) == (1, 1) and failing.sent == ["priya@example.org"]
    sam = notices(app)["sam@example.org"]
    assert sam.status == NoticeStatus.HELD and sam.last_error == "could not be sent: KeyError"
    assert app.outbox.flush().held == 0  # never left `sending`, never tried again by itself


def test_sending_is_retried_for_two_days_with_the_wait_capped_at_an_hour_then_held(app: App) -> None:
    failing = Failing({"sam@example.org": NotSent("ConnectionRefusedError: [Errno 111] Connection refused")})
    two_requests(app, failing)
    for _ in range(20):  # many more than a fixed small number of attempts
        app.outbox.flush(now=utcnow() + timedelta(days=30))
    sam = notices(app)["sam@example.org"]
    assert sam.status == NoticeStatus.PENDING and sam.attempts == 20
    assert sam.next_attempt_at - utcnow() <= timedelta(hours=1)  # backoff doubles, capped at an hour
    with app.sessions() as s:  # two days and an hour after the first attempt
        s.get(Notice, sam.id).retry_since = utcnow() - timedelta(days=2, hours=1)  # type: ignore[union-attr]
        s.commit()
    assert app.outbox.flush(now=utcnow() + timedelta(days=30)).held == 1
    sam = notices(app)["sam@example.org"]
    assert sam.status == NoticeStatus.HELD and sam.last_error is not None
    assert sam.last_error.startswith("gave up after 21 attempts over 49 hours; last error: ConnectionRefusedError")


def test_a_notice_in_doubt_again_and_again_is_held_when_its_budget_is_spent(app: App) -> None:
    two_requests(app, Failing({}))
    with app.sessions() as s:  # the process died during DATA, pass after pass, for two days
        for n in s.scalars(select(Notice)):
            n.status, n.attempts, n.retry_since = NoticeStatus.SENDING, 30, utcnow() - timedelta(days=3)
        s.commit()
    assert app.outbox.flush().held == 2
    assert {n.status for n in notices(app).values()} == {NoticeStatus.HELD}


def test_nul_and_bidi_overrides_from_a_subject_never_reach_the_notice_headers(app: App) -> None:
    subject = "Waiting times \u202egnp.exe\u202c \u2066x\u2069 and\x00 more"
    deliver(app, subject, valid_request)
    box_path = app.settings.mailbox.path
    assert box_path is not None
    app.intake.poll_once()
    [notice] = notices(app).values()
    ack = message_from_bytes(notice.raw, policy=policy.default)
    headers = "".join(f"{k}: {v}\n" for k, v in ack.items())
    assert "Waiting times gnp.exe x and more" in str(ack["Subject"])
    for bad in ("\x00", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"):
        assert bad not in headers


class Archive:
    """Stores copies as told: refuses those holding `bad`, or raises `down` (the mailbox gone) at every call."""

    def __init__(self, bad: bytes | None = None, down: BaseException | None = None) -> None:
        self.bad, self.down = bad, down
        self.calls: list[int] = []
        self.stored: list[bytes] = []

    def __call__(self, raws: Sequence[bytes]) -> int:
        self.calls.append(len(raws))
        if self.down is not None:
            raise self.down
        if self.bad is not None and any(self.bad in raw for raw in raws):
            raise ValueError("refused")
        self.stored += raws
        return len(raws)


def archived(app: App) -> dict[str, bool]:
    return {to: n.archived for to, n in notices(app).items()}


def test_sent_copies_are_stored_in_one_call_per_batch_and_one_refused_copy_keeps_no_other_out(app: App) -> None:
    two_requests(app, Failing({}))
    app.outbox.archive = copies = Archive(bad=b"sam@example.org")
    app.outbox.flush()
    assert copies.calls == [2, 1, 1]  # the batch, then one by one after the refusal
    assert archived(app) == {"sam@example.org": False, "priya@example.org": True}
    copies.bad = b"nobody"
    app.outbox.flush()
    assert copies.calls[-1:] == [1] and all(archived(app).values())  # the refused one, at the next flush


def test_sent_copies_wait_for_the_next_flush_when_the_mailbox_is_down(app: App) -> None:
    two_requests(app, Failing({}))
    app.outbox.archive = copies = Archive(down=ConnectionResetError())
    assert app.outbox.flush().sent == 2
    assert copies.calls == [2] and not any(archived(app).values())  # tried once, not one by one against a dead link
    copies.down = None
    app.outbox.flush()
    assert copies.calls[-1] == 2 and all(archived(app).values())


class LockedAfterSending:
    """Sends; then another process takes the case log's write lock before `sent` can be recorded (found by the fault
    harness, bench/faults.py: a one-second lock or a full disk there used to send the notice again)."""

    def __init__(self, url: str) -> None:
        self.sent: list[str] = []
        self.engine = create_engine(url)
        self.conn: Connection | None = None

    def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None:
        self.sent.append(recipient)
        self.conn = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("UPDATE notices SET status = status WHERE id = 0")
        else:
            self.conn.exec_driver_sql("LOCK TABLE notices IN EXCLUSIVE MODE")

    def release(self) -> None:
        assert self.conn is not None
        self.conn.rollback()
        self.conn.close()
        self.engine.dispose()


def test_a_notice_the_server_accepted_is_not_sent_again_when_recording_it_waited_for_a_lock(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path)
    app = build(replace(settings, database=replace(settings.database, lock_timeout_seconds=0.2)), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    deliver(app, "Waiting times", valid_request)
    app.intake.poll_once()
    transport = app.outbox.transport = LockedAfterSending(app.settings.database.url)
    with pytest.raises(TemporaryFault, match="sending notice"):
        app.outbox.flush()
    transport.release()
    assert app.outbox.flush().sent == 1
    assert transport.sent == ["priya@example.org"]  # recorded as sent, never sent twice
    assert notices(app)["priya@example.org"].status == NoticeStatus.SENT
    app.close()

"""A fault of the moment never parks a message (issue 11 item 9): a database lock (held for real by another
connection) or a full disk (SQLite's own "database or disk is full") during processing stops the pass with a
TemporaryFault; the message stays to be processed at the next pass, and then gets its acknowledgement."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text

from intake.app import App, PollReport, build
from intake.app.scheduler import guarded
from intake.caselog import Message, Notice
from intake.caselog.faults import TemporaryFault
from intake.cli import demo_settings
from intake.vocabulary import MessageStatus
from tests.unit.app.test_routing import ScriptedClassifier, deliver, valid_request


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    settings = demo_settings(tmp_path)
    settings = replace(settings, database=replace(settings.database, lock_timeout_seconds=0.2))
    app = build(settings, create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    yield app
    app.close()


def statuses(app: App) -> list[str]:
    """The messages' statuses, read on a connection of its own beside whatever holds the lock."""
    engine = create_engine(app.settings.database.url)
    with engine.connect() as conn:
        found = [row[0] for row in conn.execute(text("SELECT status FROM messages ORDER BY id"))]
    engine.dispose()
    return found


class OtherWriter:
    """Another process's transaction holding the write lock on the messages: SQLite's database lock, or
    PostgreSQL's table lock (reads go on; writes wait, then fail after lock_timeout_seconds)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.conn = self.engine.connect()
        self.conn.begin()
        if self.engine.dialect.name == "sqlite":
            self.conn.exec_driver_sql("UPDATE messages SET status = status")  # takes SQLite's write lock
        else:
            self.conn.exec_driver_sql("LOCK TABLE messages IN EXCLUSIVE MODE")

    def release(self) -> None:
        if self.conn.in_transaction():
            self.conn.rollback()

    def close(self) -> None:
        self.release()
        self.conn.close()
        self.engine.dispose()


def stored(app: App) -> PollReport:
    deliver(app, "Waiting times", valid_request)
    deliver(app, "Parking income", valid_request, sender="Sam Jones <sam@example.org>")
    report = PollReport()
    app.intake.fetch_and_store(report)
    assert report.stored == 2
    return report


def test_a_database_lock_during_processing_leaves_the_message_for_the_next_pass(app: App) -> None:
    report = stored(app)
    other = OtherWriter(app.settings.database.url)  # another writer holds the lock longer than the pass waits...

    def released(_context: Any) -> None:  # ...and lets go just after the pass gave up waiting
        other.release()

    event.listen(app.sessions.kw["bind"], "handle_error", released)
    try:
        with pytest.raises(TemporaryFault, match="lock"):
            app.intake.process_pending(report)
        assert statuses(app) == [MessageStatus.RECEIVED, MessageStatus.RECEIVED]  # nothing parked for good
    finally:
        other.close()
    again = app.intake.poll_once()
    assert len(again.cases_opened) == 2 and again.needs_person == 0
    with app.sessions() as s:
        assert len(s.scalars(select(Notice)).all()) == 2  # each gets its acknowledgement after all


@pytest.mark.sqlite_only
def test_a_full_disk_during_processing_leaves_the_message_for_the_next_pass(app: App) -> None:
    report = stored(app)
    engine = app.sessions.kw["bind"]
    with engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    def full(dbapi_conn: Any, _record: Any) -> None:  # the database may not grow: SQLITE_FULL on the next page
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", full)
    engine.dispose()
    with pytest.raises(TemporaryFault, match="database or disk is full"):
        app.intake.process_pending(report)
    assert MessageStatus.NEEDS_PERSON not in statuses(app) and statuses(app)[-1] == MessageStatus.RECEIVED
    event.remove(engine, "connect", full)
    engine.dispose()
    assert app.intake.poll_once().needs_person == 0
    with app.sessions() as s:
        assert {m.status for m in s.scalars(select(Message))} == {MessageStatus.PROCESSED}


def test_run_logs_a_temporary_fault_in_one_line_and_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    def locked() -> None:
        raise TemporaryFault("temporary fault while storing new mail: database is locked; nothing was set aside, "
                             "the next pass tries again")

    guarded("poll", locked)  # returns: the scheduler's next tick tries again
    [record] = caplog.records
    assert record.getMessage().startswith("poll failed, will retry at the next tick: temporary fault")
    assert record.exc_info is None

"""A fault of the moment never parks a message (issue 11 item 9): a database lock (held for real by another
connection) or a full disk (SQLite's own "database or disk is full") during processing stops the pass with a
TemporaryFault; the message stays to be processed at the next pass, and then gets its acknowledgement."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

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


def database(app: App) -> str:
    return app.settings.database.url.removeprefix("sqlite:///")


def statuses(app: App) -> list[str]:
    with sqlite3.connect(database(app)) as conn:  # read beside whatever holds the lock (WAL)
        return [row[0] for row in conn.execute("SELECT status FROM messages ORDER BY id")]


def stored(app: App) -> PollReport:
    deliver(app, "Waiting times", valid_request)
    deliver(app, "Parking income", valid_request, sender="Sam Jones <sam@example.org>")
    report = PollReport()
    app.intake.fetch_and_store(report)
    assert report.stored == 2
    return report


def test_a_database_lock_during_processing_leaves_the_message_for_the_next_pass(app: App) -> None:
    report = stored(app)
    other = sqlite3.connect(database(app), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock longer than the pass waits...

    def released(_context: Any) -> None:  # ...and lets go just after the pass gave up waiting
        if other.in_transaction:
            other.execute("ROLLBACK")

    event.listen(app.sessions.kw["bind"], "handle_error", released)
    with pytest.raises(TemporaryFault, match="database is locked"):
        app.intake.process_pending(report)
    assert statuses(app) == [MessageStatus.RECEIVED, MessageStatus.RECEIVED]  # nothing parked for good
    again = app.intake.poll_once()
    assert len(again.cases_opened) == 2 and again.needs_person == 0
    with app.sessions() as s:
        assert len(s.scalars(select(Notice)).all()) == 2  # each gets its acknowledgement after all


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

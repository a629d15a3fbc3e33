"""Every query a pass makes finds its rows by an index (issue 12 item 2): SQLite's EXPLAIN QUERY PLAN of each
statement of a pass and flush names no SCAN of messages, notices, cases or case events, so a pass costs the same at
1,000 messages as at 50,000 (the loop guard scanned every notice, 47% of a 50,000-message run).

The statements are the real ones, captured as the embedded default runs them, over the kinds of mail a day brings:
requests, a reply on a case, a copy, an auto-reply, a bounce of one of our notices, a reply to no case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from classifier import Triage
from intake.app import App, build
from intake.caselog import Notice, make_engine, session_factory
from intake.cli import demo_settings
from intake.mailbox import ParsedMessage
from intake.vocabulary import MessageKind
from tests.unit.app.test_routing import ScriptedClassifier, deliver, valid_request

pytestmark = pytest.mark.sqlite_only  # EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans by its own statistics

SCAN = re.compile(r"^SCAN (messages|notices|cases|case_events)\b")


def reply_to(reference: str) -> Any:
    def triage(parsed: ParsedMessage) -> Triage:
        return Triage(kind=MessageKind.CLARIFICATION_REPLY, regime=None, reference=reference,
                      address=parsed.from_address)
    return triage


def kind(value: MessageKind) -> Any:
    return lambda parsed: Triage(kind=value, regime=None)


class Statements:
    """Every statement the engine runs, with its parameters, while `recording`."""

    def __init__(self, app: App) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.recording = False
        engine = app.sessions.kw["bind"]

        @event.listens_for(engine, "before_cursor_execute")
        def _record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            if self.recording and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH")):
                self.seen.append((statement, parameters))


def plans(url: str, statements: list[tuple[str, Any]]) -> dict[str, list[str]]:
    """Each statement's query plan, as SQLite explains it."""
    engine = make_engine(url)
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for statement, parameters in statements:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            out[" ".join(statement.split())] = [str(r[-1]) for r in rows]
    return out


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def test_no_query_of_a_pass_and_its_flush_scans_a_table(app: App) -> None:
    for person in ("ann", "bob", "cat"):
        deliver(app, f"Request from {person}", valid_request, sender=f"{person}@example.org")
    report, _ = app.poll_and_flush()  # the first pass of a process looks at every case's messages once
    first = report.cases_opened[0]
    with app.sessions() as s:
        acknowledged = s.scalar(select(Notice.message_id).order_by(Notice.id).limit(1))
    statements = Statements(app)
    statements.recording = True
    deliver(app, "Another request", valid_request, sender="dan@example.org", msgid="<dan@example.org>")
    deliver(app, "Another request again", valid_request, sender="dan@example.org",
            headers={"References": "<dan@example.org>"})
    deliver(app, f"Re: [{first}]", reply_to(first), sender="ann@example.org",
            headers={"In-Reply-To": str(acknowledged)})
    deliver(app, "Out of office", kind(MessageKind.AUTO_REPLY), sender="eve@example.org")
    deliver(app, "Undelivered", kind(MessageKind.BOUNCE), sender="mailer-daemon@example.org",
            body=f"Your message {acknowledged} could not be delivered.\n")
    deliver(app, "Re: something", reply_to("FOI-2020-99999"), sender="fay@example.org")
    report, flushed = app.poll_and_flush()
    statements.recording = False
    assert report.processed == 6 and report.attached == 1 and flushed.sent >= 2  # the pass did its work
    explained = plans(str(app.sessions.kw["bind"].url), statements.seen)
    assert len(explained) > 20
    scans = {statement: [p for p in plan if SCAN.match(p)] for statement, plan in explained.items()}
    assert {statement: found for statement, found in scans.items() if found} == {}


def test_sqlite_commits_in_wal_with_normal_sync(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    with session_factory(engine)() as s:
        assert s.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert s.connection().exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL: synced at checkpoints

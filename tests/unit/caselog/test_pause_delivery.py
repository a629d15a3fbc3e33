"""A notice that pauses a clock takes effect when it is sent (issue 9 item 4): held, bounced or unsent, it does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from config.settings import Settings, parse
from intake.caselog import Case, Notice, add_event, create_schema, make_engine, session_factory
from intake.caselog.clock import ClockEvent, compute
from intake.caselog.views import case_clock, case_json, clock_settings, pause_deliveries
from intake.vocabulary import CaseStatus, EventType, NoticeStatus

MON = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
THU = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
NEXT_MON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return parse({"organisation": {"name": "NHS Example ICB", "foi_address": "foi@example.nhs.uk",
                                   "dsp_address": "dsp@example.nhs.uk", "comms_address": "comms@example.nhs.uk"},
                  "mailbox": {"kind": "maildir", "path": "mail"}, "smtp": {"kind": "file", "path": "sent"},
                  "database": {"url": f"sqlite:///{tmp_path / 'db.sqlite3'}"}}, tmp_path)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database.url)
    create_schema(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def fee_case(s: Session, status: NoticeStatus = NoticeStatus.PENDING, sent: datetime | None = None) -> Case:
    """An FOI case received on Monday whose fees notice, asked for the same morning, then met `status`."""
    case = Case(reference="FOI-2026-00001", kind="foi_request", regime="foi", initial_received_at=MON,
                received_at=MON)
    s.add(case)
    add_event(s, case, EventType.RECEIVED, MON)
    fee = add_event(s, case, EventType.FEE_NOTICE, MON, {"amount": "10"})
    notice = Notice(case=case, dedup_key="fees:1", kind="fees", to_address="jo@example.org", subject="Fees",
                    message_id="<fees@x>", raw=b"", status=status, created_at=MON, sent_at=sent,
                    last_error="RCPT TO refused: 550" if status == NoticeStatus.HELD else None)
    s.add(notice)
    s.flush()
    add_event(s, case, EventType.NOTICE_QUEUED, MON, {"notice": "fees", "id": notice.id, "pauses": fee.id})
    s.flush()
    return case


def fee_clock(settings: Settings, asked: datetime) -> datetime | None:
    result = compute("foi", MON, [ClockEvent(EventType.FEE_NOTICE, asked), ClockEvent(EventType.FEE_PAID, NEXT_MON)],
                     settings=clock_settings(settings))
    return None if result.due is None else datetime.combine(result.due, datetime.min.time())


def test_a_pause_whose_notice_is_still_in_the_outbox_leaves_the_clock_running(session: Session,
                                                                             settings: Settings) -> None:
    case = fee_case(session)
    assert case.status == CaseStatus.AWAITING_FEE  # the audit trail keeps what the officer did
    assert case_clock(case, settings, THU.date()).state == "running"


def test_a_notice_sent_at_once_pauses_from_the_event(session: Session, settings: Settings) -> None:
    case = fee_case(session, NoticeStatus.SENT, MON)
    assert case_clock(case, settings, THU.date()).state == "stopped"
    add_event(session, case, EventType.FEE_PAID, NEXT_MON)
    due = case_clock(case, settings).due
    assert due is not None and datetime.combine(due, datetime.min.time()) == fee_clock(settings, MON)


def test_a_notice_that_waited_in_the_outbox_pauses_from_the_day_it_went(session: Session, settings: Settings) -> None:
    case = fee_case(session, NoticeStatus.SENT, THU)  # held, then retried by a person on Thursday
    assert case_clock(case, settings, THU.date()).state == "stopped"
    add_event(session, case, EventType.FEE_PAID, NEXT_MON)
    due = case_clock(case, settings).due
    later, sooner = fee_clock(settings, THU), fee_clock(settings, MON)
    assert due is not None and datetime.combine(due, datetime.min.time()) == later
    assert later is not None and sooner is not None and later < sooner  # three working days were not paused


def test_a_held_notice_keeps_the_clock_running_and_the_case_says_why(session: Session, settings: Settings) -> None:
    case = fee_case(session, NoticeStatus.HELD)
    assert case_clock(case, settings, THU.date()).state == "running"
    note = case_json(case, settings, THU.date())["clock_note"]
    assert note is not None and "fee_notice of 16 Nov 2026: its notice is held (RCPT TO refused: 550)" in note
    assert "the clock keeps running" in note


def test_a_bounced_notice_keeps_the_clock_running(session: Session, settings: Settings) -> None:
    case = fee_case(session, NoticeStatus.SENT, MON)
    add_event(session, case, EventType.NOTICE_BOUNCED, THU, {"notice": "fees", "id": case.notices[0].id})
    assert case_clock(case, settings, THU.date()).state == "running"
    assert [d.state for d in pause_deliveries(case).values()] == ["bounced"]
    assert "its notice is bounced" in (case_json(case, settings)["clock_note"] or "")


def test_a_pause_with_no_notice_linked_counts_as_written(session: Session, settings: Settings) -> None:
    case = Case(reference="FOI-2026-00002", kind="foi_request", regime="foi", initial_received_at=MON,
                received_at=MON)
    session.add(case)
    add_event(session, case, EventType.RECEIVED, MON)
    add_event(session, case, EventType.CLARIFICATION_REQUESTED, MON)
    session.flush()
    assert case_clock(case, settings, THU.date()).state == "stopped"
    assert case_json(case, settings)["clock_note"] is None

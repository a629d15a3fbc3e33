"""A case's status is what its events say: derived on every event, refused when written by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from intake.caselog import Case, StatusMismatch, add_event, create_schema, make_engine, session_factory
from intake.vocabulary import CaseStatus, EventType, status_after

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(tmp_path: Path, database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    create_schema(engine)
    with session_factory(engine)() as s:
        yield s


def new_case(s: Session) -> Case:
    case = Case(reference="FOI-2026-00001", kind="foi_request", regime="foi", initial_received_at=NOW,
                received_at=NOW)
    s.add(case)
    add_event(s, case, EventType.RECEIVED, NOW)
    return case


@pytest.mark.parametrize(("events", "status"), [
    ([EventType.RECEIVED], CaseStatus.OPEN),
    ([EventType.RECEIVED, EventType.CLARIFICATION_REQUESTED], CaseStatus.AWAITING_CLARIFICATION),
    ([EventType.RECEIVED, EventType.CLARIFICATION_REQUESTED, EventType.CLARIFICATION_RECEIVED], CaseStatus.OPEN),
    ([EventType.RECEIVED, EventType.FEE_NOTICE], CaseStatus.AWAITING_FEE),
    ([EventType.RECEIVED, EventType.FEE_NOTICE, EventType.FEE_PAID], CaseStatus.OPEN),
    ([EventType.RECEIVED, EventType.RESPONDED], CaseStatus.RESPONDED),
    ([EventType.RECEIVED, EventType.RESPONDED, EventType.REOPENED], CaseStatus.OPEN),
    ([EventType.RECEIVED, EventType.TRANSFERRED, EventType.CLOSED], CaseStatus.CLOSED),
    ([EventType.RECEIVED, EventType.CLOSED, EventType.REOPENED, EventType.NOTE], CaseStatus.OPEN),
])
def test_the_status_follows_the_events(events: list[EventType], status: CaseStatus) -> None:
    assert status_after((e, {}) for e in events) == status


def test_an_incomplete_clarification_leaves_the_case_waiting() -> None:
    events = [(EventType.RECEIVED, {}), (EventType.CLARIFICATION_REQUESTED, {}),
              (EventType.CLARIFICATION_RECEIVED, {"complete": False})]
    assert status_after(events) == CaseStatus.AWAITING_CLARIFICATION


def test_an_internal_review_decision_closes_the_review() -> None:
    events = [(EventType.RECEIVED, {}), (EventType.RESPONDED, {"closes": True})]
    assert status_after(events) == CaseStatus.CLOSED


def test_add_event_moves_the_stored_status(session: Session) -> None:
    case = new_case(session)
    add_event(session, case, EventType.RESPONDED, NOW + timedelta(days=3))
    session.commit()
    assert case.status == CaseStatus.RESPONDED
    add_event(session, case, EventType.REOPENED, NOW + timedelta(days=4))
    session.commit()
    session.expire_all()
    assert session.get(Case, case.id).status == CaseStatus.OPEN  # type: ignore[union-attr]


def test_a_status_written_by_hand_that_disagrees_with_the_events_is_refused(session: Session) -> None:
    case = new_case(session)
    session.commit()
    case.status = CaseStatus.CLOSED  # no `closed` event: the clock and the digest would disagree
    with pytest.raises(StatusMismatch, match="FOI-2026-00001"):
        session.commit()

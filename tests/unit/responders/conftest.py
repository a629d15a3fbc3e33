"""The responders on their own: SQLite in a temporary directory, notices queued (never sent), no servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings, parse
from intake.caselog import Case, Message, Notice, add_event, create_schema, make_engine, next_reference, session_factory
from intake.vocabulary import EventType, MessageKind, Regime
from responders.desk import Desk

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)  # a Monday; an FOI request received now is due 14 Dec 2026
FOI = "foi.requests@example-icb.nhs.uk"
DSP = "dsp@example-icb.nhs.uk"
COMMS = "comms@example-icb.nhs.uk"
REQUESTER = "jo@example.org"


def settings_in(tmp: Path, **sections: dict[str, Any]) -> Settings:
    data: dict[str, Any] = {
        "organisation": {"name": "NHS Example ICB", "foi_address": FOI, "dsp_address": DSP, "comms_address": COMMS},
        "mailbox": {"kind": "maildir", "path": "mail"},
        "smtp": {"kind": "file", "path": "sent"},
        "database": {"url": f"sqlite:///{tmp / 'cases.sqlite3'}"},
    }
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    return parse(data, tmp)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path)


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database.url)
    create_schema(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def desk(settings: Settings) -> Desk:
    return Desk(settings)


NewCase = Callable[..., Case]


@pytest.fixture
def new_case(session: Session, settings: Settings) -> NewCase:
    """A case as the intake leaves it: received now, valid, with one `received` event."""
    def make(*, regime: str | None = Regime.FOI, kind: str = MessageKind.FOI_REQUEST, flags: tuple[str, ...] = (),
             missing: tuple[str, ...] = (), email: str | None = REQUESTER, at: datetime = NOW) -> Case:
        reference = next_reference(session, settings.organisation.reference_format, at.date())
        case = Case(reference=reference, kind=kind, regime=regime, flags=list(flags),
                    initial_received_at=at, received_at=at, requester_name="Jo Bloggs", requester_email=email,
                    requester_address=email, description="Waiting times", questions=["How long?"],
                    valid=not missing, missing=list(missing), reasons=[])
        session.add(case)
        add_event(session, case, EventType.RECEIVED, at)
        session.flush()
        return case

    return make


def notices(s: Session, case: Case | None = None) -> list[Notice]:
    query = select(Notice).order_by(Notice.id)
    if case is not None:
        query = query.where(Notice.case_id == case.id)
    return list(s.scalars(query))


def kinds(s: Session, case: Case | None = None) -> list[str]:
    return [n.kind for n in notices(s, case)]


def events(case: Case) -> list[str]:
    return [e.type for e in case.events]


def add_message(s: Session, case: Case | None, *, message_id: str, subject: str = "Waiting times",
                status: str = "processed", triage: dict[str, Any] | None = None, at: datetime = NOW) -> Message:
    """A message in the case log, as the intake stores it."""
    message = Message(source="test", source_uid=message_id, fingerprint=message_id, message_id=message_id,
                      size=1, raw=b"x", arrived_at=at, status=status, from_address=REQUESTER, subject=subject,
                      triage=triage, case=case)
    s.add(message)
    s.flush()
    return message

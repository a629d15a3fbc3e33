"""What PostgreSQL refuses never reaches the case log, on SQLite too (issue 11 item 2): every row is fitted to its
columns before it is written, and an error's text never carries the row's values."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import JSON, BigInteger, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.caselog import Base, Case, Message, create_schema, make_engine, session_factory

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def refused_by_postgresql(s: Session) -> list[str]:
    """Every stored value PostgreSQL would refuse: too long for its varchar(n), a NUL, a lone surrogate, an
    integer beyond its column."""
    problems = []
    for mapper in Base.registry.mappers:
        for row in s.scalars(select(mapper.class_)):
            for attr in mapper.column_attrs:
                type_, value = attr.columns[0].type, getattr(row, attr.key)
                texts = _strings(value) if isinstance(type_, JSON | String) else []
                if isinstance(type_, String) and type_.length and isinstance(value, str) and len(value) > type_.length:
                    problems.append(f"{mapper.class_.__name__}.{attr.key}: {len(value)} > {type_.length}")
                if any("\x00" in t or any("\ud800" <= c <= "\udfff" for c in t) for t in texts):
                    problems.append(f"{mapper.class_.__name__}.{attr.key}: NUL or surrogate")
                bound = 2**63 if isinstance(type_, BigInteger) else 2**31
                if isinstance(type_, Integer) and isinstance(value, int) and not -bound < value < bound:
                    problems.append(f"{mapper.class_.__name__}.{attr.key}: {value} out of range")
    return problems


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*map(str, value), *(t for v in value.values() for t in _strings(v))]
    if isinstance(value, list):
        return [t for v in value for t in _strings(v)]
    return []


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """This run's case log: SQLite, or a real PostgreSQL server with --database postgresql."""
    engine = make_engine(database_url)
    create_schema(engine)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_a_row_with_what_postgresql_refuses_is_fitted_before_it_is_written(session: Session) -> None:
    message_id = "<" + "x" * 1200 + "@example.org>"
    address = "a" * 490 + "@example.org"
    session.add(Message(source="maildir://x", source_uid="1", fingerprint="f" * 64, message_id=message_id,
                        size=2**40, raw=b"raw", arrived_at=NOW, from_address=address, from_name="Jo\x00e",
                        subject="Bad\x00subject \udcff", triage={"name\x00": ["Jo\x00e", {"x": "\ud83d"}]}))
    session.add(Case(reference="FOI-2026-00001", kind="foi_request", initial_received_at=NOW, received_at=NOW,
                     requester_name="N" * 400, requester_email=address, description="d\x00", questions=["q\x00"]))
    session.commit()
    session.expire_all()
    assert refused_by_postgresql(session) == []
    message = session.scalar(select(Message))
    assert message is not None
    assert message.message_id == message_id[:998] and message.subject == "Badsubject \ufffd"
    assert message.size == 2**31 - 1 and message.from_name == "Joe"
    assert message.triage == {"name": ["Joe", {"x": "\ufffd"}]}
    assert message.from_address is None  # an address is never cut short: it would be someone else's
    case = session.scalar(select(Case))
    assert case is not None and case.requester_email is None and case.requester_name == "N" * 320


def test_an_updated_row_is_fitted_too(session: Session) -> None:
    case = Case(reference="FOI-2026-00001", kind="foi_request", initial_received_at=NOW, received_at=NOW)
    session.add(case)
    session.commit()
    case.requester_name, case.requester_social_handle = "x\x00" * 200, "@" + "h" * 300
    session.commit()
    session.expire_all()
    assert refused_by_postgresql(session) == []


def test_an_error_never_carries_the_rows_values(session: Session) -> None:
    session.add(Case(reference="FOI-2026-00001", kind="foi_request", initial_received_at=NOW, received_at=NOW))
    session.commit()
    session.add(Case(reference="FOI-2026-00001", kind="foi_request", initial_received_at=NOW, received_at=NOW,
                     requester_name="Margaret Hale", requester_email="margaret@example.org"))
    with pytest.raises(IntegrityError) as refused:
        session.commit()
    assert "Margaret" not in str(refused.value) and "margaret@example.org" not in str(refused.value)

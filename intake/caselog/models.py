"""The case log: messages, cases, their append-only event trail and the outbox (SQLAlchemy 2.x)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    relationship,
)
from sqlalchemy.types import TypeDecorator

from intake.vocabulary import CaseStatus, MessageStatus, NoticeStatus


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite forgets the zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the case log")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class MailboxCursor(Base):
    """How far a source has been read: IMAP UIDVALIDITY and the highest UID stored."""

    __tablename__ = "mailbox_cursors"
    source: Mapped[str] = mapped_column(String(255), primary_key=True)
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: too big for a signed INTEGER column.
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Message(Base):
    """Every message that reached the mailbox, raw bytes first (nothing is ever dropped)."""

    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    source_uid: Mapped[str] = mapped_column(String(255), index=True)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    # Message-ID plus a hash of the body: recognises a message again after a UIDVALIDITY reset.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    size: Mapped[int]
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    raw_is_complete: Mapped[bool] = mapped_column(default=True)
    arrived_at: Mapped[datetime]
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(32), default=MessageStatus.RECEIVED, index=True)
    problem: Mapped[str | None] = mapped_column(Text)
    # An address over RFC 5321's 320 characters is no address: stored empty, never cut (intake/caselog/fit.py).
    from_address: Mapped[str | None] = mapped_column(String(320), info={"overlong": "null"})
    from_name: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    triage: Mapped[dict[str, Any] | None]
    filed_in: Mapped[str | None] = mapped_column(String(255), index=True)  # the queue folder it was moved to
    # Hashes (intake.mailbox.fingerprints): the same mail again, a robot's repeated words, the thread it is in.
    content_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    body_shape: Mapped[str | None] = mapped_column(String(64), index=True)
    thread: Mapped[str | None] = mapped_column(String(64), index=True)
    raw_deleted_at: Mapped[datetime | None]  # the raw bytes were deleted under [retention] raw_mail_days
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case: Mapped[Case | None] = relationship(back_populates="messages")


class Case(Base):
    """One request and every record field of policy 7.5."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    # The number a person's correction replaced (FOI-… to SAR-…): replies quoting it still find the case.
    former_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(32), default=CaseStatus.OPEN, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    regime: Mapped[str | None] = mapped_column(String(16))
    flags: Mapped[list[Any]] = mapped_column(default=list)
    # Policy 7.5: initial date received by the body, and by the DSP team (differ when forwarded, 5.10).
    initial_received_at: Mapped[datetime] = mapped_column(index=True)  # reports and related requests by period
    received_at: Mapped[datetime]
    requester_name: Mapped[str | None] = mapped_column(String(320))
    requester_email: Mapped[str | None] = mapped_column(String(320), index=True, info={"overlong": "null"})
    requester_address: Mapped[str | None] = mapped_column(Text)  # contact details for correspondence
    requester_postal_address: Mapped[str | None] = mapped_column(Text)
    requester_social_handle: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    questions: Mapped[list[Any]] = mapped_column(default=list)
    method: Mapped[str] = mapped_column(String(32), default="email")
    valid: Mapped[bool | None]
    missing: Mapped[list[Any]] = mapped_column(default=list)
    decision: Mapped[str | None] = mapped_column(String(32))
    exemptions: Mapped[list[Any]] = mapped_column(default=list)
    completed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    messages: Mapped[list[Message]] = relationship(back_populates="case")
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case",
                                                   order_by="CaseEvent.id")
    notices: Mapped[list[Notice]] = relationship(back_populates="case", order_by="Notice.id")


class CaseEvent(Base):
    """The audit trail: append-only; the statutory clock is derived from it."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_type_at", "type", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    type: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]  # when it happened (e.g. the date a request was received)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120), default="foi-intake")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    case: Mapped[Case] = relationship(back_populates="events")


class Notice(Base):
    """Outbox: a rendered notice, committed before it is sent and marked sent after."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("dedup_key"), Index("ix_notices_archived_status", "archived", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    dedup_key: Mapped[str] = mapped_column(String(255))  # one notice per purpose, ever
    kind: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    retry_since: Mapped[datetime | None]  # the first attempt since it was queued or retried: the retry budget
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    archived: Mapped[bool] = mapped_column(default=False)  # a copy is in the mailbox's Sent folder
    case: Mapped[Case | None] = relationship(back_populates="notices")


class ReferenceCounter(Base):
    """Per-series, per-year sequence behind a case reference (FOI-2026-00042, SAR-2026-00007)."""

    __tablename__ = "reference_series"
    series: Mapped[str] = mapped_column(String(16), primary_key=True)  # "" is the main (FOI/EIR) series
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)

"""The case log: messages, cases, their append-only event trail, the outbox rows and the statutory clock."""

from intake.caselog.database import (
    MIGRATIONS,
    alembic_config,
    checkpoint,
    create_schema,
    has_case_log,
    make_engine,
    session_factory,
)
from intake.caselog.fit import install as _install_fit
from intake.caselog.models import (
    Base,
    Case,
    CaseEvent,
    MailboxCursor,
    Message,
    Notice,
    ReferenceCounter,
    UTCDateTime,
    utcnow,
)
from intake.caselog.records import (
    SAR_SERIES,
    StatusMismatch,
    add_event,
    allocate_reference,
    derived_status,
    find_case,
    next_reference,
)
from intake.vocabulary import MessageStatus, NoticeStatus

# Every row is fitted to its columns before it is written, on every dialect alike (intake/caselog/fit.py).
_install_fit()

__all__ = [
    "MIGRATIONS",
    "SAR_SERIES",
    "Base",
    "Case",
    "CaseEvent",
    "MailboxCursor",
    "Message",
    "MessageStatus",
    "Notice",
    "NoticeStatus",
    "ReferenceCounter",
    "StatusMismatch",
    "UTCDateTime",
    "add_event",
    "alembic_config",
    "allocate_reference",
    "checkpoint",
    "create_schema",
    "derived_status",
    "find_case",
    "has_case_log",
    "make_engine",
    "next_reference",
    "session_factory",
    "utcnow",
]

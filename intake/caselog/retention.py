"""Retention: personal data is kept no longer than `[retention]` says (UK GDPR Art 5(1)(e), storage limitation).

Both periods are off (0) unless set. The daily job runs `purge` and logs what it deleted, by count.
- `raw_mail_days`: a message's raw bytes are deleted once it arrived that many days ago, unless it is waiting
  for a person or belongs to a case that is still live; `raw_deleted_at` records when. A message on no case
  loses its sender and subject too (nothing else needs them).
- `closed_case_days`: a responded or closed case whose last action was recorded that many days ago is deleted
  with its events, messages and notices, unless a case that stays (a review of it, a related request) names
  it. References are never reissued: the numbering is kept apart (reference_series). The Records Management
  Code of Practice 2021 keeps FOI requests and their correspondence 3 years after the last action (1096 days).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from config.settings import Retention
from intake.caselog.models import Case, CaseEvent, Message, Notice
from intake.vocabulary import LIVE_STATUSES, CaseStatus, EventType, MessageStatus

__all__ = ["Purged", "purge"]

log = logging.getLogger(__name__)
ENDED = (CaseStatus.RESPONDED, CaseStatus.CLOSED)


@dataclass
class Purged:
    raw_mail: int = 0  # messages whose raw bytes were deleted
    cases: int = 0  # cases deleted, with their events, messages and notices
    messages: int = 0
    notices: int = 0

    def counts(self) -> dict[str, int]:
        return {"raw_mail_deleted": self.raw_mail, "cases_deleted": self.cases}


def purge(s: Session, retention: Retention, now: datetime) -> Purged:
    """Delete what `retention` no longer allows us to keep; the caller commits. Logs the counts (an audit line)."""
    done = Purged()
    if retention.closed_case_days:
        _cases(s, now - timedelta(days=retention.closed_case_days), done)
    if retention.raw_mail_days:
        _raw_mail(s, now - timedelta(days=retention.raw_mail_days), now, done)
    if retention.closed_case_days or retention.raw_mail_days:
        log.info("retention: deleted the raw bytes of %d message(s) older than %d days; %d case(s) ended more "
                 "than %d days ago, with %d message(s) and %d notice(s)", done.raw_mail, retention.raw_mail_days,
                 done.cases, retention.closed_case_days, done.messages, done.notices)
    return done


def _raw_mail(s: Session, before: datetime, now: datetime, done: Purged) -> None:
    live = select(Case.id).where(Case.status.in_(LIVE_STATUSES))
    kept = (Message.raw_deleted_at.is_(None) & (Message.arrived_at < before)
            & Message.status.not_in((MessageStatus.RECEIVED, MessageStatus.NEEDS_PERSON))
            & (Message.case_id.is_(None) | Message.case_id.not_in(live)))
    done.raw_mail += _rows(s, update(Message).where(kept).values(raw=b"", raw_deleted_at=now))
    s.execute(update(Message).where(Message.raw_deleted_at == now, Message.case_id.is_(None))
              .values(from_address=None, from_name=None, subject=None).execution_options(synchronize_session=False))


def _cases(s: Session, before: datetime, done: Purged) -> None:
    last_action = (select(CaseEvent.case_id, func.max(CaseEvent.recorded_at).label("last"))
                   .group_by(CaseEvent.case_id).subquery())
    ended = s.execute(select(Case.id, Case.reference, Case.former_reference)
                      .join(last_action, last_action.c.case_id == Case.id)
                      .where(Case.status.in_(ENDED), last_action.c.last < before)).all()
    if not ended:
        return
    ids = {row.id for row in ended}
    named = _named_by_others(s, ids)
    doomed = [row.id for row in ended if row.reference not in named and row.former_reference not in named]
    if not doomed:
        return
    for model in (Notice, Message, CaseEvent):  # the trail goes with its case: deleted whole, never edited
        count = _rows(s, delete(model).where(model.case_id.in_(doomed)))
        done.notices += count if model is Notice else 0
        done.messages += count if model is Message else 0
    done.cases += _rows(s, delete(Case).where(Case.id.in_(doomed)))


def _rows(s: Session, statement: Update | Delete) -> int:
    """Run a bulk UPDATE or DELETE (the session's loaded objects are not touched); how many rows it changed."""
    result = cast("CursorResult[Any]", s.execute(statement.execution_options(synchronize_session=False)))
    return result.rowcount


def _named_by_others(s: Session, ids: set[int]) -> set[str]:
    """References that a case staying in the log names (a review of it, a request related to it)."""
    named: set[str] = set()
    for data in s.scalars(select(CaseEvent.data).where(CaseEvent.case_id.not_in(ids),
                                                       CaseEvent.type == EventType.RECEIVED)):
        for key in ("review_of", "related_to"):
            if isinstance(data.get(key), str):
                named.add(data[key])
    return named

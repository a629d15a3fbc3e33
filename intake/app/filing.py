"""Filing: each handled message moves into its case's folder, and earlier ones follow their case when it changes
state. A move that fails is retried at the next poll (filed_in changes only after it); one that fails for any
other reason is logged and left, and never stops the pass or the outbox behind it.

Rows are read as columns (never a message's raw bytes) and in batches, so filing costs the same memory at any
backlog; after the first pass of a process, only the cases changed since the last one are looked at again."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.caselog import Case, CaseEvent, Message, utcnow
from intake.caselog.faults import is_transient, temporary
from intake.errors import fault_trace
from intake.mailbox import TRANSIENT_ERRORS, Source
from intake.vocabulary import MessageStatus
from responders.routing import queue_name

__all__ = ["BATCH", "FilingCounts", "Follower", "file_pending"]

log = logging.getLogger(__name__)

BATCH = 500  # rows read and moved together
# Events recorded this long before the last look are looked at again: a desk action's transaction may commit after
# the look began, or a second machine's clock may differ by as much.
MARGIN = timedelta(minutes=10)


@dataclass
class FilingCounts:
    filed: int = 0
    refiled: int = 0  # moved after their case, which changed state since they were filed


class Follower:
    """When filing last looked at every case (None: not yet in this process, so the first look is at all)."""

    def __init__(self) -> None:
        self.since: datetime | None = None


def file_pending(settings: Settings, sessions: sessionmaker[Session], source: Source, counts: FilingCounts,
                 follower: Follower | None = None) -> None:
    """Move handled messages into their case's folder, and earlier ones after their case, so the DSP team
    works from folders."""
    folders = _Folders(settings)
    _file_new(folders, sessions, source, counts)
    follower = follower or Follower()
    started = utcnow()
    if _follow_cases(folders, sessions, source, counts, follower.since):
        follower.since = started - MARGIN


class _Folders:
    """A message's queue folder from the few columns routing reads, each combination worked out once."""

    def __init__(self, settings: Settings) -> None:
        self.names = settings.queues.folders
        self._known: dict[tuple[Any, ...], str] = {}

    def of(self, row: Row[Any]) -> str:
        key = (row.status, row.kind, row.regime, tuple(row.flags or ()), row.case_status, row.case_id is not None)
        if key not in self._known:
            case = (Case(kind=row.kind, regime=row.regime, flags=list(row.flags or ()), status=row.case_status)
                    if row.case_id is not None else None)
            self._known[key] = self.names[queue_name(case, Message(status=row.status))]
        return self._known[key]


def _columns() -> Select[Any]:
    return (select(Message.id, Message.source_uid, Message.uidvalidity, Message.message_id, Message.filed_in,
                   Message.status, Message.case_id, Case.kind, Case.regime, Case.flags,
                   Case.status.label("case_status"))
            .outerjoin(Case, Message.case_id == Case.id))


def _batches(s: Session, query: Select[Any]) -> Iterator[Sequence[Row[Any]]]:
    """The query's rows BATCH at a time, by id (each batch a fresh query: moving them changes what matches)."""
    after = 0
    while True:
        rows = s.execute(query.where(Message.id > after).order_by(Message.id).limit(BATCH)).all()
        if not rows:
            return
        after = rows[-1].id
        yield rows


def _failed(source: Source, exc: Exception, what: str) -> bool:
    """Log a failed move; True when the mailbox itself failed (stop for this pass, retry at the next)."""
    if is_transient(exc) and not isinstance(exc, OSError):
        raise temporary(exc, what) from exc  # the case log, not the mailbox: the pass stops
    if isinstance(exc, TRANSIENT_ERRORS):
        source.reset()
        log.warning("%s failed, will retry at the next poll: %s", what, type(exc).__name__)
        return True
    log.error("%s failed; left where it is, tried again at the next poll: %s", what, fault_trace(exc))
    return False


def _file_new(folders: _Folders, sessions: sessionmaker[Session], source: Source, counts: FilingCounts) -> None:
    """Move newly handled messages from the polled folder into their queue's folder."""
    query = _columns().where(Message.filed_in.is_(None), Message.source == source.key,
                             Message.status != MessageStatus.RECEIVED)
    with sessions() as s:
        for rows in _batches(s, query):
            by_folder: dict[str, list[Row[Any]]] = {}
            for row in rows:
                by_folder.setdefault(folders.of(row), []).append(row)
            for folder, group in by_folder.items():
                try:
                    done = set(source.file(folder, [(r.source_uid, r.uidvalidity, r.message_id) for r in group]))
                    ids = [r.id for r in group if r.source_uid in done]
                    if ids:
                        s.execute(update(Message).where(Message.id.in_(ids)).values(filed_in=folder))
                    s.commit()
                except Exception as exc:
                    s.rollback()
                    if _failed(source, exc, f"filing {len(group)} message(s) into {folder}"):
                        return
                    continue
                counts.filed += len(ids)


def _follow_cases(folders: _Folders, sessions: sessionmaker[Session], source: Source, counts: FilingCounts,
                  since: datetime | None) -> bool:
    """Messages whose case has changed state since they were filed move to the case's folder now (with `since`,
    only the cases with an event recorded since then). False when a move must be tried again at the next poll."""
    query = _columns().where(Message.source == source.key, Message.filed_in.is_not(None),
                             Message.case_id.is_not(None), Message.message_id.is_not(None))
    if since is not None:
        query = query.where(Message.case_id.in_(select(CaseEvent.case_id).where(CaseEvent.recorded_at >= since)))
    complete = True
    with sessions() as s:
        for rows in _batches(s, query):
            moves: dict[tuple[str, str], list[Row[Any]]] = {}
            for row in rows:
                folder = folders.of(row)
                if folder != row.filed_in:
                    moves.setdefault((row.filed_in, folder), []).append(row)
            for (old, new), group in moves.items():
                try:
                    source.refile(old, new, [r.message_id for r in group])
                    s.execute(update(Message).where(Message.id.in_([r.id for r in group])).values(filed_in=new))
                    s.commit()
                except Exception as exc:
                    s.rollback()
                    complete = False
                    if _failed(source, exc, f"moving {len(group)} message(s) from {old} to {new}"):
                        return False
                    continue
                counts.refiled += len(group)
    return complete

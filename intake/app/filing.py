"""Filing: each handled message moves into its case's folder, and earlier ones follow their case when it changes
state. A move that fails is retried at the next poll (filed_in changes only after it); one that fails for any
other reason is logged and left, and never stops the pass or the outbox behind it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.caselog import Message
from intake.caselog.faults import is_transient, temporary
from intake.errors import fault_trace
from intake.mailbox import TRANSIENT_ERRORS, Source
from intake.vocabulary import MessageStatus
from responders.routing import queue_name

__all__ = ["FilingCounts", "file_pending"]

log = logging.getLogger(__name__)


@dataclass
class FilingCounts:
    filed: int = 0
    refiled: int = 0  # moved after their case, which changed state since they were filed


def file_pending(settings: Settings, sessions: sessionmaker[Session], source: Source, counts: FilingCounts) -> None:
    """Move handled messages into their case's folder, and earlier ones after their case, so the DSP team
    works from folders."""
    _file_new(settings, sessions, source, counts)
    _follow_cases(settings, sessions, source, counts)


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


def _file_new(settings: Settings, sessions: sessionmaker[Session], source: Source, counts: FilingCounts) -> None:
    """Move newly handled messages from the polled folder into their queue's folder."""
    with sessions() as s:
        rows = s.scalars(select(Message).where(Message.source == source.key, Message.filed_in.is_(None),
                                               Message.status != MessageStatus.RECEIVED)
                         .order_by(Message.id)).all()
        by_folder: dict[str, list[Message]] = {}
        for m in rows:
            by_folder.setdefault(settings.queues.folders[queue_name(m.case, m)], []).append(m)
        for folder, messages in by_folder.items():
            try:
                done = set(source.file(folder, [(m.source_uid, m.uidvalidity, m.message_id) for m in messages]))
                for m in messages:
                    if m.source_uid in done:
                        m.filed_in = folder
                s.commit()
            except Exception as exc:
                s.rollback()
                if _failed(source, exc, f"filing {len(messages)} message(s) into {folder}"):
                    return
                continue
            counts.filed += len([m for m in messages if m.filed_in == folder])


def _follow_cases(settings: Settings, sessions: sessionmaker[Session], source: Source, counts: FilingCounts) -> None:
    """Messages whose case has changed state since they were filed move to the case's folder now."""
    folders = settings.queues.folders
    with sessions() as s:
        rows = s.scalars(select(Message).where(
            Message.source == source.key, Message.filed_in.is_not(None), Message.case_id.is_not(None),
            Message.message_id.is_not(None)).order_by(Message.id)).all()
        moves: dict[tuple[str, str], list[Message]] = {}
        for m in rows:
            folder = folders[queue_name(m.case, m)]
            if m.filed_in is not None and folder != m.filed_in:
                moves.setdefault((m.filed_in, folder), []).append(m)
        for (old, new), messages in moves.items():
            try:
                source.refile(old, new, [m.message_id for m in messages if m.message_id])
                for m in messages:
                    m.filed_in = new
                s.commit()
            except Exception as exc:
                s.rollback()
                if _failed(source, exc, f"moving {len(messages)} message(s) from {old} to {new}"):
                    return
                continue
            counts.refiled += len(messages)

"""Fetch new mail from a source and store its raw bytes with the cursor, before anything else happens."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intake.caselog.faults import TemporaryFault, is_transient, temporary
from intake.caselog.models import MailboxCursor, Message
from intake.errors import fault_trace
from intake.mailbox import Fetched, Source, fingerprint, header_message_id
from intake.vocabulary import MessageStatus

__all__ = ["StoreCounts", "fetch_and_store"]

log = logging.getLogger(__name__)


@dataclass
class StoreCounts:
    stored: int = 0
    duplicates: int = 0


def fetch_and_store(source: Source, sessions: sessionmaker[Session], counts: StoreCounts) -> None:
    """Store every message the source has that the case log has not (one transaction per batch; if the
    database refuses one message, the batch is stored one message at a time and that one is set aside). A
    fault of the database itself (locked, full, gone) is a TemporaryFault: nothing is stored, the next pass
    reads the same mail again; the mailbox's own faults (OSError) are left to the caller's reconnect."""
    try:
        _fetch_and_store(source, sessions, counts)
    except Exception as exc:
        if is_transient(exc) and not isinstance(exc, OSError | TemporaryFault):
            raise temporary(exc, "storing new mail") from exc
        raise


def _fetch_and_store(source: Source, sessions: sessionmaker[Session], counts: StoreCounts) -> None:
    key = source.key
    with sessions() as s:
        cursor = s.get(MailboxCursor, key)
        uidvalidity, last_uid = (cursor.uidvalidity, cursor.last_uid) if cursor else (None, 0)

    def stored(keys: Sequence[str]) -> set[str]:
        with sessions() as s:
            return set(s.scalars(select(Message.source_uid).where(Message.source == key, Message.source_uid.in_(keys))))

    for batch in source.batches(uidvalidity, last_uid, stored):
        batch_counts = StoreCounts()
        try:
            _commit(sessions, key, batch.messages, batch.uidvalidity, batch_counts)
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning("a batch of %d messages could not be stored (%s): storing them one by one",
                        len(batch.messages), type(exc).__name__)
            batch_counts = StoreCounts()
            for fetched in batch.messages:
                try:
                    _commit(sessions, key, [fetched], batch.uidvalidity, batch_counts)
                except Exception as one:
                    if is_transient(one):
                        raise
                    _set_aside(sessions, key, fetched, batch.uidvalidity, one, batch_counts)
        counts.stored += batch_counts.stored
        counts.duplicates += batch_counts.duplicates


def _commit(sessions: sessionmaker[Session], key: str, messages: list[Fetched], uidvalidity: int | None,
            counts: StoreCounts, problem: str | None = None, past: int = 0) -> None:
    """Store `messages` and move the cursor past them, in one transaction: a crash re-reads, never skips. The
    batch's fingerprints are looked up in one query and its rows written together."""
    with sessions() as s:
        ids = [header_message_id(f.raw) for f in messages]
        fps = [fingerprint(f.raw, message_id) for f, message_id in zip(messages, ids, strict=True)]
        known = s.execute(select(Message.fingerprint, Message.id).where(Message.fingerprint.in_(fps)))
        earlier: dict[str, int] = {fp: id_ for fp, id_ in known}
        batch: dict[str, str] = {}
        done = StoreCounts()  # counted once the transaction commits
        for fetched, message_id, fp in zip(messages, ids, fps, strict=True):
            if fp in earlier or fp in batch:
                done.duplicates += 1
                # Our id, not the Message-ID header: some mail programs build that from the sender's name or address.
                log.info("uid %s is %s again; not processed again", fetched.uid,
                         f"message {earlier[fp]}" if fp in earlier else f"uid {batch[fp]}")
                continue
            batch[fp] = fetched.uid
            s.add(Message(source=key, source_uid=fetched.uid, uidvalidity=uidvalidity, fingerprint=fp,
                          message_id=None if problem else message_id, size=fetched.size, raw=fetched.raw,
                          raw_is_complete=fetched.complete, arrived_at=fetched.arrived_at,
                          status=MessageStatus.NEEDS_PERSON if problem else MessageStatus.RECEIVED, problem=problem))
            done.stored += 1
        cursor = s.get(MailboxCursor, key) or MailboxCursor(source=key, last_uid=0)
        if uidvalidity is not None:
            if cursor.uidvalidity != uidvalidity:
                cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
            cursor.last_uid = max([cursor.last_uid, past, *(int(f.uid) for f in messages)])
        s.add(cursor)
        s.commit()
    counts.stored, counts.duplicates = counts.stored + done.stored, counts.duplicates + done.duplicates


def _set_aside(sessions: sessionmaker[Session], key: str, fetched: Fetched, uidvalidity: int | None,
               exc: Exception, counts: StoreCounts) -> None:
    """The database refused this message: keep its raw bytes, without the parsed Message-ID, for a person."""
    problem = f"could not be stored: {type(exc).__name__}"
    log.error("uid %s %s; kept for a person: %s", fetched.uid, problem, fault_trace(exc))
    try:
        _commit(sessions, key, [fetched], uidvalidity, counts, problem)
    except Exception as again:
        if is_transient(again):
            raise
        # Not even its raw bytes: it stays in the mailbox, unfiled, and the cursor moves on past it.
        log.error("uid %s could not be kept either; left in the mailbox for a person: %s", fetched.uid,
                  fault_trace(again))
        _commit(sessions, key, [], uidvalidity, counts, past=int(fetched.uid) if uidvalidity is not None else 0)

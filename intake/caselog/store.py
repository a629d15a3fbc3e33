"""Fetch new mail from a source and store its raw bytes with the cursor, before anything else happens."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from intake.caselog.models import MailboxCursor, Message
from intake.mailbox import Fetched, Source, fingerprint, header_message_id

__all__ = ["StoreCounts", "fetch_and_store"]

log = logging.getLogger(__name__)


@dataclass
class StoreCounts:
    stored: int = 0
    duplicates: int = 0


def fetch_and_store(source: Source, sessions: sessionmaker[Session], counts: StoreCounts) -> None:
    """Store every message the source has that the case log has not (one transaction per batch)."""
    key = source.key
    with sessions() as s:
        cursor = s.get(MailboxCursor, key)
        uidvalidity, last_uid = (cursor.uidvalidity, cursor.last_uid) if cursor else (None, 0)
        known = (set(s.scalars(select(Message.source_uid).where(Message.source == key)))
                 if source.wants_known_uids else set())
    for batch in source.batches(uidvalidity, last_uid, known):
        with sessions() as s:
            for fetched in batch.messages:
                _store(s, key, fetched, batch.uidvalidity, counts)
            cursor = s.get(MailboxCursor, key) or MailboxCursor(source=key, last_uid=0)
            if batch.uidvalidity is not None:
                if cursor.uidvalidity != batch.uidvalidity:
                    cursor.uidvalidity, cursor.last_uid = batch.uidvalidity, 0
                cursor.last_uid = max([cursor.last_uid, *(int(f.uid) for f in batch.messages)])
            s.add(cursor)
            # Raw bytes and the cursor commit together: a crash re-reads, never skips.
            s.commit()


def _store(s: Session, key: str, fetched: Fetched, uidvalidity: int | None, counts: StoreCounts) -> None:
    message_id = header_message_id(fetched.raw)
    fp = fingerprint(fetched.raw, message_id)
    earlier = s.scalar(select(Message.id).where(Message.fingerprint == fp))
    if earlier is not None:
        counts.duplicates += 1
        # Our id, not the Message-ID header: some mail programs build that from the sender's name or address.
        log.info("uid %s is message %s again; not processed again", fetched.uid, earlier)
        return
    s.add(Message(source=key, source_uid=fetched.uid, uidvalidity=uidvalidity, fingerprint=fp,
                  message_id=message_id, size=fetched.size, raw=fetched.raw, raw_is_complete=fetched.complete,
                  arrived_at=fetched.arrived_at))
    s.flush()  # a repeat within the same batch is caught by the query above
    counts.stored += 1

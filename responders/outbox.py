"""The outbox: notices are rendered and committed first, then sent, then marked sent.

Delivery guarantee (also in the README):
- A notice row is committed (status `pending`) in the same transaction that opens the case, so a
  case never exists without its notice and a notice is never composed twice.
- Before talking to SMTP the row is marked `sending` and committed. A failure before the DATA
  command (connection refused, TLS, auth, a rejected recipient) means the message certainly was
  not accepted: the row goes back to `pending` and is retried as a mail server retries, the wait
  doubling up to `smtp.retry_backoff_max_seconds`, for `smtp.retry_for_hours` (2 days); then it is
  `held` for a person. What no retry can fix (an international address the server cannot take, an
  unexpected error) is held at once; one notice never stops the others.
- If the process dies after the server accepted DATA but before `sent` was committed, or the
  connection drops while DATA is in flight, the outcome is in doubt. On the next flush the row
  is found still `sending`; with `smtp.in_doubt = "resend"` (default) it is sent again with the
  SAME Message-ID (at-least-once: the requester may see a duplicate, which mail clients thread
  and often hide); with `"hold"` it is held for a person instead (at-most-once). If the process lives
  but the case log refuses to record `sent` (locked, disk full), the flush stops and the next one
  records it from memory: the notice is not sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Smtp
from intake.caselog import Notice, NoticeStatus, add_event, checkpoint, utcnow
from intake.caselog.faults import is_transient, temporary
from intake.errors import fault_trace
from intake.mailbox import TRANSIENT_ERRORS
from intake.vocabulary import EventType
from responders.transport import (
    FileTransport,
    InDoubt,
    NotSent,
    SessionTransport,
    SmtpTransport,
    Transport,
    Undeliverable,
    connect,
    make_transport,
)

__all__ = ["ARCHIVE_BATCH", "Archive", "FileTransport", "FlushReport", "InDoubt", "NotSent", "Outbox", "SmtpTransport",
           "Transport", "Undeliverable", "connect", "make_transport", "record_sent"]

ARCHIVE_BATCH = 50  # Sent copies stored together (one MULTIAPPEND where the server offers it)
# Stores copies of sent notices in the Sent folder; returns how many of them, from the first, are stored.
Archive = Callable[[Sequence[bytes]], int]

log = logging.getLogger(__name__)


def record_sent(notice: Notice, at: datetime) -> None:
    """The server accepted the notice. Its `sent_at` is what a pausing notice's clock reads (issue 9 item 4)."""
    notice.status, notice.sent_at, notice.last_error = NoticeStatus.SENT, at, None


@dataclass
class FlushReport:
    sent: int = 0
    retrying: int = 0
    held: int = 0


class Outbox:
    def __init__(self, cfg: Smtp, sessions: sessionmaker[Session], sender: str,
                 transport: Transport | None = None, archive: Archive | None = None) -> None:
        self.cfg = cfg
        self.sessions = sessions
        self.sender = sender
        self.transport = transport or make_transport(cfg)
        self.archive = archive  # keeps a copy of each sent notice (the mailbox's Sent folder)
        # Accepted by the server, but the case log could not record it (locked, disk full): recorded at the next flush,
        # never sent again. Only a process that dies here forgets it, and then the in-doubt rule applies.
        self._accepted: dict[int, datetime] = {}

    def _backoff(self, attempts: int) -> timedelta:
        wait = self.cfg.retry_backoff_seconds * 2 ** min(max(attempts - 1, 0), 32)
        return timedelta(seconds=min(wait, self.cfg.retry_backoff_max_seconds))

    def _gave_up(self, notice: Notice, now: datetime) -> str | None:
        """Why the retry budget is spent (time since the first attempt, or the optional attempts cap), or None."""
        since = notice.retry_since or notice.created_at
        if now - since >= timedelta(hours=self.cfg.retry_for_hours):
            return f"gave up after {notice.attempts} attempts over {_hours(now - since)}"
        if self.cfg.max_attempts is not None and notice.attempts >= self.cfg.max_attempts:
            return f"gave up after {notice.attempts} attempts (smtp.max_attempts)"
        return None

    def flush(self, now: datetime | None = None) -> FlushReport:
        """Send every due notice once; safe to call at any time, from one process at a time. Whatever one notice
        does, it is held with its reason and the rest go on; only a fault of the database itself stops the flush."""
        report = FlushReport()
        now = now or utcnow()
        with self.sessions() as session:
            due = session.scalars(
                select(Notice.id).where(
                    or_(Notice.status == NoticeStatus.SENDING,
                        (Notice.status == NoticeStatus.PENDING) & (Notice.next_attempt_at <= now)))
                .order_by(Notice.id)).all()
        if due:
            checkpoint(self.sessions)  # the cases these notices acknowledge are on disk before the notices leave
        try:
            for notice_id in due:
                try:
                    self._send_one(notice_id, report)
                except Exception as exc:
                    if is_transient(exc):
                        raise temporary(exc, f"sending notice {notice_id}") from exc
                    self._set_aside(notice_id, exc, report)
        finally:
            if isinstance(self.transport, SessionTransport):
                self.transport.close()  # one SMTP session per flush
        if self.archive is not None:
            try:
                self._archive_sent()
            except Exception as exc:
                if is_transient(exc):
                    raise temporary(exc, "recording copies in the Sent folder") from exc
                raise
        return report

    def _set_aside(self, notice_id: int, exc: Exception, report: FlushReport) -> None:
        """Hold a notice whose handling failed unexpectedly (outside the transport), in a fresh session; if its
        case refuses the event too, the row alone is held."""
        log.error("notice %s could not be handled: %s", notice_id, fault_trace(exc))
        why = f"unexpected error: {type(exc).__name__}"
        try:
            with self.sessions() as session:
                notice = session.get(Notice, notice_id)
                if notice is not None and notice.status in (NoticeStatus.PENDING, NoticeStatus.SENDING):
                    self._hold(session, notice, why, report)
            return
        except Exception as again:
            if is_transient(again):
                raise temporary(again, f"holding notice {notice_id}") from again
            log.error("notice %s: its case refused the held event: %s", notice_id, fault_trace(again))
        with self.sessions() as session:
            session.execute(update(Notice).where(Notice.id == notice_id, Notice.status.in_(
                (NoticeStatus.PENDING, NoticeStatus.SENDING))).values(status=NoticeStatus.HELD, last_error=why))
            session.commit()
        report.held += 1

    def _archive_sent(self) -> None:
        """Copy sent notices into the Sent folder, a batch at a time; what fails is tried again at the next flush."""
        after = 0
        while True:
            with self.sessions() as session:
                batch = session.execute(select(Notice.id, Notice.raw).where(
                    Notice.status == NoticeStatus.SENT, Notice.archived.is_(False), Notice.id > after)
                    .order_by(Notice.id).limit(ARCHIVE_BATCH)).all()
                if not batch:
                    return
                after = batch[-1].id
                stored, down = self._store_copies([(row.id, row.raw) for row in batch])
                if stored:
                    session.execute(update(Notice).where(Notice.id.in_(stored)).values(archived=True))
                    session.commit()
            if down:
                return

    def _store_copies(self, batch: list[tuple[int, bytes]]) -> tuple[list[int], bool]:
        """The ids of the notices whose copies are now stored, and whether the mailbox failed (the rest wait for the
        next flush). After a refusal the batch is stored one by one, so one bad copy never keeps the others out."""
        assert self.archive is not None
        try:
            count = self.archive([raw for _, raw in batch])
            return [notice_id for notice_id, _ in batch[:count]], count < len(batch)
        except TRANSIENT_ERRORS as exc:  # the mailbox is down; the notices themselves are already sent
            log.warning("copies of %d notice(s) to the Sent folder failed, will retry: %s", len(batch),
                        type(exc).__name__)
            return [], True
        except Exception as exc:
            if len(batch) == 1:
                log.error("copy of notice %s to the Sent folder failed: %s", batch[0][0], fault_trace(exc))
                return [], False
        stored: list[int] = []
        for one in batch:
            done, down = self._store_copies([one])
            stored += done
            if down:
                return stored, True
        return stored, False

    def _send_one(self, notice_id: int, report: FlushReport) -> None:
        with self.sessions() as session:
            notice = session.get(Notice, notice_id)
            if notice is None or notice.status not in (NoticeStatus.PENDING, NoticeStatus.SENDING):
                return
            if notice.status == NoticeStatus.SENDING and notice.id in self._accepted:
                self._record_sent(session, notice, self._accepted[notice.id], report)
                return
            if notice.status == NoticeStatus.SENDING:
                log.warning("notice %s (%s) was being sent when the process stopped: in doubt, %s",
                            notice.id, notice.kind, self.cfg.in_doubt)
                if self.cfg.in_doubt == "hold":
                    self._hold(session, notice, "in doubt: process stopped during SMTP DATA", report)
                    return
                gave_up = self._gave_up(notice, utcnow())
                if gave_up:  # it stopped the process again and again: a person decides, never a loop
                    self._hold(session, notice, f"in doubt: the process stopped while sending it; {gave_up}", report)
                    return
            notice.status, notice.attempts = NoticeStatus.SENDING, notice.attempts + 1
            notice.retry_since = notice.retry_since or utcnow()
            session.commit()
            name = f"{notice.id:06d}-{notice.kind}"
            try:
                self.transport.send(self.sender, notice.to_address, notice.raw, name)
            except (NotSent, InDoubt) as exc:
                self._failed(session, notice, exc, report)
                return
            except Exception as exc:  # whatever else one notice does, it never stops the others
                log.error("notice %s (%s) could not be sent: %s", notice.id, notice.kind, fault_trace(exc))
                self._hold(session, notice, f"could not be sent: {type(exc).__name__}", report)
                return
            self._accepted[notice.id] = utcnow()
            self._record_sent(session, notice, self._accepted[notice.id], report)

    def _record_sent(self, session: Session, notice: Notice, at: datetime, report: FlushReport) -> None:
        record_sent(notice, at)
        session.commit()
        del self._accepted[notice.id]
        report.sent += 1
        log.info("notice %s (%s) sent for case %s", notice.id, notice.kind, notice.case_id)

    def _failed(self, session: Session, notice: Notice, exc: NotSent | InDoubt, report: FlushReport) -> None:
        """Retry later within the budget; hold when it is spent, when no retry can help, or when in doubt."""
        notice.last_error = str(exc)[:500]
        now = utcnow()
        gave_up = self._gave_up(notice, now)
        if isinstance(exc, Undeliverable) or (isinstance(exc, InDoubt) and self.cfg.in_doubt == "hold") or gave_up:
            self._hold(session, notice, f"{gave_up}; last error: {notice.last_error}" if gave_up else
                       notice.last_error, report)
            return
        notice.status = NoticeStatus.PENDING
        notice.next_attempt_at = now + self._backoff(notice.attempts)
        session.commit()
        report.retrying += 1
        log.warning("notice %s (%s) not sent, attempt %s: %s; next try at %s", notice.id,
                    notice.kind, notice.attempts, notice.last_error,
                    notice.next_attempt_at.isoformat(timespec="seconds"))

    def _hold(self, session: Session, notice: Notice, why: str, report: FlushReport) -> None:
        notice.status, notice.last_error = NoticeStatus.HELD, why[:500]
        if notice.case is not None:  # the case says why its notice did not go (and its clock keeps running)
            add_event(session, notice.case, EventType.NOTICE_HELD, utcnow(),
                      {"notice": notice.kind, "id": notice.id, "why": notice.last_error})
        session.commit()
        report.held += 1
        log.error("notice %s (%s) held for a person: %s", notice.id, notice.kind, why)


def _hours(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:.0f} hours" if hours >= 2 else f"{span.total_seconds() / 60:.0f} minutes"

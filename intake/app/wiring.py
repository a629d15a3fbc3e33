"""Wiring: from Settings to a database, an intake pass and an outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.app.intake_pass import Intake, PollReport
from intake.app.lease import Lease
from intake.caselog import create_schema, has_case_log, make_engine, session_factory
from intake.caselog.retention import purge
from intake.errors import FoiIntakeError
from intake.private import touch_private
from responders.outbox import FlushReport, Outbox, SmtpTransport

__all__ = ["App", "NotInitialised", "build", "open_existing"]

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    sessions: sessionmaker[Session]
    intake: Intake
    outbox: Outbox
    lease: Lease

    def poll_and_flush(self) -> tuple[PollReport, FlushReport]:
        """One pass and a flush, under the mailbox's lease (LeaseHeld if another worker serves it)."""
        self.lease.require()
        report = self.intake.poll_once()
        flushed = self.outbox.flush()
        transport = self.outbox.transport
        if isinstance(transport, SmtpTransport) and transport.auth_failure is not None:
            raise transport.auth_failure  # the notices wait in the outbox; a person must fix the login
        return report, flushed

    def daily(self) -> tuple[dict[str, int], FlushReport]:
        """Lapses, reminders, overdue alerts and the digest (once a day, at responders.digest_time), then what
        `[retention]` no longer allows us to keep is deleted (logged by count)."""
        now = datetime.now(UTC)
        with self.sessions() as s:
            counts = self.intake.desk.daily(s, now)
            s.commit()
        with self.sessions() as s:
            counts.update(purge(s, self.settings.retention, now).counts())
            s.commit()
        return counts, self.send()

    def send(self) -> FlushReport:
        """Flush the outbox if this process holds the lease; else the worker that holds it sends them."""
        if not self.lease.acquire():
            log.info("notices queued; %s sends them", self.lease.holder())
            return FlushReport()
        return self.outbox.flush()

    def close(self) -> None:
        self.intake.source.close()
        self.lease.release()



def build(settings: Settings, *, create: bool = False, migrate: bool = True, classify: bool = True) -> App:
    """The app over the configured case log. Only `create` (foi-intake init) may make a new one: a
    missing case log is an accident to restore from backup, never a reason to start again at 00001. With
    `classify` the classifier is built now (its chain checked, its model loaded); else at its first use."""
    url = make_url(settings.database.url)
    if not create:
        _require_case_log(url)
    elif url.get_backend_name() == "sqlite" and url.database:
        touch_private(Path(url.database))  # the case log holds personal data: owner-only from the start
    engine = make_engine(settings.database.url, settings.database.lock_timeout_seconds)
    if not create and not has_case_log(engine):
        raise NotInitialised(f"no case log in {url.render_as_string(hide_password=True)}: "
                             "restore it, or run foi-intake init")
    if create or migrate:
        create_schema(engine)
    sessions = session_factory(engine)
    intake = Intake(settings, sessions)
    if classify:
        intake.classifier  # noqa: B018 -- a bad chain stops `run` at start, not at its first mail
    sent = settings.responders.sent_folder
    archive = (lambda raws: intake.source.append(sent, raws)) if sent else None
    outbox = Outbox(settings.smtp, sessions, settings.organisation.foi_address, archive=archive)
    return App(settings, sessions, intake, outbox, Lease(engine, intake.source.key))


def open_existing(settings: Settings) -> App:
    """The app over an existing case log, as it is: the commands a person runs never migrate it, and load the
    classifier's model only if they classify."""
    return build(settings, migrate=False, classify=False)


class NotInitialised(FoiIntakeError):
    """The configured database has no case log."""


def _require_case_log(url: URL) -> None:
    # Connecting to SQLite would create an empty file: look before connecting.
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise NotInitialised(f"no case log at {url.database}: restore it, or run foi-intake init")


"""Wiring: from Settings to a database, an intake pass and an outbox; and the scheduler."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from intake.caselog import create_schema, make_engine, session_factory
from intake.pipeline import Intake, PollReport, SourceUnavailable
from responders.outbox import FlushReport, Outbox

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    sessions: sessionmaker[Session]
    intake: Intake
    outbox: Outbox

    def poll_and_flush(self) -> tuple[PollReport, FlushReport]:
        report = self.intake.poll_once()
        return report, self.outbox.flush()

    def daily(self) -> tuple[dict[str, int], FlushReport]:
        """Lapses, reminders, overdue alerts and the digest (once a day, at responders.digest_time)."""
        with self.sessions() as s:
            counts = self.intake.desk.daily(s, datetime.now(UTC))
            s.commit()
        return counts, self.outbox.flush()

    def close(self) -> None:
        self.intake.source.close()


def build(settings: Settings, create: bool = True) -> App:
    engine = make_engine(settings.database.url)
    if create:
        create_schema(engine)
    sessions = session_factory(engine)
    intake = Intake(settings, sessions)
    sent = settings.responders.sent_folder
    archive = (lambda raw: intake.source.append(sent, raw)) if sent else None
    return App(settings, sessions, intake, Outbox(settings.smtp, sessions, settings.organisation.foi_address,
                                                  archive=archive))


class NotInitialised(Exception):
    """The configured database has no case log yet."""


def open_existing(settings: Settings) -> App:
    """The app over a database that `foi-intake init` (or a poll) has already created."""
    app = build(settings, create=False)
    with app.sessions() as s:
        if not inspect(s.get_bind()).has_table("messages"):
            app.close()
            raise NotInitialised(f"{settings.database.url} has no case log yet: run `foi-intake init`")
    return app


def run_forever(app: App) -> int:
    """Poll every `poll_seconds` and flush the outbox; SIGTERM or Ctrl-C stops after the current job."""
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current job", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)

    def poll() -> None:
        try:
            app.intake.poll_once()
        except SourceUnavailable as exc:
            log.error("poll failed, will retry at the next tick: %s", exc)

    # One worker thread: polling and sending never overlap, so one row is never sent twice.
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1},
                                    timezone=app.settings.organisation.timezone)
    scheduler.add_job(poll, "interval", seconds=app.settings.schedule.poll_seconds, id="poll",
                      next_run_time=_now())
    scheduler.add_job(app.outbox.flush, "interval", seconds=app.settings.schedule.outbox_seconds,
                      id="outbox", next_run_time=_now())
    hour, minute = (int(x) for x in app.settings.responders.digest_time.split(":"))
    scheduler.add_job(app.daily, "cron", hour=hour, minute=minute, id="daily", misfire_grace_time=6 * 3600)
    scheduler.start()
    log.info("running: polling %s every %ss", app.intake.source.key,
             app.settings.schedule.poll_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    app.close()
    log.info("stopped cleanly")
    return 0


def _now() -> datetime:
    return datetime.now(UTC)

"""The scheduler: poll, flush the outbox and run the daily jobs until SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from intake.app.health import Monitor
from intake.app.wiring import App
from intake.mailbox import AuthenticationFailed, SourceUnavailable

__all__ = ["run_forever"]

log = logging.getLogger(__name__)


def run_forever(app: App) -> int:
    """Poll every `poll_seconds` and flush the outbox; SIGTERM or Ctrl-C stops after the current job."""
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current job", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if not _wait_for_lease(app, stop):
        app.close()
        return 0
    monitor = Monitor.start(app)  # the health file after every job (and GET /health if configured)

    def poll() -> None:
        try:
            monitor.run("poll", app.intake.poll_once)
        except (SourceUnavailable, AuthenticationFailed) as exc:
            log.error("poll failed, will retry at the next tick: %s", exc)

    # One worker thread: polling and sending never overlap, so one row is never sent twice. A job that waited for
    # the other still runs (no misfire limit): APScheduler's default of 1 s skipped the flush after any slow pass.
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                                    timezone=app.settings.organisation.timezone)
    scheduler.add_job(poll, "interval", seconds=app.settings.schedule.poll_seconds, id="poll",
                      next_run_time=_now())
    scheduler.add_job(monitor.run, "interval", args=("outbox", app.outbox.flush),
                      seconds=app.settings.schedule.outbox_seconds, id="outbox", next_run_time=_now())
    hour, minute = (int(x) for x in app.settings.responders.digest_time.split(":"))
    scheduler.add_job(app.daily, "cron", hour=hour, minute=minute, id="daily", misfire_grace_time=6 * 3600)
    scheduler.start()
    log.info("running: polling %s every %ss", app.intake.source.key,
             app.settings.schedule.poll_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    monitor.close()
    app.close()
    log.info("stopped cleanly")
    return 0


def _wait_for_lease(app: App, stop: threading.Event) -> bool:
    """Stand by while another worker serves this mailbox; True once this process holds the lease."""
    waiting = False
    while not app.lease.acquire():
        if not waiting:
            log.warning("%s is served by %s: standing by until it stops", app.intake.source.key, app.lease.holder())
            waiting = True
        if stop.wait(app.settings.schedule.poll_seconds):
            return False
    if waiting:
        log.info("took over %s", app.intake.source.key)
    return True


def _now() -> datetime:
    return datetime.now(UTC)

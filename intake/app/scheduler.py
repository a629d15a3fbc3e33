"""The scheduler: poll, flush the outbox and run the daily jobs until SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from intake.app.wiring import App
from intake.caselog.faults import TemporaryFault
from intake.errors import fault_trace
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

    def poll() -> None:
        guarded("poll", app.intake.poll_once)

    def flush() -> None:
        guarded("outbox", app.outbox.flush)

    def daily() -> None:
        guarded("daily", app.daily)

    # One worker thread: polling and sending never overlap, so one row is never sent twice.
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1},
                                    timezone=app.settings.organisation.timezone)
    scheduler.add_job(poll, "interval", seconds=app.settings.schedule.poll_seconds, id="poll",
                      next_run_time=_now())
    scheduler.add_job(flush, "interval", seconds=app.settings.schedule.outbox_seconds,
                      id="outbox", next_run_time=_now())
    hour, minute = (int(x) for x in app.settings.responders.digest_time.split(":"))
    scheduler.add_job(daily, "cron", hour=hour, minute=minute, id="daily", misfire_grace_time=6 * 3600)
    scheduler.start()
    log.info("running: polling %s every %ss", app.intake.source.key,
             app.settings.schedule.poll_seconds)
    stop.wait()
    scheduler.shutdown(wait=True)
    app.close()
    log.info("stopped cleanly")
    return 0


def guarded(job: str, action: Callable[[], object]) -> None:
    """Run a job; a failure is one log line (never a traceback, which may quote a message) and the next tick
    tries again: the mailbox unreachable, a login refused, the database locked or the disk full."""
    try:
        action()
    except (SourceUnavailable, AuthenticationFailed, TemporaryFault) as exc:
        log.error("%s failed, will retry at the next tick: %s", job, exc)
    except Exception as exc:
        log.error("%s failed, will retry at the next tick: %s", job, fault_trace(exc))


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

"""The scheduler: poll, flush the outbox and run the daily jobs of every mailbox until SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import TypeVar

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from intake.app.health import Monitor
from intake.app.push import CHECK_SECONDS, arrivals, start_watching
from intake.app.wiring import App
from intake.caselog.faults import TemporaryFault
from intake.errors import fault_trace
from intake.mailbox import AuthenticationFailed, SourceUnavailable

__all__ = ["run_forever"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Worker:
    """One mailbox's jobs; each runs only while this process holds the mailbox's lease."""

    app: App
    standing_by: bool = False
    monitor: Monitor | None = None  # the health file, from when this process first serves the mailbox

    @property
    def key(self) -> str:
        return self.app.intake.source.key

    def serving(self) -> Monitor | None:
        """The mailbox's monitor while this process holds its lease; None while another worker serves it."""
        if not self.app.lease.acquire():
            if not self.standing_by:
                log.warning("%s is served by %s: standing by until it stops", self.key, self.app.lease.holder())
                self.standing_by = True
            return None
        if self.standing_by:
            log.info("took over %s", self.key)
            self.standing_by = False
        if self.monitor is None:
            self.monitor = Monitor.start(self.app)
        return self.monitor

    def poll(self) -> None:
        if (monitor := self.serving()) is None:
            return
        report = guarded(f"poll of {self.key}", lambda: monitor.run("poll", self.app.intake.poll_once))
        if report is not None and report.processed:  # an acknowledgement leaves now, not at the outbox's next tick
            guarded(f"outbox of {self.key}", lambda: monitor.run("outbox", self.app.outbox.flush))

    def flush(self) -> None:
        if (monitor := self.serving()) is not None:
            guarded(f"outbox of {self.key}", lambda: monitor.run("outbox", self.app.outbox.flush))

    def daily(self) -> None:
        if self.serving() is not None:
            guarded(f"daily jobs of {self.key}", self.app.daily)

    def close(self) -> None:
        if self.monitor is not None:
            self.monitor.close()
        self.app.close()


def run_forever(apps: list[App]) -> int:
    """Poll each mailbox every `poll_seconds` and flush its outbox; SIGTERM or Ctrl-C stops after the
    current job. A mailbox another process serves is stood by for, and taken over when it stops."""
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current job", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    # One worker thread for every job of every mailbox: polling and sending never overlap, so one row is
    # never sent twice. A job that waited for another still runs (no misfire limit): APScheduler's default of
    # 1 s skipped the flush after any slow pass.
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
                                    timezone=apps[0].settings.organisation.timezone)
    workers = [_Worker(app) for app in apps]
    for number, worker in enumerate(workers):
        app, schedule = worker.app, worker.app.settings.schedule
        scheduler.add_job(worker.poll, "interval", seconds=schedule.poll_seconds, id=f"poll-{number}",
                          next_run_time=_now())
        scheduler.add_job(worker.flush, "interval", seconds=schedule.outbox_seconds, id=f"outbox-{number}",
                          next_run_time=_now())
        hour, minute = (int(x) for x in app.settings.responders.digest_time.split(":"))
        scheduler.add_job(worker.daily, "cron", hour=hour, minute=minute, id=f"daily-{number}",
                          timezone=app.settings.organisation.timezone, misfire_grace_time=6 * 3600)
        log.info("running: polling %s every %ss", worker.key, schedule.poll_seconds)
    scheduler.start()
    # IDLE where the server offers it: a pass as mail arrives; polling stays as the safety net.
    watching = [start_watching(w.app.settings.mailbox, w.app.settings.schedule.poll_seconds,
                               arrivals(scheduler, w.poll, f"arrival-{number}"), stop)
                for number, w in enumerate(workers)]
    stop.wait()
    scheduler.shutdown(wait=True)
    for thread in watching:
        if thread is not None:
            thread.join(timeout=2 * CHECK_SECONDS)
    for worker in workers:
        worker.close()
    log.info("stopped cleanly")
    return 0


def guarded(job: str, action: Callable[[], T]) -> T | None:
    """Run a job; a failure is one log line (never a traceback, which may quote a message) and None, and the
    next tick tries again: the mailbox unreachable, a login refused, the database locked or the disk full."""
    try:
        return action()
    except (SourceUnavailable, AuthenticationFailed, TemporaryFault) as exc:
        log.error("%s failed, will retry at the next tick: %s", job, exc)
    except Exception as exc:
        log.error("%s failed, will retry at the next tick: %s", job, fault_trace(exc))
    return None


def _now() -> datetime:
    return datetime.now(UTC)

"""Push on arrival: the mailbox's watcher waits on a thread of its own and asks the scheduler for a pass as
mail arrives. It never handles mail itself: passes and sends stay on the scheduler's one worker thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from apscheduler.schedulers.base import BaseScheduler

from config.settings import Mailbox
from intake.mailbox import AuthenticationFailed, IdleUnsupported, SourceUnavailable, Watcher, open_watcher

__all__ = ["CHECK_SECONDS", "arrivals", "start_watching"]

log = logging.getLogger(__name__)

# One wait on the IDLE connection: a stop (SIGTERM) is noticed within this.
CHECK_SECONDS = 1.0


def arrivals(scheduler: BaseScheduler, job: Callable[[], None], job_id: str = "arrival") -> Callable[[], None]:
    """What the watcher calls on new mail: `job` once more on the scheduler's worker, at most one waiting."""
    waiting = threading.Event()

    def run() -> None:
        waiting.clear()  # mail announced from here on may be too late for this pass: it schedules another
        job()

    def arrived() -> None:
        if not waiting.is_set():
            waiting.set()
            # Two instances: the one running and the one queued behind it; never late, however long it waits.
            scheduler.add_job(run, id=job_id, max_instances=2, misfire_grace_time=None, replace_existing=True)

    return arrived


def start_watching(mailbox: Mailbox, poll_seconds: int, arrived: Callable[[], None],
                   stop: threading.Event) -> threading.Thread | None:
    """Watch the mailbox on a thread until `stop` is set; None where it is polled only (Maildir, idle = false)."""
    watcher = open_watcher(mailbox, sleep=stop.wait)
    if watcher is None:
        return None
    thread = threading.Thread(target=_watch, args=(watcher, poll_seconds, arrived, stop), name="idle", daemon=True)
    thread.start()
    return thread


def _watch(watcher: Watcher, poll_seconds: int, arrived: Callable[[], None], stop: threading.Event) -> None:
    try:
        while not stop.is_set():
            try:
                if watcher.wait_for_mail(CHECK_SECONDS) and not stop.is_set():
                    arrived()
            except IdleUnsupported as exc:
                log.info("%s: polling every %ss", exc, poll_seconds)
                return
            except (SourceUnavailable, AuthenticationFailed) as exc:
                log.warning("IDLE failed, polling meanwhile; trying again in %ss: %s", poll_seconds, exc)
                stop.wait(poll_seconds)
            except Exception as exc:  # a surprise must not end push for good: polling carries on regardless
                log.error("IDLE failed unexpectedly, trying again in %ss: %s: %s", poll_seconds,
                          type(exc).__name__, exc)
                watcher.close()  # the next wait starts on a new connection
                stop.wait(poll_seconds)
    finally:
        watcher.close()

"""New mail announced while a pass runs is never lost, and never starts a second pass beside it."""

from __future__ import annotations

import threading
import time

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from intake.app.push import arrivals


def test_mail_announced_during_a_pass_gets_one_more_pass_after_it_on_the_same_worker() -> None:
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)},
                                    job_defaults={"coalesce": True, "max_instances": 1})
    started, release = threading.Event(), threading.Event()
    passes: list[str] = []
    running = threading.Lock()  # a second pass beside the first would find it held

    def one_pass() -> None:
        assert running.acquire(blocking=False), "two passes at once"
        try:
            passes.append(threading.current_thread().name)
            started.set()
            release.wait(10)
        finally:
            running.release()

    scheduler.start()
    try:
        arrived = arrivals(scheduler, one_pass)
        arrived()
        assert started.wait(10)
        for _ in range(5):  # mail keeps coming while the pass runs: one more pass covers it all
            arrived()
        time.sleep(0.3)
        release.set()
        deadline = time.monotonic() + 10
        while len(passes) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        scheduler.shutdown(wait=True)
    assert len(passes) == 2 and len(set(passes)) == 1

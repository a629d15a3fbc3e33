"""Fault harness (issue 11 item 8): a backlog of requests served by real `foi-intake` processes, under faults.

Each scenario has its own Dovecot mailbox (real IMAP on 127.0.0.1), its own aiosmtpd server and its own case log
(SQLite, or PostgreSQL with --postgresql), and N synthetic requests, each from its own requester:

- kill9: `run` or `poll --once` killed -9 at a random moment of its work, again and again, until the backlog is done;
- smtp: the SMTP server stopped and started again while `run` works; imap: Dovecot stopped and started again;
- lock: another connection holds the case log's write lock for longer than `lock_timeout_seconds` (1 s here);
- disk: the SQLite case log on a tmpfs filled to its last few kilobytes, then freed (mounting needs root);
- mixed: all of these, one after another, on one `run`;
- workers: two `run` processes on the same mailbox, the one holding the lease killed -9 and replaced, again and again.

Then per requester (bench/fault_rig.py): lost (no case and not set aside), parked (set aside by a fault: "internal
error" or "could not be stored"), set aside (for a person, for the message's own reason), duplicates (a second case,
or a notice under a second Message-ID), resends (the same notice again under the SAME Message-ID: the documented
in-doubt resend), unanswered (a case whose notice never reached the server); and `felt`, the workers' lines saying
they met a fault and will try again. tests/integration/test_faults.py runs a small version in the suite.

    .venv/bin/python bench/faults.py [-n 1000] [--kills 50] [--outages 5] [--only kill9 smtp ...] [--postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fault_rig import RIGS, Counts, Rig, disk_size, table, tmpfs
from tests.postgres import Postgres
from tests.servers import Dovecot, SmtpServer

Fault = Callable[[], None]
Span = tuple[float, float]  # seconds, at random between the two


# -- faults: each is caused once when called ----------------------------------------------------------------------

def smtp_down(rig: Rig, rng: random.Random, hold: Span = (2.0, 6.0)) -> Fault:
    def outage() -> None:
        rig.smtp.stop()
        time.sleep(rng.uniform(*hold))
        rig.smtp.start()
    return outage


def imap_down(rig: Rig, rng: random.Random, hold: Span = (2.0, 6.0)) -> Fault:
    def outage() -> None:
        rig.dovecot.stop()
        time.sleep(rng.uniform(*hold))
        rig.dovecot.start()
    return outage


def locked(rig: Rig, rng: random.Random, hold: Span = (2.0, 4.0)) -> Fault:
    def lock() -> None:
        with rig.write_lock():
            time.sleep(rng.uniform(*hold))  # longer than lock_timeout_seconds (1 s)
    return lock


def disk_full(rig: Rig, rng: random.Random, disk: Path, hold: Span = (2.0, 4.0)) -> Fault:
    def fill() -> None:
        filler = disk / "filler"
        fd, size = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 0
        try:
            while True:
                size += os.write(fd, bytes(65536))
        except OSError:  # full: now leave a few kilobytes, as a disk that fills up does
            os.ftruncate(fd, max(size - rng.randint(0, 16) * 1024, 0))
        finally:
            os.close(fd)
        time.sleep(rng.uniform(*hold))
        filler.unlink()  # an operator frees space
    return fill


# -- scenarios: each returns how many faults it caused ------------------------------------------------------------

def kill9(rig: Rig, rng: random.Random, kills: int) -> int:
    """`run` or `poll --once` killed -9 at random points of the work (stored, processed, sent: 3 units a request),
    each after it did some of it, and started again, until the backlog is done."""
    killed = 0
    for point in sorted(rng.randrange(3 * rig.n) for _ in range(kills)):
        while not rig.done():
            proc = rig.start(*rng.choice((("run",), ("poll", "--once"))))
            if rig.reach(max(point, rig.work() + 1), proc):
                rig.kill(proc)
                killed += 1
                break
    return killed


def under_faults(rig: Rig, rng: random.Random, faults: list[Fault]) -> int:
    """One `run`; the backlog arrives in waves, and a fault comes at a random moment of the work on each wave."""
    worker = rig.start("run")
    waves = len(faults) + 1
    for fault in faults:
        before = rig.work()
        rig.more(rig.n // waves)
        rig.reach(before + 1, worker)
        time.sleep(rng.uniform(0, 0.5))
        fault()
    rig.more(rig.n - rig.appended)
    return len(faults)


def two_workers(rig: Rig, rng: random.Random, kills: int) -> int:
    """Two `run` processes on one mailbox; the one holding the lease killed -9 at random points of the work and
    replaced, so that two always run."""
    running = [rig.start("run"), rig.start("run")]
    killed = 0
    for point in sorted(rng.randrange(3 * rig.n) for _ in range(kills)):
        if rig.done() or not rig.reach(max(point, rig.work() + 1)):
            break
        victim = next((p for p in running if p.pid == rig.holder() and p.poll() is None), None)
        if victim is not None:
            rig.kill(victim)
            killed += 1
            running = [p for p in running if p is not victim] + [rig.start("run")]
    return killed


# -- running them -------------------------------------------------------------------------------------------------

SCENARIOS = ("kill9", "smtp", "imap", "lock", "disk", "mixed", "workers")
NAMES = {"kill9": "kill -9 (run, poll --once)", "smtp": "SMTP outages", "imap": "IMAP outages (Dovecot stopped)",
         "lock": "database lock > timeout", "disk": "full disk (tmpfs)", "mixed": "all of these on one run",
         "workers": "two workers, holder killed -9"}


@dataclass(frozen=True)
class Plan:
    n: int = 1000
    kills: int = 50
    outages: int = 5
    seed: int = 1
    blank: bool = False
    finish_seconds: float = 900.0  # the longest a scenario may take to finish its backlog after the faults


def scenario(name: str, root: Path, dovecot: Dovecot, plan: Plan, url: str | None = None) -> Counts | str:
    """One scenario on a fresh mailbox, SMTP server and case log (`url`, else SQLite in `root`; the disk and mixed
    scenarios put SQLite on a tmpfs when they may mount one): its counts, or why it could not run."""
    rng = random.Random(f"{plan.seed}-{name}")
    smtp = SmtpServer()
    smtp.start()
    disk = root / "disk"
    on_disk = name in ("disk", "mixed") and url is None
    try:
        with tmpfs(disk, disk_size(plan.n)) if on_disk else nullcontext(False) as mounted:
            if name == "disk" and not mounted:
                return "not run: mounting a tmpfs needs root (tests/unit/app/test_transient.py fills SQLite)"
            waves = name not in ("kill9", "workers")  # mail arrives during the outages, a wave before each
            rig = Rig(root, dovecot, smtp, plan.n, seed=plan.seed, blank=plan.blank,
                      url=f"sqlite:///{disk / 'cases.sqlite3'}" if mounted else url, first=0 if waves else None)
            faults = _cause(name, rig, rng, plan, disk if mounted else None)
            return _finish(rig, name, faults, plan)
    finally:
        smtp.stop()


def _cause(name: str, rig: Rig, rng: random.Random, plan: Plan, disk: Path | None) -> int:
    if name == "kill9":
        return kill9(rig, rng, plan.kills)
    if name == "workers":
        return two_workers(rig, rng, plan.kills)
    makers = {"smtp": [smtp_down], "imap": [imap_down], "lock": [locked], "disk": [], "mixed": [smtp_down, imap_down,
                                                                                             locked]}[name]
    faults = [make(rig, rng) for make in makers] + ([disk_full(rig, rng, disk)] if disk is not None else [])
    return under_faults(rig, rng, faults * plan.outages)


def _finish(rig: Rig, name: str, faults: int, plan: Plan) -> Counts:
    if any(p.poll() is None for p in rig.workers):
        rig.wait_done(plan.finish_seconds)
    rig.finish(plan.finish_seconds)
    counts = rig.counts(NAMES[name], faults)
    rig.engine.dispose()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="requests in each scenario's backlog (default 1000)")
    parser.add_argument("--kills", type=int, default=50, help="kill -9s in kill9 and workers (default 50)")
    parser.add_argument("--outages", type=int, default=5, help="outages, locks or fills in the others (default 5)")
    parser.add_argument("--only", nargs="*", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgresql", action="store_true", help="the case log on a real PostgreSQL server")
    parser.add_argument("--blank", action="store_true", help="rules only, without the statistical model")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # `timeout`: stop the servers and workers on the way out
    plan = Plan(n=args.n, kills=args.kills, outages=args.outages, seed=args.seed, blank=args.blank)
    rows: list[Counts] = []
    with tempfile.TemporaryDirectory(prefix="foi-faults-") as d:
        work = Path(d)
        work.chmod(0o755)  # Dovecot's users (nobody) must reach its directory inside
        dovecot = Dovecot(work / "dovecot")
        dovecot.start()
        postgres = Postgres(work / "postgres") if args.postgresql else None
        try:
            if postgres is not None:
                postgres.start()
            for name in args.only:
                url = postgres.url(postgres.new_database()) if postgres is not None and name != "disk" else None
                result = scenario(name, work / name, dovecot, plan, url)
                print(f"{name}: {result}" if isinstance(result, str) else table([result]).splitlines()[-1],
                      flush=True)
                rows += [result] if isinstance(result, Counts) else []
        finally:
            for rig in RIGS:
                for proc in rig.workers:
                    if proc.poll() is None:
                        rig.kill(proc)
            dovecot.stop()
            if postgres is not None:
                postgres.stop()
    case_log = "PostgreSQL" if args.postgresql else "SQLite"
    print(f"\n{plan.n} requests per scenario, real Dovecot and aiosmtpd on 127.0.0.1, {case_log}, seed {plan.seed}")
    print(table(rows))
    return 0 if all(r.lost == r.parked == r.duplicates == r.tracebacks == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

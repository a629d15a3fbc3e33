"""Issue 11 item 8: the fault harness (bench/faults.py) in small, on SQLite and (with --database postgresql)
PostgreSQL: 60 requests served by real `foi-intake` processes against a real Dovecot and aiosmtpd, killed -9 five
times; two workers on one mailbox with the lease holder killed; SMTP and IMAP outages, a database lock and (as root,
on SQLite) a full disk on one `run`. Per requester: nothing lost, nothing parked by a fault, no duplicate but the
documented in-doubt resend (the same Message-ID again), and no traceback."""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest

from bench.fault_rig import Counts, Rig, disk_size, tmpfs
from bench.faults import disk_full, imap_down, kill9, locked, smtp_down, two_workers, under_faults
from tests.servers import Dovecot, SmtpServer

# The suite is long enough: the harness runs once, on SQLite (bench/faults.py --postgresql for PostgreSQL).
pytestmark = pytest.mark.once

N = 60


@pytest.fixture(scope="module")
def own_dovecot() -> Iterator[Dovecot]:
    """A Dovecot of this module's own: the outages stop and start it, and no other test should see that."""
    with tempfile.TemporaryDirectory(prefix="foi-dovecot-faults-") as d:
        server = Dovecot(Path(d))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def settled(rig: Rig, scenario: str, faults: int) -> Counts:
    """Let a last `run` finish what the faults left, then count."""
    if any(p.poll() is None for p in rig.workers):
        rig.wait_done(120)
    rig.finish(120)
    counts = rig.counts(scenario, faults)
    rig.engine.dispose()
    return counts


def assert_held(counts: Counts) -> None:
    assert (counts.lost, counts.parked, counts.set_aside, counts.duplicates, counts.unanswered, counts.tracebacks) \
        == (0, 0, 0, 0, 0, 0), counts
    assert counts.felt > 0, "the faults were not felt by the workers: the scenario tested nothing"


def test_kill_9_at_random_moments_loses_nothing_and_duplicates_nothing(tmp_path: Path, own_dovecot: Dovecot,
                                                                        smtp: SmtpServer, database_url: str) -> None:
    rig = Rig(tmp_path, own_dovecot, smtp, N, url=database_url, blank=True)
    killed = kill9(rig, random.Random(11), kills=5)
    counts = settled(rig, "kill -9", killed)
    assert killed == 5
    assert (counts.lost, counts.parked, counts.duplicates, counts.unanswered, counts.tracebacks) == (0, 0, 0, 0, 0), \
        counts  # a notice resent after a kill during DATA carries the same Message-ID: counted apart, allowed


def test_two_workers_with_the_lease_holder_killed_send_each_notice_once(tmp_path: Path, own_dovecot: Dovecot,
                                                                        smtp: SmtpServer, database_url: str) -> None:
    rig = Rig(tmp_path, own_dovecot, smtp, N, url=database_url, blank=True)
    killed = two_workers(rig, random.Random(12), kills=2)
    counts = settled(rig, "two workers", killed)
    assert killed == 2
    assert (counts.lost, counts.parked, counts.duplicates, counts.unanswered, counts.tracebacks) == (0, 0, 0, 0, 0), \
        counts


def test_outages_a_lock_and_a_full_disk_park_nothing_and_send_nothing_twice(tmp_path: Path, own_dovecot: Dovecot,
                                                                            smtp: SmtpServer,
                                                                            database_url: str) -> None:
    rng = random.Random(13)
    on_sqlite = database_url.startswith("sqlite")
    with tmpfs(tmp_path / "disk", disk_size(N)) if on_sqlite else nullcontext(False) as mounted:
        url = f"sqlite:///{tmp_path / 'disk' / 'cases.sqlite3'}" if mounted else database_url
        rig = Rig(tmp_path, own_dovecot, smtp, N, url=url, blank=True, first=0)
        hold = (1.5, 2.5)  # longer than lock_timeout_seconds (1 s)
        faults = [smtp_down(rig, rng, hold), imap_down(rig, rng, hold), locked(rig, rng, hold)]
        if mounted:  # as root (CI): SQLite on a full tmpfs; tests/unit/app/test_transient.py fills it otherwise
            faults.append(disk_full(rig, rng, tmp_path / "disk", hold))
        caused = under_faults(rig, rng, faults)
        assert_held(settled(rig, "outages, lock, full disk", caused))
        assert caused == 3 + mounted
        assert mounted or not on_sqlite or os.geteuid() != 0  # root may mount: the full disk was part of it

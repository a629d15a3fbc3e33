"""Memory at a backlog: N messages waiting in the embedded default's Maildir, one pass and flush in a fresh process,
its peak resident memory (ru_maxrss) and time. Flat memory means the same peak at 1,000, 5,000 and 50,000.

    .venv/bin/python -m bench.backlog N      (prints one JSON line; bench/pipeline.py runs it per size)
"""

from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Backlog:
    messages: int
    seconds: float
    peak_mb: float
    before_mb: float  # peak before the pass: the interpreter, the model, the templates
    summary: str


def child(n: int, seed: int) -> Backlog:
    sys.path.insert(0, str(REPO))
    from bench.mailmix import mails
    from bench.paths import ORGANISATION, write_maildir
    from config.settings import parse
    from intake.app import build

    logging.basicConfig(level=logging.INFO, handlers=[logging.FileHandler(os.devnull)], force=True)
    work = Path(tempfile.mkdtemp(prefix="foi-bench-backlog-"))
    settings = parse({"organisation": ORGANISATION, "mailbox": {"kind": "maildir", "path": "mail/FOI.Requests"},
                      "smtp": {"kind": "file", "path": "outbox"},
                      "database": {"url": f"sqlite:///{work / 'foi-intake.sqlite3'}"}}, work)
    at = datetime.now(UTC) - timedelta(hours=2)
    app = build(settings, create=True)
    write_maildir(settings, (m.raw for m in mails(n, seed, at)), at)
    app.intake.classifier.classify  # noqa: B018 -- the model is part of the baseline, not of the backlog
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report, flushed = app.poll_and_flush()
    seconds = time.perf_counter() - start
    app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Backlog(n, seconds, peak, before, f"{report.summary()} sent={flushed.sent}")


def measure(n: int, seed: int = 11) -> Backlog:
    """`child` in a process of its own: a peak belongs to one run only."""
    out = subprocess.run([sys.executable, "-m", "bench.backlog", str(n), str(seed)], cwd=REPO, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return Backlog(**json.loads(out.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    result = child(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 11)
    print(json.dumps(result.__dict__))

"""Intake throughput and memory: N synthetic requests through the embedded default, end to end.

Maildir → store raw → parse → classify (with the statistical model when installed) → case log and
clock → notices → file outbox → Maildir queue folders. Prints messages per second for the poll and
for the outbox flush, and the peak resident memory of the process.

    .venv/bin/python bench/intake_throughput.py [-n 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_requests
from intake.app import build
from intake.cli import demo_settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="messages (default 1000)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="foi-intake-bench-"))
    settings = demo_settings(root)
    app = build(settings, create=True)  # loads the model before the clock starts
    assert settings.mailbox.path is not None
    new = settings.mailbox.path / "new"
    for i, raw in enumerate(synthetic_requests(args.n, seed=7)):
        (new / f"{i:06d}.bench:2,").write_bytes(raw)
    start = time.perf_counter()
    report = app.intake.poll_once()
    polled = time.perf_counter() - start
    start = time.perf_counter()
    flushed = app.outbox.flush()
    sent = time.perf_counter() - start
    app.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.n} messages of ~300 words, Maildir + SQLite + file outbox, one process")
    print(f"  poll (store, parse, classify, case, clock, notices, file): {polled:6.1f} s  "
          f"{args.n / polled:6.0f} messages/s  ({report.summary()})")
    print(f"  outbox flush ({flushed.sent} notices written):                 {sent:6.1f} s  "
          f"{flushed.sent / sent:6.0f} notices/s")
    print(f"  peak resident memory: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

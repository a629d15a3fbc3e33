"""Commands at a grown case log: 20,000 cases over five years (most answered, some closed, a few hundred live, some
overdue), each with its message (raw bytes and all), events and acknowledgement, written through the models' tables
directly; then `cases list`, `report`, `daily` and `status` as a person runs them, each its own process, timed with
its peak resident memory (wait4's ru_maxrss).

    .venv/bin/python -m bench.commands [--cases 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.mailmix import mail  # noqa: E402
from intake.caselog import Case, CaseEvent, Message, Notice, create_schema, make_engine  # noqa: E402
from intake.vocabulary import EventType, status_after  # noqa: E402

CONFIG = """[organisation]
name = "NHS Example Integrated Care Board"
foi_address = "foi.requests@example-icb.nhs.uk"
dsp_address = "dsp.team@example-icb.nhs.uk"
comms_address = "communications@example-icb.nhs.uk"

[mailbox]
kind = "maildir"
path = "mail"

[smtp]
kind = "file"
path = "outbox"

[database]
url = "sqlite:///{db}"
"""


@dataclass(frozen=True)
class CommandRun:
    command: str
    seconds: float
    cpu_seconds: float  # user + system: what the command cost, whatever else the machine was doing
    peak_mb: float
    output_kb: float  # what it printed; for daily, the digest it wrote


Event = tuple[str, datetime, dict[str, Any]]


def _events(rng: random.Random, received: datetime, now: datetime, kind: str) -> list[Event]:
    """A case's life: acknowledged; most answered within the month, a few closed, the recent ones still open."""
    events: list[Event] = [
        (EventType.RECEIVED, received, {"message": 0}),
        (EventType.NOTICE_QUEUED, received + timedelta(seconds=2), {"notice": "acknowledgement", "to": "x", "id": 0})]
    age = (now - received).days
    roll = rng.random()
    if (age > 60 and roll < 0.92) or (age <= 60 and roll < 0.15):
        if rng.random() < 0.1:
            events.append((EventType.PIT_EXTENSION, received + timedelta(days=15), {"exemptions": ["s43"]}))
        answered = received + timedelta(days=rng.randint(5, min(max(age - 1, 5), 40)))
        outcome = rng.choice(("granted", "granted", "partly_refused", "not_held", "refused"))
        events.append((EventType.RESPONDED, answered, {"outcome": outcome, "exemptions": [], "late_reason": None}))
        if kind == "internal_review":
            events[-1][2]["closes"] = True
    elif age > 60 and roll < 0.985:
        asked = received + timedelta(days=3)
        events += [(EventType.CLARIFICATION_REQUESTED, asked, {"ask": "which sites"}),
                   (EventType.CLOSED, asked + timedelta(days=95), {"reason": "lapsed: no clarification"})]
    elif age <= 60 and roll < 0.25:
        events.append((EventType.CLARIFICATION_REQUESTED, received + timedelta(days=2), {"ask": "which sites"}))
    return [e for e in events if e[1] <= now]


def fill(db: Path, cases: int, seed: int = 5) -> None:
    """`cases` cases received over five years up to now, written in batches of 1,000."""
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    times = sorted(now - timedelta(days=rng.uniform(0, 5 * 365)) for _ in range(cases))
    seq: dict[int, int] = {}
    rows: dict[str, list[dict[str, Any]]] = {"cases": [], "events": [], "messages": [], "notices": []}
    with engine.begin() as conn:
        for case_id, received in enumerate(times, 1):
            generated = mail(case_id, seed, received)
            kind = generated.kind if generated.kind in ("reuse_request", "internal_review") else "foi_request"
            regime = "eir" if rng.random() < 0.08 else "sar" if rng.random() < 0.04 else "foi"
            seq[received.year] = seq.get(received.year, 0) + 1
            events = _events(rng, received, now, kind)
            answered = next((at for t, at, _ in events if t == EventType.RESPONDED), None)
            rows["cases"].append({
                "id": case_id, "reference": f"FOI-{received.year}-{seq[received.year]:05d}",
                "status": status_after((t, d) for t, _, d in events), "kind": kind, "regime": regime, "flags": [],
                "initial_received_at": received, "received_at": received, "requester_name": f"Requester {case_id}",
                "requester_email": f"requester{case_id}@example.org",
                "requester_address": f"requester{case_id}@example.org",
                "description": "Waiting times; the number of referrals", "questions": ["the number of referrals"],
                "method": "email", "valid": True, "missing": [], "exemptions": [], "reasons": [],
                "created_at": received,
                "decision": next((d["outcome"] for t, _, d in events if t == EventType.RESPONDED), None),
                "completed_at": answered, "sent_at": answered})
            rows["events"] += [{"case_id": case_id, "type": t, "at": at, "recorded_at": at, "actor": "foi-intake",
                                "data": d} for t, at, d in events]
            rows["messages"].append({
                "source": "maildir://bench", "source_uid": str(case_id), "fingerprint": f"{case_id:064d}",
                "message_id": f"<{case_id}@bench>", "size": len(generated.raw), "raw": generated.raw,
                "raw_is_complete": True, "arrived_at": received, "stored_at": received, "status": "processed",
                "from_address": f"requester{case_id}@example.org", "subject": "Waiting times", "filed_in": "FOI/New",
                "case_id": case_id})
            rows["notices"].append({
                "case_id": case_id, "dedup_key": f"acknowledgement:{case_id}", "kind": "acknowledgement",
                "to_address": f"requester{case_id}@example.org", "subject": "Acknowledgement",
                "message_id": f"<ack-{case_id}@example-icb.nhs.uk>", "raw": generated.raw, "status": "sent",
                "attempts": 1, "next_attempt_at": received, "created_at": received,
                "sent_at": received + timedelta(seconds=5), "archived": True})
            if case_id % 1000 == 0 or case_id == cases:
                for table, model in (("cases", Case), ("events", CaseEvent), ("messages", Message),
                                     ("notices", Notice)):
                    if rows[table]:
                        conn.execute(insert(model), rows[table])
                    rows[table] = []
    engine.dispose()


def run(config: Path, args: list[str], outbox: Path | None = None) -> CommandRun:
    """One command in its own process: wall time, peak RSS, and how much it printed (or, for daily, wrote)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(config), *args], stdout=out,
                                stderr=subprocess.DEVNULL, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        size = out.tell()
    if proc.returncode not in (0, 1):  # status exits 1 when the (absent) health file says unhealthy
        raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}")
    if outbox is not None:
        size = max((p.stat().st_size for p in outbox.glob("*digest*.eml")), default=0)
    return CommandRun(" ".join(args), seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, size / 1024)


def measure(cases: int, work: Path) -> list[CommandRun]:
    db = work / "cases.sqlite3"
    if not db.exists():
        fill(db, cases)
    config = work / "foi.toml"
    config.write_text(CONFIG.format(db=db))
    earliest = "2000-01-01"
    out = [run(config, ["cases", "list"]), run(config, ["report", "--from", earliest]), run(config, ["status"])]
    daily = work / "daily"  # daily writes: each run starts from the same case log
    shutil.rmtree(daily, ignore_errors=True)
    daily.mkdir()
    shutil.copy(db, daily / "cases.sqlite3")
    (daily / "foi.toml").write_text(CONFIG.format(db=daily / "cases.sqlite3"))
    out.append(run(daily / "foi.toml", ["daily"], outbox=daily / "outbox"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--work", type=Path, help="keep the filled case log here (default: a temporary directory)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="foi-bench-commands-"))
    work.mkdir(parents=True, exist_ok=True)
    for r in measure(args.cases, work):
        print(f"{r.command:<40} {r.seconds:6.2f} s ({r.cpu_seconds:.2f} s CPU) {r.peak_mb:6.0f} MB  "
              f"{r.output_kb:8.1f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

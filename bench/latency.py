"""Latency of `foi-intake run`: from IMAP APPEND to the acknowledgement at the SMTP server, with IDLE and polling.

Starts a real Dovecot and a real aiosmtpd server on 127.0.0.1 (tests/servers.py), then for each mode a `run`
process on its own mailbox and SQLite case log. Synthetic requests are appended at random moments (one at a
time with IDLE, so each is timed alone; every poll_seconds/3 on average when polling, whatever the poll's
phase), and each is timed until the first notice in reply to it reaches the SMTP server.

    .venv/bin/python bench/latency.py [-n 20] [--polls 5 60]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import imapclient
from aiosmtpd.smtp import SMTP, Envelope, Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import synthetic_request
from tests.servers import Dovecot, Sink, SmtpServer

CONFIG = """
[organisation]
name = "NHS Example ICB"
foi_address = "foi.requests@example-icb.nhs.uk"
dsp_address = "dsp@example-icb.nhs.uk"
comms_address = "comms@example-icb.nhs.uk"

[mailbox]
kind = "imap"
host = "127.0.0.1"
port = {imap_port}
tls = "none"
username = "{user}"
password_file = "imap.secret"
idle = {idle}

[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp_port}
tls = "none"

[schedule]
poll_seconds = {poll_seconds}
"""


@dataclass
class TimedSink(Sink):
    """Notes when the first reply to each Message-ID arrived."""

    replied: dict[str, float] = field(default_factory=dict)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        now = time.monotonic()
        answered = message_from_bytes(envelope.original_content or b"")["In-Reply-To"]
        with self.lock:
            if answered:
                self.replied.setdefault(str(answered).strip(), now)
        return await super().handle_DATA(server, session, envelope)


def measure(dovecot: Dovecot, n: int, poll_seconds: int, idle: bool, seed: int) -> list[float]:
    """Seconds from APPEND to the reply at the SMTP server, for `n` requests through one `run` process."""
    rng = random.Random(seed)
    user = dovecot.new_user()
    smtp = SmtpServer()
    sink = smtp.sink = TimedSink()
    smtp.start()
    work = Path(tempfile.mkdtemp(prefix="foi-intake-latency-"))
    (work / "imap.secret").write_text("secret")
    config = work / "foi.toml"
    config.write_text(CONFIG.format(imap_port=dovecot.port, user=user, idle=str(idle).lower(),
                                    smtp_port=smtp.port, poll_seconds=poll_seconds))
    cli = [sys.executable, "-m", "intake.cli", "--config", str(config)]
    subprocess.run([*cli, "init"], check=True, capture_output=True)
    proc = subprocess.Popen([*cli, "run"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_running(proc, "IDLE on" if idle else "running:")
        appended: dict[str, float] = {}
        client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=30)
        client.login(user, "secret")
        for i in range(n):
            if idle:  # one at a time: the latency of one message, not of a queue behind it
                _wait_for(sink, set(appended), 60)
                time.sleep(rng.uniform(0.2, 1.0))
            else:  # independent of the poll's phase
                time.sleep(rng.uniform(0, 2 * poll_seconds / 3))
            raw = synthetic_request(i, seed=seed)
            message_id = str(message_from_bytes(raw)["Message-ID"])
            appended[message_id] = time.monotonic()
            client.append("INBOX", raw)
        client.logout()
        _wait_for(sink, set(appended), 2 * poll_seconds + 60)
    finally:
        proc.terminate()
        proc.wait(30)
        smtp.stop()
    with sink.lock:
        return [sink.replied[m] - t for m, t in appended.items() if m in sink.replied]


def _wait_until_running(proc: subprocess.Popen[str], marker: str) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if marker in line:
            break
    else:
        raise SystemExit(f"foi-intake run stopped before it said {marker!r}")
    stderr = proc.stderr
    threading.Thread(target=lambda: [None for _ in stderr], daemon=True).start()  # keep the pipe drained
    time.sleep(2)  # the passes at start are done


def _wait_for(sink: TimedSink, message_ids: set[str], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sink.lock:
            if message_ids <= set(sink.replied):
                return
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="requests per mode (default 20)")
    parser.add_argument("--polls", type=int, nargs="*", default=[5, 60], help="poll_seconds to measure polling at")
    args = parser.parse_args()
    modes = [("IDLE (poll_seconds 60 as the safety net)", 60, True)]
    modes += [(f"polling, poll_seconds {p}, idle = false", p, False) for p in args.polls]
    with tempfile.TemporaryDirectory(prefix="foi-dovecot-") as d:
        dovecot = Dovecot(Path(d))
        dovecot.start()
        try:
            rows = [(name, measure(dovecot, args.n, poll, idle, seed)) for seed, (name, poll, idle) in enumerate(modes)]
        finally:
            dovecot.stop()
    print(f"APPEND to acknowledgement at the SMTP server; Dovecot and aiosmtpd on 127.0.0.1, SQLite; n={args.n} each")
    print(f"{'mode':<44} {'median':>8} {'p90':>8} {'max':>8} {'answered':>9}")
    for name, seconds in rows:
        if not seconds:
            print(f"{name:<44} {'-':>8} {'-':>8} {'-':>8} {0:>5}/{args.n}")
            continue
        p90 = statistics.quantiles(seconds, n=10, method="inclusive")[-1] if len(seconds) > 1 else seconds[0]
        print(f"{name:<44} {statistics.median(seconds):7.2f}s {p90:7.2f}s {max(seconds):7.2f}s "
              f"{len(seconds):>5}/{args.n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

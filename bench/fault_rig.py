"""The fault harness's rig (bench/faults.py): a mailbox with a backlog of requests, an SMTP server and a case log,
the `foi-intake` workers started on them, and the counts per requester once they are done."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from email import message_from_bytes
from email.utils import parseaddr
from pathlib import Path

import imapclient
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine

from bench.synthetic import synthetic_request
from config.settings import load
from intake.app.lease import Lease
from intake.caselog import Case, Message, Notice, create_schema, make_engine
from intake.mailbox import open_source
from intake.vocabulary import MessageStatus, NoticeStatus
from tests.servers import Dovecot, SmtpServer

REPO = Path(__file__).resolve().parents[1]
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
reconnect_attempts = 3
reconnect_backoff_seconds = 0.2

[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
timeout_seconds = 10
retry_backoff_seconds = 1
retry_backoff_max_seconds = 4

[schedule]
poll_seconds = 1
outbox_seconds = 1

[database]
url = "{url}"
lock_timeout_seconds = 1
{classifier}
"""
BLANK = '\n[classifier]\nmodel = ""\n'  # rules only: faster to start, for the test suite
PARKED = ("internal error", "could not be stored")  # set aside by a fault, not for anything the message says
# A worker's one line for a fault it met: a job that will retry, a notice not sent, a mailbox reconnected, in doubt.
FELT = re.compile(rb"will retry|not sent, attempt|reconnecting in|in doubt|temporary fault")


@dataclass
class Counts:
    scenario: str
    requests: int
    faults: int
    felt: int = 0  # lines in the workers' output saying they met a fault and will try again
    lost: int = 0
    parked: int = 0
    set_aside: int = 0
    duplicates: int = 0
    resends: int = 0
    unanswered: int = 0
    seconds: float = 0.0
    tracebacks: int = 0  # in the workers' output


def ordinary_requests(n: int, seed: int) -> list[bytes]:
    """`n` synthetic requests the bot acknowledges on its own: those mentioning "an internal review" (which of the
    exemptions applies, "so that I can consider whether to ask for an internal review") are left out, as the
    classifier doubts whether they are reviews and leaves them for a person, and the harness is about delivery."""
    found: list[bytes] = []
    i = 0
    while len(found) < n:
        raw = synthetic_request(i, seed=seed)
        body = message_from_bytes(raw).get_payload(decode=True)
        if isinstance(body, bytes) and b"internal review" not in body:
            found.append(raw)
        i += 1
    return found


RIGS: list[Rig] = []  # every rig made, so that their workers are stopped whatever happens


class Rig:
    """One scenario's mailbox, SMTP server, case log and backlog, and the workers started on them."""

    def __init__(self, root: Path, dovecot: Dovecot, smtp: SmtpServer, n: int, *, seed: int = 1,
                 url: str | None = None, blank: bool = False, first: int | None = None) -> None:
        """`first` of the `n` requests are in the mailbox at the start (all by default); `more()` appends the rest."""
        self.root, self.dovecot, self.smtp, self.n = root, dovecot, smtp, n
        root.mkdir(parents=True, exist_ok=True)
        self.user = dovecot.new_user()
        (root / "imap.secret").write_text("secret")
        self.config = root / "foi.toml"
        self.config.write_text(CONFIG.format(imap_port=dovecot.port, user=self.user, smtp_port=smtp.port,
                                             url=url or f"sqlite:///{root / 'cases.sqlite3'}",
                                             classifier=BLANK if blank else ""))
        self.settings = load(self.config)
        self.engine: Engine = make_engine(self.settings.database.url)
        create_schema(self.engine)  # what `foi-intake init` does
        self.lease = Lease(self.engine, open_source(self.settings.mailbox).key)
        self.workers: list[subprocess.Popen[bytes]] = []
        self.backlog = ordinary_requests(n, seed)
        self.requesters = {}  # each request's Message-ID → its requester's address
        for raw in self.backlog:
            head = message_from_bytes(raw)
            self.requesters[str(head["Message-ID"])] = parseaddr(str(head["From"]))[1].lower()
        self.appended = 0
        self.more(n if first is None else first)
        self.started = time.monotonic()
        RIGS.append(self)

    def more(self, count: int) -> None:
        """Append the next `count` requests of the backlog to the mailbox, as mail arriving."""
        client = imapclient.IMAPClient("127.0.0.1", port=self.dovecot.port, ssl=False, timeout=30)
        client.login(self.user, "secret")
        for raw in self.backlog[self.appended:self.appended + count]:
            client.append("INBOX", raw)
            self.appended += 1
        client.logout()

    # -- workers ----------------------------------------------------------------------------------------------------

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        output = (self.root / f"worker-{len(self.workers) + 1}.log").open("wb")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.Popen([sys.executable, "-m", "intake.cli", "--config", str(self.config), *command],
                                stdout=output, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        output.close()
        self.workers.append(proc)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    @staticmethod
    def stop(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                Rig.kill(proc)

    def holder(self) -> int | None:
        """The pid of the worker holding the mailbox's lease, as the lease names it."""
        found = re.match(r"pid (\d+)", self.lease.holder())
        return int(found.group(1)) if found else None

    # -- progress and counts ----------------------------------------------------------------------------------------

    def done(self) -> bool:
        """Every request stored and processed, and nothing left to send."""
        try:
            with self.engine.connect() as c:
                stored = c.scalar(select(func.count()).select_from(Message)) or 0
                waiting = c.scalar(select(func.count()).select_from(Message)
                                   .where(Message.status == MessageStatus.RECEIVED))
                unsent = c.scalar(select(func.count()).select_from(Notice)
                                  .where(Notice.status.in_((NoticeStatus.PENDING, NoticeStatus.SENDING))))
        except Exception:  # locked, or the disk full, by the scenario itself: not done yet
            return False
        return stored >= self.n and waiting == 0 and unsent == 0

    def work(self) -> int:
        """Messages stored, plus messages processed, plus notices sent: 3 per request when all is done."""
        try:
            with self.engine.connect() as c:
                stored = c.scalar(select(func.count()).select_from(Message)) or 0
                processed = c.scalar(select(func.count()).select_from(Message)
                                     .where(Message.status != MessageStatus.RECEIVED)) or 0
                sent = c.scalar(select(func.count()).select_from(Notice).where(Notice.status == NoticeStatus.SENT))
        except Exception:  # locked or full, by the scenario itself
            return -1
        return stored + processed + (sent or 0)

    def reach(self, point: int, proc: subprocess.Popen[bytes] | None = None, seconds: float = 120) -> bool:
        """Wait until the work done reaches `point` (True), or `proc` exits first (False)."""
        deadline = time.monotonic() + seconds
        while (proc is None or proc.poll() is None) and time.monotonic() < deadline:
            if self.work() >= point:
                return True
            time.sleep(0.02)
        return proc is None or proc.poll() is None

    def wait_done(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.done():
                return True
            time.sleep(0.5)
        return False

    def finish(self, seconds: float) -> None:
        """One `run` until the backlog is done (the last worker is never killed), then SIGTERM."""
        if not self.done():
            proc = self.start("run")
            self.wait_done(seconds)
            self.stop(proc)

    def counts(self, scenario: str, faults: int) -> Counts:
        for proc in self.workers:
            self.stop(proc)
        with self.engine.connect() as c:
            messages = {mid: (status, problem or "", case) for mid, status, problem, case in c.execute(
                select(Message.message_id, Message.status, Message.problem, Message.case_id))}
            cases = Counter(c.scalars(select(Case.requester_email)))
        seen: dict[str, Counter[str]] = {}
        for received in self.smtp.messages:
            mid = str(message_from_bytes(received.data.split(b"\r\n\r\n", 1)[0])["Message-ID"])
            for rcpt in received.rcpt_tos:
                seen.setdefault(rcpt.lower(), Counter())[mid] += 1
        out = Counts(scenario, self.n, faults, seconds=round(time.monotonic() - self.started, 1))
        for message_id, address in self.requesters.items():
            status, problem, case = messages.get(message_id, (None, "", None))
            notices = seen.get(address, Counter())
            out.lost += status in (None, MessageStatus.RECEIVED) or (case is None and
                                                                     status != MessageStatus.NEEDS_PERSON)
            out.parked += status == MessageStatus.NEEDS_PERSON and problem.startswith(PARKED)
            out.set_aside += status == MessageStatus.NEEDS_PERSON and not problem.startswith(PARKED)
            out.duplicates += max(cases[address] - 1, 0) + max(len(notices) - 1, 0)
            out.resends += sum(notices.values()) - len(notices)
            out.unanswered += case is not None and not notices
        logs = [(self.root / f"worker-{i}.log").read_bytes() for i in range(1, len(self.workers) + 1)]
        out.tracebacks = sum(log.count(b"Traceback") for log in logs)
        out.felt = sum(bool(FELT.search(line)) for log in logs for line in log.splitlines())
        return out

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Another process's transaction holding the case log's write lock (reads go on, writes wait and fail)."""
        engine = create_engine(self.settings.database.url)
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                conn.exec_driver_sql("UPDATE messages SET status = status WHERE id = 0")
            else:
                conn.exec_driver_sql("LOCK TABLE messages, cases, case_events, notices, mailbox_cursors "
                                     "IN EXCLUSIVE MODE")
            try:
                yield
            finally:
                conn.rollback()
        engine.dispose()




@contextmanager
def tmpfs(directory: Path, size: str) -> Iterator[bool]:
    """A small tmpfs mounted at `directory` (True), or False where mounting is not permitted (not root)."""
    directory.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)],
                             capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(directory)], capture_output=True)


def disk_size(n: int) -> str:
    """Room for the finished case log of `n` requests (about 22 kB each with its notice) and its WAL, which SQLite
    lets grow to about 4 MB before it checkpoints (a 2 MB tmpfs fills with the WAL alone, for good)."""
    return f"{6 + n * 32 // 1024}m"


HEADINGS = ("scenario", "requests", "faults", "felt", "lost", "parked", "set aside", "duplicates", "resends (same id)",
            "unanswered", "seconds", "tracebacks")


def table(rows: list[Counts]) -> str:
    cells = [HEADINGS, *[tuple(str(v) for v in astuple(r)) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(fields(Counts)))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths,
                                                                                                  strict=True)))
                     for row in cells)



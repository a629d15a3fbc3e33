"""The whole pass on one path, timed stage by stage: the embedded default (Maildir, SQLite, file outbox) and real
servers (Dovecot IMAP, aiosmtpd in a process of its own, SQLite), on the same mail.

A stage's time is measured by wrapping the functions the pass calls (never by changing them); the end-to-end time is
one `poll_and_flush`: fetch, store, parse, classify, case log and clock, notices, filing, the outbox, Sent copies.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import imapclient

from bench.limits import Limit, imap_fetch
from config.settings import Settings, parse
from intake.app import App, build

ORGANISATION = {"name": "NHS Example Integrated Care Board", "foi_address": "foi.requests@example-icb.nhs.uk",
                "dsp_address": "dsp.team@example-icb.nhs.uk", "comms_address": "communications@example-icb.nhs.uk"}


@dataclass
class Clocks:
    """Seconds spent in each wrapped function (nested ones are subtracted by the caller)."""

    seconds: dict[str, float] = field(default_factory=dict)
    active: set[str] = field(default_factory=set)

    def wrap(self, owner: Any, name: str, label: str) -> Callable[[], None]:
        """Time every call of owner.name under `label`; returns the undo."""
        if not hasattr(owner, name):
            return lambda: None
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            if label in self.active:  # classify calls classify_many: counted once
                return original(*args, **kwargs)
            self.active.add(label)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.active.discard(label)
                self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start

        setattr(owner, name, timed)
        return lambda: setattr(owner, name, original)


@dataclass
class PathResult:
    name: str
    messages: int
    seconds: float
    stages: list[Limit]
    limits: list[Limit]
    summary: str

    @property
    def rate(self) -> float:
        return self.messages / self.seconds


@contextlib.contextmanager
def instrumented(app: App) -> Iterator[Clocks]:
    import intake.app.intake_pass as intake_pass
    import intake.caselog.store as store
    import responders.notify as notify
    from responders.outbox import Outbox

    clocks = Clocks()
    undo = [clocks.wrap(intake_pass, "fetch_and_store", "fetch"), clocks.wrap(intake_pass, "parse", "parse"),
            clocks.wrap(store, "_commit", "store"),
            clocks.wrap(app.intake.classifier, "classify", "classify"),
            clocks.wrap(app.intake.classifier, "classify_many", "classify"),
            clocks.wrap(intake_pass.Intake, "process_pending", "process"),
            clocks.wrap(notify, "compose", "compose"),
            clocks.wrap(intake_pass.Intake, "file_pending", "filing"),
            clocks.wrap(Outbox, "flush", "flush"), clocks.wrap(Outbox, "_archive_sent", "archive")]
    try:
        yield clocks
    finally:
        for u in reversed(undo):
            u()


def stages(clocks: Clocks, messages: int, notices: int) -> list[Limit]:
    s = clocks.seconds.get
    process = s("process", 0.0) - s("parse", 0.0) - s("classify", 0.0) - s("compose", 0.0)
    sending = s("flush", 0.0) - s("archive", 0.0)
    return [Limit("fetch (IMAP FETCH or Maildir read)", messages, s("fetch", 0.0) - s("store", 0.0)),
            Limit("store raw (one commit per batch)", messages, s("store", 0.0)),
            Limit("parse (mail-parser)", messages, s("parse", 0.0)),
            Limit("classify", messages, s("classify", 0.0)),
            Limit("case log, clock, loop guard (one commit per message)", messages, process),
            Limit("notices composed (render + MIME)", notices, s("compose", 0.0), "notices"),
            Limit("filing (queue folder moves)", messages, s("filing", 0.0)),
            Limit("outbox: send and mark sent", notices, sending, "notices"),
            Limit("outbox: Sent copies", notices, s("archive", 0.0), "notices")]


def run_pass(name: str, app: App, messages: int, limits: list[Limit]) -> PathResult:
    app.intake.classifier.classify  # noqa: B018 -- the model loads before the clock starts
    with instrumented(app) as clocks:
        start = time.perf_counter()
        report, flushed = app.poll_and_flush()
        seconds = time.perf_counter() - start
    summary = f"{report.summary()} sent={flushed.sent} retrying={flushed.retrying} held={flushed.held}"
    return PathResult(name, messages, seconds, stages(clocks, messages, flushed.sent), limits, summary)


def embedded(raws: Sequence[bytes], at: datetime, work: Path) -> PathResult:
    """The embedded default: a Maildir, SQLite and a directory of .eml notices."""
    settings = parse({"organisation": ORGANISATION, "mailbox": {"kind": "maildir", "path": "mail/FOI.Requests"},
                      "smtp": {"kind": "file", "path": "outbox"},
                      "database": {"url": f"sqlite:///{work / 'foi-intake.sqlite3'}"}}, work)
    app = build(settings, create=True)
    write_maildir(settings, raws, at)
    try:
        return run_pass("embedded default (Maildir, SQLite, file outbox)", app, len(raws), [])
    finally:
        app.close()


def write_maildir(settings: Settings, raws: Sequence[bytes] | Iterator[bytes], at: datetime) -> int:
    import os

    assert settings.mailbox.path is not None
    new = settings.mailbox.path / "new"
    new.mkdir(parents=True, exist_ok=True)
    count = 0
    for i, raw in enumerate(raws):
        path = new / f"{i:07d}.bench:2,"
        path.write_bytes(raw)
        os.utime(path, (at.timestamp(), at.timestamp()))  # a Maildir's arrival time is the file's mtime
        count += 1
    return count


@contextlib.contextmanager
def smtp_process() -> Iterator[int]:
    """aiosmtpd (tests/servers.py) in a process of its own, so that it does not share this one's interpreter."""
    code = ("import sys; from tests.servers import SmtpServer; s = SmtpServer(); s.start(); print(s.port, flush=True);"
            " sys.stdin.read(); s.stop()")
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=repo, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={"PYTHONPATH": str(repo)})
    assert proc.stdout is not None and proc.stdin is not None
    try:
        yield int(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.wait(30)


def real_servers(raws: Sequence[bytes], at: datetime, work: Path, dovecot: Any, smtp_port: int) -> PathResult:
    """Dovecot IMAP and aiosmtpd on 127.0.0.1 with SQLite: the mail APPENDed first (untimed)."""
    user = dovecot.new_user()
    (work / "imap.secret").write_text("secret")
    settings = parse({"organisation": ORGANISATION,
                      "mailbox": {"kind": "imap", "host": "127.0.0.1", "port": dovecot.port, "tls": "none",
                                  "username": user, "password_file": "imap.secret"},
                      "smtp": {"kind": "smtp", "host": "127.0.0.1", "port": smtp_port, "tls": "none"},
                      "database": {"url": f"sqlite:///{work / 'foi-intake.sqlite3'}"}}, work)
    with imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=60) as client:
        client.login(user, "secret")
        for raw in raws:
            client.append("INBOX", raw, msg_time=at)
    fetch = imap_fetch(settings)  # read-only: the pass then reads the same mail
    app = build(settings, create=True)
    try:
        return run_pass("Dovecot IMAP + aiosmtpd, SQLite", app, len(raws), [fetch])
    finally:
        app.close()

"""The limits: each part of the pass alone, on the same mail, in the same process (messages or notices per second).

What the whole pass could reach if nothing but this one part cost anything: IMAP fetch, mail-parser, the classifier,
a batched SQLite insert, a Jinja2 render, a MIME build, one SMTP session, the file outbox, a Maildir rename.
"""

from __future__ import annotations

import os
import smtplib
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from config.settings import Settings
from intake.caselog import Message, create_schema, make_engine
from intake.mailbox import ParsedMessage, parse
from intake.mailbox.sources import ImapSource
from responders.notify import organisation_context
from responders.outbox import FileTransport
from responders.render import Renderer

__all__ = ["Limit", "file_outbox", "imap_fetch", "measure_offline", "mime_build", "smtp_session"]


class Limit:
    """One part's rate: `count` items in `seconds`."""

    def __init__(self, name: str, count: int, seconds: float, unit: str = "messages") -> None:
        self.name, self.count, self.seconds, self.unit = name, count, seconds, unit

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("inf")


def timed(name: str, items: Sequence[Any], action: Callable[[Any], object], unit: str = "messages") -> Limit:
    start = time.perf_counter()
    for item in items:
        action(item)
    return Limit(name, len(items), time.perf_counter() - start, unit)


def measure_offline(raws: Sequence[bytes], classifier: Any, settings: Settings, work: Path) -> tuple[
        list[Limit], list[bytes]]:
    """The limits needing no server, and the notices they composed (for the SMTP and file limits)."""
    out = [timed("mail-parser", raws, parse)]
    parsed = [parse(raw) for raw in raws]
    classifier.classify(parsed[0])  # lazy loading is not the classifier's rate
    out.append(timed("classifier alone (classify, as the pass calls it)", parsed, classifier.classify))
    start = time.perf_counter()
    classifier.classify_many(parsed)
    out.append(Limit("classifier alone, batched (classify_many)", len(parsed), time.perf_counter() - start))
    out.append(sqlite_insert(raws, work))
    renderer = Renderer(settings.responders.templates_dir)
    contexts = [_context(p, settings) for p in parsed]
    rendered: list[tuple[str, str]] = []
    out.append(timed("Jinja2 render (acknowledgement, text and HTML)", contexts,
                     lambda c: rendered.append(renderer.render("acknowledgement", c)), "notices"))
    notices: list[bytes] = []
    out.append(timed("MIME build (stdlib email.mime, text + HTML)", list(zip(parsed, rendered, strict=True)),
                     lambda pr: notices.append(mime_build(settings, pr[0], *pr[1])), "notices"))
    return out, notices


def _context(p: ParsedMessage, settings: Settings) -> dict[str, Any]:
    case = {"reference": "FOI-2026-00001", "requester_name": p.from_name or None, "regime": "foi",
            "received": date(2026, 11, 16), "due": date(2026, 12, 14), "description": p.subject,
            "questions": [], "kind": "foi_request", "welsh": False}
    return {"org": organisation_context(settings), "case": case, "now": datetime.now(UTC)}


def mime_build(settings: Settings, p: ParsedMessage, text: str, html: str) -> bytes:
    """The least a notice's MIME build can cost: the stdlib's compat32 classes, headers as given."""
    org = settings.organisation
    msg = MIMEMultipart("alternative")
    msg["Message-ID"] = make_msgid(idstring="foi", domain=org.foi_address.split("@")[1])
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["From"] = f"{org.name} FOI <{org.foi_address}>"
    msg["To"] = p.from_address or "someone@example.org"
    msg["Subject"] = f"[FOI-2026-00001] Re: {p.subject}"[:250]
    if p.message_id:
        msg["In-Reply-To"] = msg["References"] = p.message_id
    msg["Auto-Submitted"] = "auto-replied"
    msg.attach(MIMEText(text, "plain", "utf-8"))
    msg.attach(MIMEText(html, "html", "utf-8"))
    return msg.as_bytes(policy=compat32.clone(linesep="\r\n"))


def sqlite_insert(raws: Sequence[bytes], work: Path, batch: int = 50) -> Limit:
    """Message rows with their raw bytes into a fresh case log, `batch` rows per INSERT and commit."""
    engine = make_engine(f"sqlite:///{work / 'insert-limit.sqlite3'}")
    create_schema(engine)
    now = datetime.now(UTC)
    rows = [{"source": "bench", "source_uid": str(i), "fingerprint": f"{i:064d}", "message_id": f"<{i}@bench>",
             "size": len(raw), "raw": raw, "raw_is_complete": True, "arrived_at": now, "stored_at": now,
             "status": "received"} for i, raw in enumerate(raws)]
    start = time.perf_counter()
    with engine.connect() as conn:
        for i in range(0, len(rows), batch):
            conn.execute(insert(Message), rows[i:i + batch])
            conn.commit()
    seconds = time.perf_counter() - start
    engine.dispose()
    return Limit(f"SQLite insert ({batch} rows per INSERT and commit, WAL)", len(rows), seconds)


def imap_fetch(settings: Settings) -> Limit:
    """Every message of the folder fetched by UID in batches, as the pass fetches (BODY.PEEK[])."""
    source = ImapSource(settings.mailbox)
    start = time.perf_counter()
    count = sum(len(b.messages) for b in source.batches(None, 0, lambda keys: set()))
    seconds = time.perf_counter() - start
    source.close()
    return Limit(f"IMAP fetch (Dovecot, batches of {settings.mailbox.batch_size})", count, seconds)


def smtp_session(host: str, port: int, sender: str, notices: Sequence[bytes]) -> Limit:
    """Every notice through one SMTP session (aiosmtpd): the least sending can cost."""
    start = time.perf_counter()
    with smtplib.SMTP(host, port, timeout=30) as client:
        for raw in notices:
            client.sendmail(sender, ["someone@example.org"], raw)
    return Limit("one SMTP session (aiosmtpd)", len(notices), time.perf_counter() - start, "notices")


def file_outbox(notices: Sequence[bytes]) -> Limit:
    """Every notice written as an .eml file, as the embedded default's outbox does."""
    with tempfile.TemporaryDirectory(prefix="foi-bench-outbox-") as d:
        transport = FileTransport(Path(d))
        start = time.perf_counter()
        for i, raw in enumerate(notices):
            transport.send("a@example.org", "b@example.org", raw, f"{i:06d}")
        return Limit("file outbox (.eml written, renamed into place)", len(notices), time.perf_counter() - start,
                     "notices")


def maildir_rename(count: int) -> Limit:
    """A Maildir queue move at its least: one rename per message."""
    with tempfile.TemporaryDirectory(prefix="foi-bench-rename-") as d:
        src, dst = Path(d) / "a", Path(d) / "b"
        src.mkdir()
        dst.mkdir()
        for i in range(count):
            (src / str(i)).write_bytes(b"x")
        start = time.perf_counter()
        for i in range(count):
            os.rename(src / str(i), dst / str(i))
        return Limit("Maildir move (a rename)", count, time.perf_counter() - start)

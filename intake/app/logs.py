"""Log lines for a machine to read: one line per event, text or JSON, and never personal data.

What the code logs names messages by their case-log id and cases by their reference, never a body, a subject,
a name or an address. Two things could still carry personal data into a line, and are cut here: an exception's
own message (a library may quote its input: a subject, a header, a line of a body) — a traceback keeps its type
and where it was raised, not its text — and other libraries' debug lines. Other libraries speak at WARNING and
above only, which also keeps APScheduler's "Running job" / "executed successfully" out of every tick.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.running import Logging
from intake.private import touch_private

__all__ = ["OWN_LOGGERS", "JsonFormatter", "TextFormatter", "configure", "describe_exception"]

# Our packages' loggers follow the configured level; every other library's only from WARNING up.
OWN_LOGGERS = frozenset({"intake", "classifier", "responders", "config", "foi-intake"})
_CHAIN_LIMIT, _FRAME_LIMIT = 3, 6

def describe_exception(exc: BaseException) -> str:
    """An exception on one line: its type and the frames it came through (innermost first), not its text."""
    parts: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(parts) < _CHAIN_LIMIT:
        frames = traceback.extract_tb(current.__traceback__)[-_FRAME_LIMIT:]
        where = " < ".join(f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno} {f.name}" for f in reversed(frames))
        parts.append(f"{type(current).__name__} at {where}" if where else type(current).__name__)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "; raised while handling ".join(parts)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class TextFormatter(logging.Formatter):
    """`2026-11-16 09:30:00,123 INFO intake.app.intake_pass: message 3 opened FOI-2026-00042 (…)`, one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.name}: {_one_line(record.getMessage())}"
        if record.exc_info and record.exc_info[1] is not None:
            line += f" | {describe_exception(record.exc_info[1])}"
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and, for a failure, exception. Nothing else
    of the record (its arguments, extra fields) is written: only what the message itself says."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info and record.exc_info[1] is not None:
            data["exception"] = describe_exception(record.exc_info[1])
        return json.dumps(data, ensure_ascii=False)


class _Quiet(logging.Filter):
    """Other libraries' lines below WARNING are dropped (APScheduler's chatter, parsers' debug output)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".")[0] in OWN_LOGGERS


class _Stderr(logging.Handler):
    """Writes to whatever sys.stderr is when the line is written (journald under systemd)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


_installed: list[logging.Handler] = []


def configure(cfg: Logging, verbose: bool = False) -> None:
    """Install our one handler on the root logger (replacing the one installed before, if any)."""
    root = logging.getLogger()
    while _installed:
        old = _installed.pop()
        root.removeHandler(old)
        old.close()
    handler: logging.Handler
    if cfg.file is not None:
        touch_private(cfg.file)  # no personal data by design, but the log is the operator's alone
        handler = logging.handlers.WatchedFileHandler(cfg.file, encoding="utf-8")  # logrotate may move it
    else:
        handler = _Stderr()
    handler.setFormatter(JsonFormatter() if cfg.format == "json" else TextFormatter())
    handler.addFilter(_Quiet())
    root.addHandler(handler)
    _installed.append(handler)
    root.setLevel(logging.DEBUG if verbose else cfg.level_number)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

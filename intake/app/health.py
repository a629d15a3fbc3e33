"""The worker's health for a monitor: a file written after each poll and outbox job, and optionally GET /health.

Healthy means a pass over the mailbox succeeded within `health.max_age_seconds` and no login was refused. The
file holds counts, times, the lease holder and one line of the last error: never a name, address or subject.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from config.running import split_listen
from config.settings import Settings
from intake.app.logs import describe_exception
from intake.app.wiring import App
from intake.caselog import Message, MessageStatus, Notice, NoticeStatus
from intake.errors import FoiIntakeError
from intake.mailbox import AuthenticationFailed
from intake.private import replace_private
from responders.outbox import FlushReport

__all__ = ["HealthEndpointError", "Monitor", "assess", "health_path", "read_health", "version"]

log = logging.getLogger(__name__)
T = TypeVar("T")

# The jobs whose success is a pass over the mailbox: `run`'s poll, and `poll --once` (a pass and a flush).
PASS_JOBS = frozenset({"poll", "pass"})
OUTBOX_JOBS = frozenset({"outbox", "pass"})


class HealthEndpointError(FoiIntakeError):
    """health.listen could not be served (the port is taken, or the address is not this machine's)."""


def version() -> str:
    try:
        return package_version("foi-intake")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def health_path(settings: Settings) -> Path:
    """health.file, else `<case log name>.health.json` beside a SQLite case log, else beside the configuration."""
    if settings.health.file is not None:
        return settings.health.file
    url = make_url(settings.database.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(f"{database.stem}.health.json")
    base = settings.source_path.parent if settings.source_path is not None else Path.cwd()
    name = settings.mailbox.name
    return base / (f"foi-intake-{name}.health.json" if name else "foi-intake.health.json")


def read_health(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def assess(data: dict[str, Any] | None, max_age_seconds: int, now: datetime) -> tuple[bool, str | None]:
    """Healthy, or the one reason it is not."""
    if data is None:
        return False, "no pass recorded yet: is foi-intake run running?"
    error = f"; last error: {data['last_error']}" if data.get("last_error") else ""
    if data.get("auth_failed"):
        return False, f"a login was refused{error}"
    if not data.get("last_success"):
        return False, f"no successful pass yet{error}"
    age = (now - datetime.fromisoformat(data["last_success"])).total_seconds()
    if age > max_age_seconds:
        return False, f"last successful pass {int(age)}s ago (limit {max_age_seconds}s){error}"
    return True, None


def error_line(job: str, exc: BaseException) -> str:
    """One line about a failed job. Our errors are worded for a person without personal data; any other
    exception may quote its input, so it is named by its type and where it was raised."""
    text = str(exc).splitlines()[0][:300] if isinstance(exc, FoiIntakeError) and str(exc) else ""
    return f"{job}: {type(exc).__name__}: {text}" if text else f"{job}: {describe_exception(exc)}"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Monitor:
    """Records each job of the worker that holds the lease, writes the health file, serves GET /health."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.path = health_path(app.settings)
        previous = read_health(self.path) or {}
        # A restart keeps the last successful pass: restarting in a loop must not look healthy.
        self.state: dict[str, Any] = {k: previous.get(k) for k in
                                      ("last_success", "last_outbox", "last_error", "last_error_at")}
        self.auth_failed = False
        self.endpoint: str | None = None
        self.snapshot: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @classmethod
    def start(cls, app: App) -> Monitor:
        """The monitor of a worker that has just taken the lease: the endpoint if configured, a first file."""
        monitor = cls(app)
        monitor.serve()
        monitor.write()
        return monitor

    def run(self, job: str, action: Callable[[], T]) -> T:
        """Run one job and record how it went; its exception is raised again for the caller to handle."""
        try:
            result = action()
        except Exception as exc:
            self.record(job, exc, None)
            raise
        self.record(job, None, result)
        return result

    def record(self, job: str, error: BaseException | None, result: object) -> None:
        now = _iso(datetime.now(UTC))
        with self._lock:
            if error is not None:
                self.state["last_error"], self.state["last_error_at"] = error_line(job, error), now
                self.auth_failed = self.auth_failed or isinstance(error, AuthenticationFailed)
            else:
                if job in PASS_JOBS:
                    self.state["last_success"], self.auth_failed = now, False
                if job in OUTBOX_JOBS:
                    self.state["last_outbox"] = now
                    self._outbox_problem(job, result, now)
        self.write()

    def _outbox_problem(self, job: str, result: object, now: str) -> None:
        """A flush that left notices unsent is the last error, with the latest notice's reason."""
        flushed = next((r for r in (result if isinstance(result, tuple) else (result,))
                        if isinstance(r, FlushReport)), None)
        refused = getattr(self.app.outbox.transport, "auth_failure", None)
        if isinstance(refused, BaseException):
            self.state["last_error"], self.state["last_error_at"] = error_line("outbox", refused), now
        elif flushed is not None and (flushed.retrying or flushed.held):
            with self.app.sessions() as s:
                why = s.scalar(select(Notice.last_error).where(
                    Notice.last_error.is_not(None), Notice.status.in_((NoticeStatus.PENDING, NoticeStatus.HELD)))
                    .order_by(Notice.id.desc()).limit(1))
            self.state["last_error"] = (f"outbox: {flushed.retrying} notice(s) to retry, {flushed.held} held"
                                        + (f": {why.splitlines()[0][:300]}" if why else ""))
            self.state["last_error_at"] = now

    def write(self) -> None:
        """The health file, atomically and owner-only; only the lease holder writes it (a standby would lie)."""
        if not self.app.lease.held:
            return
        data = self._snapshot()
        with self._lock:
            self.snapshot = data
        try:
            replace_private(self.path, (json.dumps(data, indent=2) + "\n").encode())
        except OSError as exc:
            log.warning("health file %s not written: %s", self.path, exc.strerror)

    def _snapshot(self) -> dict[str, Any]:
        settings = self.app.settings
        data: dict[str, Any] = {
            "version": version(), "pid": os.getpid(), "mailbox": self.app.intake.source.key,
            "written_at": _iso(datetime.now(UTC)), **self.state,
            "auth_failed": self.auth_failed or getattr(self.app.outbox.transport, "auth_failure", None) is not None,
            "lease_holder": self.app.lease.me, "max_age_seconds": settings.health.max_age_seconds,
            "endpoint": self.endpoint, **self._counts()}
        data["healthy"], data["problem"] = assess(data, settings.health.max_age_seconds, datetime.now(UTC))
        return data

    def _counts(self) -> dict[str, int | None]:
        try:
            with self.app.sessions() as s:
                notices = {str(k): int(v) for k, v in
                           s.execute(select(Notice.status, func.count()).group_by(Notice.status)).all()}
                needs = s.scalar(select(func.count()).select_from(Message)
                                 .where(Message.status == MessageStatus.NEEDS_PERSON))
        except SQLAlchemyError as exc:
            log.warning("health: case log not readable: %s", type(exc).__name__)
            return {"outbox_queued": None, "held": None, "needs_person": None}
        return {"outbox_queued": notices.get(NoticeStatus.PENDING, 0) + notices.get(NoticeStatus.SENDING, 0),
                "held": notices.get(NoticeStatus.HELD, 0), "needs_person": int(needs or 0)}

    def current(self) -> dict[str, Any]:
        """The last snapshot, judged again now (a worker that stopped passing turns unhealthy by itself)."""
        with self._lock:
            data = dict(self.snapshot) if self.snapshot is not None else None
        healthy, problem = assess(data, self.app.settings.health.max_age_seconds, datetime.now(UTC))
        return {**(data or {}), "healthy": healthy, "problem": problem}

    # -- GET /health --------------------------------------------------------------------------------

    def serve(self) -> None:
        listen = self.app.settings.health.listen
        if not listen:
            return
        host, port = split_listen(listen)
        server_class = _Server6 if ":" in host else ThreadingHTTPServer
        try:
            self._server = server_class((host, port), _handler(self))
        except OSError as exc:
            raise HealthEndpointError(f"health.listen: cannot listen on {listen}: {exc.strerror}") from exc
        bound = self._server.server_address[1]
        self.endpoint = f"http://{f'[{host}]' if ':' in host else host}:{bound}/health"
        threading.Thread(target=self._server.serve_forever, name="health-endpoint", daemon=True).start()
        log.info("health endpoint: %s", self.endpoint)

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Server6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _handler(monitor: Monitor) -> type[BaseHTTPRequestHandler]:
    class HealthHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != "/health":
                self.send_error(404)
                return
            data = monitor.current()
            body = (json.dumps(data, indent=2) + "\n").encode()
            self.send_response(200 if data["healthy"] else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # one line per request, at debug only
            log.debug("health endpoint: " + format, *args)

    return HealthHandler

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import imapclient
import pytest

from config.settings import DATABASE_ENV_VAR, Settings, load, parse
from intake.app import App, build
from tests.oauth2_server import TokenServer
from tests.postgres import Postgres
from tests.servers import Dovecot, SmtpServer

SHARED = Path(__file__).resolve().parents[2] / "shared"
ARRIVED = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
FOI = "foi.requests@example-icb.nhs.uk"
DSP = "dsp@example-icb.nhs.uk"
COMMS = "comms@example-icb.nhs.uk"
# The organisation table every test configuration starts with.
ORGANISATION = f"""[organisation]
name = "NHS Example ICB"
foi_address = "{FOI}"
dsp_address = "{DSP}"
comms_address = "{COMMS}"
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--database", choices=("sqlite", "postgresql"), default="sqlite",
                     help="the case log every test uses: SQLite files, or a real PostgreSQL server the tests start")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite's own files or locks; the SQLite run covers it")
    config.addinivalue_line("markers", "once: a costly end-to-end harness, run in the SQLite run only "
                                       "(bench/faults.py --postgresql runs it on PostgreSQL)")


def pytest_report_header(config: pytest.Config) -> list[str]:
    found = "found" if (SHARED / "corpus").is_dir() else "MISSING: clone it beside the repository"
    return [f"shared corpus and seeds: {SHARED} ({found})", f"case log: {config.getoption('database')}"]


def _on_postgresql(config: pytest.Config) -> bool:
    return bool(config.getoption("database") == "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run the tests that can reach a case log: those given a directory or a database URL.
    The rest (the classifier, the clock's arithmetic) do not depend on the database and ran on SQLite."""
    if not _on_postgresql(config):
        return
    kept, dropped = [], []
    for item in items:
        names = getattr(item, "fixturenames", ())
        reaches = "tmp_path" in names or "database_url" in names or "new_database_url" in names
        once = item.get_closest_marker("sqlite_only") or item.get_closest_marker("once")
        (kept if reaches and once is None else dropped).append(item)
    config.hook.pytest_deselected(items=dropped)
    items[:] = kept


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with tempfile.TemporaryDirectory(prefix="foi-postgres-") as d:
        server = Postgres(Path(d))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(autouse=True)
def _case_log_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """With --database postgresql, every configuration in the test (in process and in the `foi-intake`
    subprocesses it starts) uses an empty PostgreSQL database of its own, through FOI_INTAKE_DATABASE_URL."""
    if not _on_postgresql(request.config):
        yield
        return
    server: Postgres = request.getfixturevalue("postgres")
    name = server.new_database()
    monkeypatch.setenv(DATABASE_ENV_VAR, server.url(name))
    yield
    server.drop_database(name)


@pytest.fixture
def new_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Another empty case log (a second mailbox's), on this run's database server."""
    made: list[str] = []

    def _new(name: str) -> str:
        if not _on_postgresql(request.config):
            return f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        server: Postgres = request.getfixturevalue("postgres")
        made.append(server.new_database())
        return server.url(made[-1])

    yield _new
    for name in made:
        request.getfixturevalue("postgres").drop_database(name)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """The case log's URL for a test that makes its own engine: this run's PostgreSQL database, or SQLite."""
    return os.environ.get(DATABASE_ENV_VAR) or f"sqlite:///{tmp_path / 'cases.sqlite3'}"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    with tempfile.TemporaryDirectory(prefix="foi-dovecot-") as d:
        server = Dovecot(Path(d))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def token_server() -> Iterator[TokenServer]:
    server = TokenServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_oauth2(token_server: TokenServer) -> Iterator[Dovecot]:
    """A second Dovecot that also takes XOAUTH2, so the plain one stays exactly as it was."""
    with tempfile.TemporaryDirectory(prefix="foi-dovecot-oauth2-") as d:
        server = Dovecot(Path(d), introspection_url=f"{token_server.url}/introspect")
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def smtp_oauth2(token_server: TokenServer) -> Iterator[SmtpServer]:
    server = SmtpServer(valid=token_server.valid)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_utf8() -> Iterator[SmtpServer]:
    """An SMTP server that offers SMTPUTF8 (RFC 6531), as Exchange Online and Gmail do."""
    server = SmtpServer(smtputf8=True)
    server.start()
    yield server
    server.stop()


@dataclass
class Mailbox:
    """One Dovecot user's INBOX, reached over real IMAP."""

    server: Dovecot
    user: str
    password: str = "secret"

    def client(self) -> imapclient.IMAPClient:
        c = imapclient.IMAPClient("127.0.0.1", port=self.server.port, ssl=False, timeout=10)
        c.login(self.user, self.password)
        return c

    def append(self, raw: bytes, folder: str = "INBOX", when: datetime | None = None) -> None:
        # A fixed arrival time by default: references (FOI-2026-…) and due dates must not depend on
        # the day the suite runs.
        with self.client() as c:
            c.append(folder, raw, msg_time=when or ARRIVED)


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Mailbox:
    return Mailbox(dovecot, dovecot.new_user())


def settings_for(tmp: Path, mailbox: Mailbox, smtp: SmtpServer, /, **overrides: Any) -> Settings:
    data: dict[str, Any] = {
        "organisation": {"name": "NHS Example ICB", "foi_address": FOI,
                         "dsp_address": DSP,
                         "comms_address": COMMS},
        "mailbox": {"kind": "imap", "host": "127.0.0.1", "port": mailbox.server.port,
                    "tls": "none", "username": mailbox.user, "password_file": "imap-password",
                    "reconnect_backoff_seconds": 0.05},
        "smtp": {"kind": "smtp", "host": "127.0.0.1", "port": smtp.port, "tls": "none",
                 "retry_backoff_seconds": 0, "timeout_seconds": 5},
        "database": {"url": f"sqlite:///{tmp / 'cases.sqlite3'}"},
    }
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "imap-password").write_text(mailbox.password + "\n")
    return parse(data, tmp)


@pytest.fixture
def settings(tmp_path: Path, mailbox: Mailbox, smtp: SmtpServer) -> Settings:
    return settings_for(tmp_path, mailbox, smtp)


@pytest.fixture
def make_app(settings: Settings) -> Iterator[Any]:
    """Builds a fresh App each call, as a new process would; closes them all at the end."""
    apps: list[App] = []

    def _make(s: Settings | None = None) -> App:
        for earlier in apps:  # the earlier "process" has finished its pass: its lease on the mailbox is free
            earlier.lease.release()
        app = build(s or settings, create=True)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.close()


def write_config(tmp: Path, mailbox: Mailbox, smtp: SmtpServer, extra: str = "", init: bool = True, *,
                 imap_login: str = 'password_file = "imap.secret"', smtp_login: str = "", mailbox_extra: str = "",
                 poll_seconds: int = 1, outbox_seconds: int = 1) -> Path:
    """A TOML configuration file for the CLI, against the test servers; `init` as a deployment would. The
    password file is there for whichever side logs in with one; `mailbox_extra` adds keys to [mailbox]."""
    (tmp / "imap.secret").write_text(mailbox.password)
    path = tmp / "foi.toml"
    path.write_text(f"""
{ORGANISATION}
[mailbox]
kind = "imap"
host = "127.0.0.1"
port = {mailbox.server.port}
tls = "none"
username = "{mailbox.user}"
{imap_login}
reconnect_backoff_seconds = 0.01
{mailbox_extra}

[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
{smtp_login}

[schedule]
poll_seconds = {poll_seconds}
outbox_seconds = {outbox_seconds}
{extra}
""")
    if init:
        build(load(path), create=True).close()
    return path


def write_maildir_config(tmp: Path, extra: str = "") -> Path:
    """A configuration of the embedded default (Maildir `mail`, file outbox `sent`, SQLite beside it, rules
    without the statistical model), for command-line tests that need no server; `extra` adds TOML."""
    path = tmp / "foi.toml"
    path.write_text(f"""
{ORGANISATION}
[mailbox]
kind = "maildir"
path = "mail"

[smtp]
kind = "file"
path = "sent"

[classifier]
model = ""
{extra}
""")
    return path

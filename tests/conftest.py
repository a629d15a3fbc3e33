from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import imapclient
import pytest

from config.settings import Settings, load, parse
from intake.app import App, build
from tests.oauth2_server import TokenServer
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


def pytest_report_header() -> str:
    found = "found" if (SHARED / "corpus").is_dir() else "MISSING: clone it beside the repository"
    return f"shared corpus and seeds: {SHARED} ({found})"


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
                 imap_login: str = 'password_file = "imap.secret"', smtp_login: str = "") -> Path:
    """A TOML configuration file for the CLI, against the test servers; `init` as a deployment would. The
    password file is there for whichever side logs in with one."""
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

[smtp]
kind = "smtp"
host = "127.0.0.1"
port = {smtp.port}
tls = "none"
{smtp_login}

[schedule]
poll_seconds = 1
outbox_seconds = 1
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

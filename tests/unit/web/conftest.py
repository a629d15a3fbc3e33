"""The web desk in process (Starlette's test client) over a real case log in a temporary directory; notices go to
a file outbox. The browser tests in tests/integration drive the real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from config.settings import Settings
from intake.app import App, build
from intake.caselog import Case, add_event, next_reference
from intake.vocabulary import DeskRole, EventType, MessageKind, Regime
from intake.web import create_app
from intake.web.accounts import Accounts
from tests.unit.responders.conftest import settings_in

RECEIVED = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
PASSWORDS = {"alice": "alice-password-1", "carol": "carol-password-1", "victor": "victor-password-1"}
ROLES = {"alice": DeskRole.DSP, "carol": DeskRole.COMMS, "victor": DeskRole.VIEWER}


@dataclass
class Desk:
    settings: Settings
    app: App
    web: Starlette

    def client(self, https: bool = False) -> TestClient:
        return TestClient(self.web, base_url="https://testserver" if https else "http://testserver",
                          follow_redirects=False)

    def add_case(self, *, flags: tuple[str, ...] = (), regime: str = Regime.FOI, name: str = "Jo Bloggs") -> str:
        with self.app.sessions() as s:
            reference = next_reference(s, self.settings.organisation.reference_format, RECEIVED.date())
            case = Case(reference=reference, kind=MessageKind.FOI_REQUEST, regime=regime, flags=list(flags),
                        initial_received_at=RECEIVED, received_at=RECEIVED, requester_name=name,
                        requester_email="jo@example.org", requester_address="jo@example.org",
                        description="Waiting times for hip operations", questions=["How long?"], valid=True,
                        missing=[], reasons=[{"rule": "media_request", "hit": True, "evidence": "news domain"},
                                             {"rule": "auto_reply", "hit": False, "evidence": "no header"}])
            s.add(case)
            add_event(s, case, EventType.RECEIVED, RECEIVED)
            s.commit()
        return reference


def web_settings(tmp: Path, **web: Any) -> Settings:
    (tmp / "web.secret").write_text("s" * 48)
    table = {"secret_file": "web.secret", "secure_cookies": False, "base_url": "http://testserver", **web}
    return settings_in(tmp, web=table, classifier={"model": ""})


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    settings = web_settings(tmp_path)
    app = build(settings, create=True)
    assert settings.web.accounts is not None
    accounts = Accounts(settings.web.accounts)
    for name, password in PASSWORDS.items():
        accounts.add(name, ROLES[name], password)
    yield Desk(settings, app, create_app(settings, app))
    app.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, name: str) -> str:
    """Sign in as `name`; returns the session's CSRF token for the forms that follow."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"csrf": token, "name": name, "password": PASSWORDS[name], "next": "/"})
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)

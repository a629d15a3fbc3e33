"""Health as a monitor judges it: a recent successful pass and no refused login."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import DATABASE_ENV_VAR, parse
from intake.app.health import assess, error_line, health_path
from intake.mailbox import SourceUnavailable
from tests.unit.config.test_settings import minimal

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


def worker(**fields: object) -> dict[str, object]:
    return {"last_success": (NOW - timedelta(seconds=60)).isoformat(), "auth_failed": False, "last_error": None,
            **fields}


def test_a_recent_pass_is_healthy() -> None:
    assert assess(worker(), 600, NOW) == (True, None)


@pytest.mark.parametrize(("data", "problem"), [
    (None, "no pass recorded yet: is foi-intake run running?"),
    (worker(last_success=(NOW - timedelta(seconds=601)).isoformat(), last_error="poll: SourceUnavailable: down"),
     "last successful pass 601s ago (limit 600s); last error: poll: SourceUnavailable: down"),
    (worker(auth_failed=True, last_error="poll: AuthenticationFailed: refused"),
     "a login was refused; last error: poll: AuthenticationFailed: refused"),
    (worker(last_success=None), "no successful pass yet"),
])
def test_a_stale_pass_a_refused_login_or_no_pass_is_unhealthy(data: dict[str, object] | None, problem: str) -> None:
    assert assess(data, 600, NOW) == (False, problem)


def test_the_last_error_is_one_line_and_quotes_only_our_own_errors() -> None:
    ours = SourceUnavailable("imap://foi@imap.example.org:993/INBOX: TimeoutError: timed out\n(after 5 attempts)")
    assert error_line("poll", ours) == "poll: SourceUnavailable: imap://foi@imap.example.org:993/INBOX: " \
                                       "TimeoutError: timed out"
    # Anything else may quote its input (a subject, an address): its type and place only.
    assert error_line("poll", KeyError("priya@example.org")) == "poll: KeyError"


def test_the_health_file_sits_beside_a_sqlite_case_log_else_beside_the_configuration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_ENV_VAR, raising=False)  # about the configured URL, whichever run this is
    sqlite = parse({**minimal(), "database": {"url": f"sqlite:///{tmp_path}/data/cases.sqlite3"}}, tmp_path)
    assert health_path(sqlite) == tmp_path / "data" / "cases.health.json"
    postgres = parse({**minimal(), "database": {"url": "postgresql+psycopg://foi@db/foi"}}, tmp_path,
                     source_path=tmp_path / "etc" / "foi-intake.toml")
    assert health_path(postgres) == tmp_path / "etc" / "foi-intake.health.json"
    chosen = parse({**minimal(), "health": {"file": "state/health.json"}}, tmp_path)
    assert health_path(chosen) == tmp_path / "state" / "health.json"

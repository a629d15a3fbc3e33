"""[logging], [health], and secrets from systemd's LoadCredential= ($CREDENTIALS_DIRECTORY)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.settings import ConfigError, parse
from tests.unit.config.test_settings import minimal


def with_imap(tmp_path: Path, **mailbox: Any) -> dict[str, Any]:
    return {**minimal(), "mailbox": {"kind": "imap", "host": "imap.example.org", "username": "foi@example.nhs.uk",
                                     **mailbox}}


def test_logging_and_health_default_to_text_on_stderr_and_a_ten_minute_limit(tmp_path: Path) -> None:
    settings = parse(minimal(), tmp_path)
    assert (settings.logging.format, settings.logging.level, settings.logging.file) == ("text", "INFO", None)
    assert (settings.health.file, settings.health.listen, settings.health.max_age_seconds) == (None, "", 600)


def test_a_slow_schedule_gets_a_longer_health_limit_and_paths_resolve_from_the_config(tmp_path: Path) -> None:
    data = {**minimal(), "schedule": {"poll_seconds": 300},
            "logging": {"format": "json", "level": "debug", "file": "log/foi.log"},
            "health": {"file": "/var/lib/foi-intake/health.json", "listen": "127.0.0.1:8089"}}
    settings = parse(data, tmp_path)
    assert settings.health.max_age_seconds == 1500  # five passes
    assert settings.logging.level == "DEBUG" and settings.logging.file == tmp_path / "log/foi.log"
    assert settings.health.file == Path("/var/lib/foi-intake/health.json")


@pytest.mark.parametrize(("section", "table", "message"), [
    ("logging", {"format": "xml"}, "logging.format: expected one of text, json"),
    ("logging", {"level": "LOUD"}, "logging.level: expected one of DEBUG, INFO, WARNING, ERROR"),
    ("health", {"listen": "8089"}, "health.listen: expected \"host:port\""),
    ("health", {"listen": "127.0.0.1:http"}, "health.listen: expected \"host:port\""),
    ("health", {"max_age_seconds": 0}, "health.max_age_seconds: must be at least 1"),
    ("health", {"port": 8089}, "health.port: unknown key"),
])
def test_a_wrong_logging_or_health_key_is_refused_naming_it(tmp_path: Path, section: str, table: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse({**minimal(), section: table}, tmp_path)
    assert str(caught.value).startswith(message)


def test_a_secret_file_may_live_in_the_credentials_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    credentials = tmp_path / "run-credentials"
    credentials.mkdir()
    (credentials / "imap-password").write_text("s3cret\n")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(credentials))
    settings = parse(with_imap(tmp_path, password_file="$CREDENTIALS_DIRECTORY/imap-password"), tmp_path)
    assert settings.mailbox.password == "s3cret"
    braces = parse(with_imap(tmp_path, password_file="${CREDENTIALS_DIRECTORY}/imap-password"), tmp_path)
    assert braces.mailbox.password == "s3cret"


def test_without_systemd_the_credentials_directory_is_one_clear_line(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    data = with_imap(tmp_path, password_file="$CREDENTIALS_DIRECTORY/imap-password")
    with pytest.raises(ConfigError, match=r"mailbox.password_file: environment variable CREDENTIALS_DIRECTORY is "
                                          r"not set \(systemd sets it for a unit with LoadCredential=\)"):
        parse(data, tmp_path)
    # A command that never logs in (status, cases, report) runs where the credential is not.
    assert parse(data, tmp_path, secrets=False).mailbox.password == ""


def test_an_oauth2_client_secret_file_may_live_in_the_credentials_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "oauth2-secret").write_text("client-s3cret")
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    data = {**with_imap(tmp_path, auth="oauth2"),
            "oauth2": {"provider": "generic", "token_url": "https://id.example.org/token", "client_id": "foi",
                       "client_secret_file": "$CREDENTIALS_DIRECTORY/oauth2-secret"}}
    oauth2 = parse(data, tmp_path).mailbox.oauth2
    assert oauth2 is not None and oauth2.client_secret == "client-s3cret"

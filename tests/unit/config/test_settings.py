"""Settings a deployment gets wrong are refused at start, naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from config.settings import DATABASE_ENV_VAR, ConfigError, parse


def minimal(**organisation: Any) -> dict[str, Any]:
    return {"organisation": {"name": "NHS Example", "foi_address": "foi@example.nhs.uk",
                             "dsp_address": "dsp@example.nhs.uk", "comms_address": "comms@example.nhs.uk",
                             **organisation},
            "mailbox": {"kind": "maildir", "path": "mail"}, "smtp": {"kind": "file", "path": "out"}}


def test_subject_access_references_default_to_their_own_series(tmp_path: Path) -> None:
    org = parse(minimal(), tmp_path).organisation
    assert (org.reference_format, org.sar_reference_format) == ("FOI-{year}-{seq:05d}", "SAR-{year}-{seq:05d}")


@pytest.mark.parametrize(("organisation", "message"), [
    ({"sar_reference_format": "FOI-{year}-{seq:05d}"}, "organisation.sar_reference_format: must differ"),
    ({"sar_reference_format": "SAR-{yr}"}, "organisation.sar_reference_format: may use only {year} and {seq}"),
])
def test_a_reference_format_that_would_collide_or_fail_is_refused(tmp_path: Path, organisation: dict[str, str],
                                                                  message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}")):
        parse(minimal(**organisation), tmp_path)


def with_database(tmp_path: Path, **database: str) -> dict[str, Any]:
    return {**minimal(), "database": database}


def test_a_database_password_comes_from_a_file_never_from_the_toml(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DATABASE_ENV_VAR, raising=False)
    with pytest.raises(ConfigError, match=r"database\.url: passwords never live in the TOML"):
        parse(with_database(tmp_path, url="postgresql+psycopg://foi:hunter2@db.internal/foi"), tmp_path)
    (tmp_path / "db.secret").write_text("s3cr:et/@\n")
    settings = parse(with_database(tmp_path, url="postgresql+psycopg://foi@db.internal/foi",
                                   password_file="db.secret"), tmp_path)
    assert make_url(settings.database.url).password == "s3cr:et/@"  # escaped into the URL, not pasted
    assert "s3cr" not in repr(make_url(settings.database.url))


def test_the_environment_names_the_case_log_for_every_command(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_ENV_VAR, "postgresql+psycopg://foi:pw@db.internal:5433/foi")
    settings = parse(with_database(tmp_path, url=f"sqlite:///{tmp_path / 'ignored.sqlite3'}"), tmp_path)
    assert make_url(settings.database.url).port == 5433
    monkeypatch.setenv(DATABASE_ENV_VAR, "not a url")
    with pytest.raises(ConfigError, match=r"database\.url: not a database URL"):
        parse(minimal(), tmp_path)


def test_security_defaults_read_no_authentication_results_and_trust_no_other_domain(tmp_path: Path) -> None:
    security = parse(minimal(), tmp_path).security
    assert security.authserv_id is None and security.trusted_reply_to_domains == ()
    assert (security.forward_max_age_working_days, security.duplicate_window_days) == (20, 30)
    given = parse({**minimal(), "security": {"authserv_id": "MX.Example.nhs.uk ",
                                             "trusted_reply_to_domains": ["Forms.Example.org"]}}, tmp_path).security
    assert given.authserv_id == "mx.example.nhs.uk" and given.trusted_reply_to_domains == ("forms.example.org",)


@pytest.mark.parametrize(("security", "message"), [
    ({"trusted_reply_to_domains": ["someone@example.org"]}, "security.trusted_reply_to_domains: expected a list"),
    ({"authserv_id": ""}, "security.authserv_id: expected a non-empty string"),
    ({"forward_max_age_working_days": -1}, "security.forward_max_age_working_days: must be at least 0"),
    ({"dmarc": "strict"}, "security.dmarc: unknown key"),
])
def test_a_wrong_security_setting_is_refused_naming_the_key(tmp_path: Path, security: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse({**minimal(), "security": security}, tmp_path)

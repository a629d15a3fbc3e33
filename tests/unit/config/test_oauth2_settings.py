"""The [oauth2] table and `auth` keys: every mistake is one ConfigError naming the key; secrets only
from the environment or a file, and never read by the commands that do not log in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config.settings import ConfigError, parse


def imap(auth: dict[str, Any] | None = None, oauth2: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "organisation": {"name": "NHS Example", "foi_address": "foi@example.nhs.uk",
                         "dsp_address": "dsp@example.nhs.uk", "comms_address": "comms@example.nhs.uk"},
        "mailbox": {"kind": "imap", "host": "outlook.office365.com", "username": "foi@example.nhs.uk",
                    "auth": "oauth2", **(auth or {})},
        "smtp": {"kind": "smtp", "host": "smtp.office365.com", "username": "foi@example.nhs.uk", "auth": "oauth2"}}
    if oauth2 is not None:
        data["oauth2"] = oauth2
    return data


MICROSOFT = {"provider": "microsoft", "tenant_id": "contoso.onmicrosoft.com", "client_id": "app-1",
             "client_secret_env": "FOI_TEST_CLIENT_SECRET"}


def test_microsoft_defaults_to_the_outlook_scope_and_the_tenant_authority(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FOI_TEST_CLIENT_SECRET", "s3cret")
    s = parse(imap(oauth2=MICROSOFT), tmp_path)
    assert s.mailbox.auth == s.smtp.auth == "oauth2" and s.mailbox.oauth2 is s.smtp.oauth2
    assert s.mailbox.oauth2 is not None
    assert s.mailbox.oauth2.scope == "https://outlook.office365.com/.default"
    assert s.mailbox.oauth2.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"
    assert s.mailbox.oauth2.client_secret == "s3cret" and "s3cret" not in repr(s)


def test_read_only_commands_load_without_the_client_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("FOI_TEST_CLIENT_SECRET", raising=False)
    s = parse(imap(oauth2=MICROSOFT), tmp_path, secrets=False)
    assert s.mailbox.oauth2 is not None and s.mailbox.oauth2.client_secret == ""
    with pytest.raises(ConfigError, match=r"oauth2.client_secret_env: environment variable FOI_TEST_CLIENT_SECRET"):
        parse(imap(oauth2=MICROSOFT), tmp_path)


def test_a_certificate_is_read_with_its_thumbprint(tmp_path: Path) -> None:
    (tmp_path / "app.pem").write_text("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    cert = {"provider": "microsoft", "tenant_id": "t", "client_id": "c", "certificate_file": "app.pem",
            "thumbprint": "ab:cd:ef"}
    o = parse(imap(oauth2=cert), tmp_path).mailbox.oauth2
    assert o is not None and o.thumbprint == "ABCDEF" and "PRIVATE KEY" in o.certificate_pem
    assert "PRIVATE KEY" not in repr(o)


@pytest.mark.parametrize(("mailbox", "oauth2", "message"), [
    ({}, None, 'oauth2: missing section \\(mailbox.auth is "oauth2"\\)'),
    ({"auth": "token"}, MICROSOFT, "mailbox.auth: expected one of password, oauth2"),
    ({"password_env": "X"}, MICROSOFT, "mailbox.password_env: not used with auth"),
    ({}, {**MICROSOFT, "client_secret": "hunter2"}, "oauth2.client_secret: secrets never live in the TOML"),
    ({}, {**MICROSOFT, "client_secret_env": None, "client_secret_file": None}, "oauth2.client_secret_env: missing"),
    ({}, {**MICROSOFT, "token_url": "https://x"}, "oauth2.token_url: not used with provider = 'microsoft'"),
    ({}, {**MICROSOFT, "provider": "okta"}, "oauth2.provider: expected one of microsoft, google, generic"),
    ({}, {**MICROSOFT, "certificate_file": "app.pem", "thumbprint": "AB"}, "oauth2.certificate_file: give"),
    ({}, {"provider": "generic", "client_id": "c", "token_url": "ftp://x", "client_secret_env": "X"},
     "oauth2.token_url: expected an http"),
    ({}, {"provider": "google", "service_account_file": "missing.json"}, "oauth2.service_account_file: cannot read"),
])
def test_a_wrong_oauth2_setting_names_its_key(tmp_path: Path, monkeypatch, mailbox: dict[str, Any],
                                              oauth2: dict[str, Any] | None, message: str) -> None:
    monkeypatch.setenv("FOI_TEST_CLIENT_SECRET", "s3cret")
    if oauth2 is not None:
        oauth2 = {k: v for k, v in oauth2.items() if v is not None}
    with pytest.raises(ConfigError, match=message):
        parse(imap(mailbox, oauth2), tmp_path)


def test_an_oauth2_table_nobody_uses_is_a_mistake(tmp_path: Path) -> None:
    data = imap(oauth2=MICROSOFT)
    data["mailbox"] = {"kind": "maildir", "path": "mail"}
    data["smtp"] = {"kind": "file", "path": "out"}
    with pytest.raises(ConfigError, match="oauth2: present, but neither"):
        parse(data, tmp_path)


def test_a_google_key_file_must_be_a_service_account(tmp_path: Path) -> None:
    (tmp_path / "key.json").write_text('{"type": "authorized_user"}')
    with pytest.raises(ConfigError, match=r"oauth2.service_account_file: .* is not a service account key"):
        parse(imap(oauth2={"provider": "google", "service_account_file": "key.json"}), tmp_path)

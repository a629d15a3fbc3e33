"""The [oauth2] table: how the bot gets an access token for IMAP and SMTP (SASL XOAUTH2)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.reader import ConfigError, Reader, section

__all__ = ["AUTH_KINDS", "PROVIDERS", "OAuth2", "oauth2_settings"]

AUTH_KINDS = ("password", "oauth2")
PROVIDERS = ("microsoft", "google", "generic")
DEFAULT_SCOPES = {"microsoft": "https://outlook.office365.com/.default", "google": "https://mail.google.com/"}


@dataclass(frozen=True)
class OAuth2:
    """One OAuth2 client; the secrets are empty when the settings were loaded without secrets."""

    provider: str  # "microsoft" | "google" | "generic"
    scope: str
    client_id: str = ""
    tenant_id: str = ""  # microsoft
    authority: str = ""  # microsoft: https://login.microsoftonline.com/{tenant_id} unless given
    token_url: str = ""  # generic
    client_secret: str = field(default="", repr=False)
    certificate_file: Path | None = None  # microsoft: PEM with the private key and the certificate
    certificate_pem: str = field(default="", repr=False)
    thumbprint: str = ""
    service_account_file: Path | None = None  # google: the service account's JSON key
    service_account_json: str = field(default="", repr=False)


_KEYS = {"provider", "scope", "client_id", "tenant_id", "authority", "token_url", "client_secret",
         "client_secret_env", "client_secret_file", "certificate_file", "thumbprint", "service_account_file"}


def _read_file(r: Reader, name: str, base: Path, read: bool) -> tuple[Path, str]:
    path = r.path(name, base, required=True, expand=read)
    assert path is not None
    if not read:
        return path, ""
    try:
        return path, path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"oauth2.{name}", f"cannot read {path}: {exc.strerror}") from exc


def _only(r: Reader, provider: str, keys: set[str]) -> None:
    """Keys of another provider are a mistake worth one line, not silently ignored."""
    foreign = sorted(set(r.table) - keys - {"provider", "scope"})
    if foreign:
        raise ConfigError(f"oauth2.{foreign[0]}", f"not used with provider = {provider!r}")


def _microsoft(r: Reader, base: Path, read: bool) -> OAuth2:
    _only(r, "microsoft", {"tenant_id", "client_id", "authority", "client_secret", "client_secret_env",
                           "client_secret_file", "certificate_file", "thumbprint"})
    tenant = r.text("tenant_id")
    common: dict[str, Any] = dict(provider="microsoft", scope=r.text("scope", DEFAULT_SCOPES["microsoft"]),
                                  client_id=r.text("client_id"), tenant_id=tenant,
                                  authority=r.text("authority", f"https://login.microsoftonline.com/{tenant}"))
    if "certificate_file" in r.table or "thumbprint" in r.table:
        if any(k in r.table for k in ("client_secret_env", "client_secret_file")):
            raise ConfigError("oauth2.certificate_file", "give a client secret or a certificate, not both")
        thumbprint = r.text("thumbprint").replace(":", "").upper()
        path, pem = _read_file(r, "certificate_file", base, read)
        if read and "PRIVATE KEY" not in pem:
            raise ConfigError("oauth2.certificate_file", f"{path} holds no PEM private key")
        return OAuth2(**common, certificate_file=path, certificate_pem=pem, thumbprint=thumbprint)
    return OAuth2(**common, client_secret=_client_secret(r, base, read))


def _client_secret(r: Reader, base: Path, read: bool) -> str:
    if not any(k in r.table for k in ("client_secret", "client_secret_env", "client_secret_file")):
        raise ConfigError("oauth2.client_secret_env", "missing (or client_secret_file)")
    return r.secret(base, read, name="client_secret")


def _google(r: Reader, base: Path, read: bool) -> OAuth2:
    _only(r, "google", {"service_account_file"})
    path, text = _read_file(r, "service_account_file", base, read)
    if read:
        try:
            key = json.loads(text)
        except ValueError as exc:
            raise ConfigError("oauth2.service_account_file", f"{path} is not JSON") from exc
        if not isinstance(key, dict) or not {"client_email", "private_key", "token_uri"} <= set(key):
            raise ConfigError("oauth2.service_account_file", f"{path} is not a service account key")
    return OAuth2(provider="google", scope=r.text("scope", DEFAULT_SCOPES["google"]),
                  service_account_file=path, service_account_json=text)


def _generic(r: Reader, base: Path, read: bool) -> OAuth2:
    _only(r, "generic", {"token_url", "client_id", "client_secret", "client_secret_env", "client_secret_file"})
    token_url = r.text("token_url")
    if not token_url.startswith(("https://", "http://")):
        raise ConfigError("oauth2.token_url", f"expected an http(s) URL, got {token_url!r}")
    scope = r.table.get("scope", "")
    if not isinstance(scope, str):
        raise ConfigError("oauth2.scope", f"expected a string, got {scope!r}")
    return OAuth2(provider="generic", scope=scope, token_url=token_url, client_id=r.text("client_id"),
                  client_secret=_client_secret(r, base, read))


def oauth2_settings(data: dict[str, Any], base: Path, secrets: bool, used_by: str | None) -> OAuth2 | None:
    """The [oauth2] table when `used_by` (the key that asked for it) is set; None otherwise."""
    if used_by is None:
        if "oauth2" in data:
            raise ConfigError("oauth2", "present, but neither mailbox.auth nor smtp.auth is \"oauth2\"")
        return None
    if "oauth2" not in data:
        raise ConfigError("oauth2", f"missing section ({used_by} is \"oauth2\")")
    r = Reader(section(data, "oauth2"), "oauth2", _KEYS)
    provider = r.text("provider", choices=PROVIDERS)
    build = {"microsoft": _microsoft, "google": _google, "generic": _generic}[provider]
    return build(r, base, secrets)

"""The web desk's settings, `[web]` and `[web.oidc]`: where it listens, the links it gives, how people sign in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from config.reader import ConfigError, Reader, section
from intake.vocabulary import DeskRole

__all__ = ["MIN_SECRET_CHARS", "Oidc", "Web", "web_settings"]

MIN_SECRET_CHARS = 32  # the session cookie's signing key: long enough not to be guessed


@dataclass(frozen=True)
class Oidc:
    """Sign-in through the organisation's identity provider (OpenID Connect, e.g. Microsoft Entra ID)."""

    issuer: str  # its discovery document is at issuer + /.well-known/openid-configuration
    client_id: str
    client_secret: str = field(default="", repr=False)
    role_claim: str = "roles"  # Entra app roles; "groups" for security groups (their object ids)
    roles: dict[str, str] = field(default_factory=dict)  # claim value -> dsp, comms or viewer
    name_claim: str = "preferred_username"  # what the audit trail records as the actor
    scope: str = "openid profile email"
    label: str = "Sign in with Microsoft"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Web:
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = ""  # how people reach the desk, for links in mail (the media alert); "" for no links
    secret: str = field(default="", repr=False)  # signs the session cookie
    accounts: Path | None = None  # local accounts (name, role, Argon2 hash), owner-only
    secure_cookies: bool = True  # off only for plain-http tests on 127.0.0.1
    session_minutes: int = 480
    oidc: Oidc | None = None


def _listen(r: Reader) -> tuple[str, int]:
    value = r.text("listen", "127.0.0.1:8080")
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError("web.listen", f"expected HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


def _base_url(r: Reader) -> str:
    value = r.table.get("base_url", "")
    if not isinstance(value, str):
        raise ConfigError("web.base_url", f"expected a URL, got {value!r}")
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ConfigError("web.base_url", f"expected http(s)://host[:port], got {value!r}")
        if parts.path not in ("", "/"):
            raise ConfigError("web.base_url", "the desk is served at the root of its own host name, without a path")
    return value.rstrip("/")


def _flag(r: Reader, name: str, default: bool) -> bool:
    value = r.table.get(name, default)
    if not isinstance(value, bool):
        raise ConfigError(f"web.{name}", f"expected true or false, got {value!r}")
    return value


def _oidc(table: dict[str, Any], base: Path, secrets: bool) -> Oidc | None:
    if not table:
        return None
    o = Reader(table, "web.oidc", {"issuer", "client_id", "client_secret_env", "client_secret_file", "role_claim",
                                   "roles", "name_claim", "scope", "label"})
    issuer = o.text("issuer")
    if urlsplit(issuer).scheme not in ("https", "http"):
        raise ConfigError("web.oidc.issuer", f"expected the issuer's URL, got {issuer!r}")
    roles = o.table.get("roles")
    if not isinstance(roles, dict) or not roles:
        raise ConfigError("web.oidc.roles", "expected a table of claim values to roles: { \"FOI.DSP\" = \"dsp\" }")
    for value, role in roles.items():
        if role not in tuple(DeskRole):
            raise ConfigError(f"web.oidc.roles.{value}", f"expected one of {', '.join(DeskRole)}, got {role!r}")
    if "client_secret_env" not in o.table and "client_secret_file" not in o.table:
        raise ConfigError("web.oidc.client_secret_file", "missing (or client_secret_env)")
    return Oidc(issuer=issuer, client_id=o.text("client_id"), client_secret=o.secret(base, secrets, "client_secret"),
                role_claim=o.text("role_claim", "roles"), roles={str(k): str(v) for k, v in roles.items()},
                name_claim=o.text("name_claim", "preferred_username"), scope=o.text("scope", "openid profile email"),
                label=o.text("label", "Sign in with Microsoft"))


def web_settings(data: dict[str, Any], base: Path, secrets: bool) -> Web:
    """`[web]`; the session secret and the OIDC client secret are read only with `secrets` (foi-intake serve)."""
    table = section(data, "web", required=False)
    r = Reader(table, "web", {"listen", "base_url", "secret_env", "secret_file", "accounts", "secure_cookies",
                              "session_minutes", "oidc"})
    host, port = _listen(r)
    secret = r.secret(base, secrets, "secret")
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise ConfigError("web.secret_file" if "secret_file" in table else "web.secret_env",
                          f"the session secret must be at least {MIN_SECRET_CHARS} characters")
    accounts = r.path("accounts", base) or base / "foi-intake-accounts.json"
    base_url, oidc = _base_url(r), _oidc(section(table, "oidc", required=False), base, secrets)
    if oidc is not None and not base_url:
        raise ConfigError("web.base_url", "needed by [web.oidc]: the provider returns people to "
                                          "base_url/login/oidc/callback (register that redirect URI)")
    return Web(host=host, port=port, base_url=base_url, secret=secret, accounts=accounts,
               secure_cookies=_flag(r, "secure_cookies", True),
               session_minutes=r.integer("session_minutes", 480, minimum=5), oidc=oidc)

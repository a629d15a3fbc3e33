"""Access tokens for SASL XOAUTH2 (IMAP and SMTP): fetched from Microsoft Entra, Google or any OAuth2
server's client-credentials grant, cached, and renewed before they expire. Tokens are never logged."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any, Protocol

import requests

from config.oauth2 import OAuth2
from intake.errors import FoiIntakeError

__all__ = ["REFRESH_MARGIN_SECONDS", "AccessToken", "AuthenticationFailed", "CachedToken", "GenericFetcher",
           "GoogleFetcher", "MicrosoftFetcher", "TokenFetcher", "TokenProvider", "fetcher_for", "token_provider",
           "xoauth2"]

log = logging.getLogger(__name__)

# A token is renewed this long before it expires, so that no login or long pass runs on a dying one.
REFRESH_MARGIN_SECONDS = 300.0
# OAuth2 errors (RFC 6749 5.2) that mean our credentials or registration are wrong: asking again won't help.
REFUSALS = frozenset({"invalid_client", "unauthorized_client", "invalid_grant", "invalid_scope",
                      "unsupported_grant_type", "invalid_request", "access_denied"})
HTTP_TIMEOUT = 30.0


class AuthenticationFailed(FoiIntakeError):
    """A server or token endpoint refused our credentials: not transient, a person must fix them."""


@dataclass(frozen=True)
class AccessToken:
    value: str = field(repr=False)
    expires_at: float  # seconds since the epoch (time.time())


class TokenFetcher(Protocol):
    """Asks one authorisation server for a new access token."""

    def fetch(self) -> AccessToken: ...


class TokenProvider(Protocol):
    """What IMAP and SMTP need: a usable token, and whether the one a connection logged in with still is."""

    def token(self) -> AccessToken: ...

    def fresh(self, token: AccessToken) -> bool: ...

    def forget(self, token: AccessToken) -> None: ...


class CachedToken:
    """Keeps the last token and fetches a new one REFRESH_MARGIN_SECONDS before it expires."""

    def __init__(self, fetcher: TokenFetcher, margin: float = REFRESH_MARGIN_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        self.fetcher = fetcher
        self.margin = margin
        self.clock = clock
        self._token: AccessToken | None = None
        self._lock = threading.Lock()  # the outbox and the poll may ask at once

    def fresh(self, token: AccessToken) -> bool:
        return self.clock() < token.expires_at - self.margin

    def forget(self, token: AccessToken) -> None:
        """A server refused `token`: the next login asks for a new one instead of offering it again."""
        with self._lock:
            if self._token is token:
                self._token = None

    def token(self) -> AccessToken:
        with self._lock:
            if self._token is None or not self.fresh(self._token):
                self._token = self.fetcher.fetch()
                log.debug("new access token, valid for %.0fs", self._token.expires_at - self.clock())
            return self._token


def _refused(endpoint: str, error: str, description: str) -> AuthenticationFailed:
    first_line = (description or "").strip().splitlines()[0] if (description or "").strip() else ""
    return AuthenticationFailed(f"token endpoint {endpoint} refused the client: {error}"
                                + (f" ({first_line[:200]})" if first_line else ""))


class GenericFetcher:
    """RFC 6749 4.4 client-credentials grant, the client authenticated with HTTP Basic (2.3.1)."""

    def __init__(self, cfg: OAuth2, session: requests.Session | None = None) -> None:
        self.cfg = cfg
        self.session = session or requests.Session()

    def fetch(self) -> AccessToken:
        form = {"grant_type": "client_credentials"}
        if self.cfg.scope:
            form["scope"] = self.cfg.scope
        # Network faults and 5xx raise requests' errors (OSError): transient, the caller reconnects.
        reply = self.session.post(self.cfg.token_url, data=form, timeout=HTTP_TIMEOUT,
                                  auth=(self.cfg.client_id, self.cfg.client_secret))
        if reply.status_code in (400, 401, 403):
            try:
                body = reply.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                body = {}
            error = body.get("error", f"HTTP {reply.status_code}")
            raise _refused(self.cfg.token_url, str(error), str(body.get("error_description", "")))
        reply.raise_for_status()
        body = reply.json()
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthenticationFailed(f"token endpoint {self.cfg.token_url} answered without an access_token")
        return AccessToken(body["access_token"], time.time() + float(body.get("expires_in", 3600)))


class MicrosoftFetcher:
    """Microsoft Entra ID client credentials with msal: a client secret or a certificate."""

    def __init__(self, cfg: OAuth2, http_client: Any = None) -> None:
        self.cfg = cfg
        self.http_client = http_client  # msal's documented hook; tests pass a recording one
        self._app: Any = None

    def _application(self) -> Any:
        import msal  # only deployments on Microsoft 365 pay for the import

        credential: str | dict[str, str] = self.cfg.client_secret
        if self.cfg.certificate_pem:
            credential = {"private_key": self.cfg.certificate_pem, "thumbprint": self.cfg.thumbprint}
        extra = {"http_client": self.http_client} if self.http_client is not None else {}
        try:
            return msal.ConfidentialClientApplication(self.cfg.client_id, client_credential=credential,
                                                      authority=self.cfg.authority, **extra)
        except ValueError as exc:  # msal's word for an unknown tenant or a malformed authority
            raise AuthenticationFailed(f"Microsoft Entra authority {self.cfg.authority}: {exc}") from exc

    def fetch(self) -> AccessToken:
        if self._app is None:
            self._app = self._application()
        result = self._app.acquire_token_for_client(scopes=[self.cfg.scope])
        if "access_token" in result:
            return AccessToken(result["access_token"], time.time() + float(result.get("expires_in", 3600)))
        error = str(result.get("error", "unknown_error"))
        if error in REFUSALS:
            raise _refused(self.cfg.authority, error, str(result.get("error_description", "")))
        raise ConnectionError(f"Microsoft Entra token request failed: {error}")  # transient: try again later


class GoogleFetcher:
    """A Google service account with domain-wide delegation, acting as the mailbox `subject`."""

    def __init__(self, cfg: OAuth2, subject: str) -> None:
        self.cfg = cfg
        self.subject = subject

    def fetch(self) -> AccessToken:
        import google.auth.exceptions
        import google.auth.transport.requests
        from google.oauth2 import service_account

        info = json.loads(self.cfg.service_account_json)
        creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[self.cfg.scope], subject=self.subject)
        try:
            creds.refresh(google.auth.transport.requests.Request())
        except google.auth.exceptions.RefreshError as exc:
            if exc.retryable:  # a 5xx or a timeout at Google: worth another try later
                raise ConnectionError(f"Google token endpoint: {_google_error(exc)}") from exc
            raise AuthenticationFailed(f"Google token endpoint refused service account "
                                       f"{info.get('client_email')} for {self.subject}: {_google_error(exc)}") from exc
        except google.auth.exceptions.TransportError as exc:
            raise ConnectionError(f"Google token endpoint unreachable: {exc}") from exc
        expiry = creds.expiry.replace(tzinfo=UTC).timestamp() if creds.expiry else time.time() + 3600
        return AccessToken(str(creds.token), expiry)


def _google_error(exc: Exception) -> str:
    # RefreshError's args are (message, response body); the message names the OAuth2 error.
    return str(exc.args[0]) if exc.args else type(exc).__name__


def fetcher_for(cfg: OAuth2, user: str) -> TokenFetcher:
    if cfg.provider == "microsoft":
        return MicrosoftFetcher(cfg)
    if cfg.provider == "google":
        return GoogleFetcher(cfg, user)
    return GenericFetcher(cfg)


_PROVIDERS: dict[tuple[OAuth2, str], CachedToken] = {}
_PROVIDERS_LOCK = threading.Lock()


def token_provider(cfg: OAuth2, user: str) -> TokenProvider:
    """One cached token per client and mailbox user, shared by IMAP and SMTP in this process."""
    with _PROVIDERS_LOCK:
        provider = _PROVIDERS.get((cfg, user))
        if provider is None:
            provider = _PROVIDERS[(cfg, user)] = CachedToken(fetcher_for(cfg, user))
        return provider


def xoauth2(user: str, token: AccessToken) -> str:
    """The SASL XOAUTH2 initial response (before base64), as Microsoft and Google document it."""
    return f"user={user}\x01auth=Bearer {token.value}\x01\x01"

"""Token caching, and the Microsoft token request as msal makes it (through msal's documented
`http_client` hook: msal insists on HTTPS discovery at login.microsoftonline.com, so no local server)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from config.oauth2 import OAuth2
from intake.mailbox.oauth2 import AccessToken, AuthenticationFailed, CachedToken, MicrosoftFetcher, xoauth2

AUTHORITY = "https://login.microsoftonline.com/contoso.onmicrosoft.com"
TOKEN_ENDPOINT = f"{AUTHORITY}/oauth2/v2.0/token"


@dataclass
class CountingFetcher:
    lifetime: float
    now: list[float]
    fetched: int = 0

    def fetch(self) -> AccessToken:
        self.fetched += 1
        return AccessToken(f"token-{self.fetched}", self.now[0] + self.lifetime)


def test_a_token_is_cached_and_renewed_five_minutes_before_it_expires() -> None:
    now = [1000.0]
    fetcher = CountingFetcher(3600, now)
    cache = CachedToken(fetcher, clock=lambda: now[0])
    first = cache.token()
    now[0] += 3600 - 301  # 5 min 1 s before expiry: still good
    assert cache.token() is first and cache.fresh(first)
    now[0] += 2  # inside the last five minutes: renewed, and a connection holding `first` must log in again
    second = cache.token()
    assert second.value == "token-2" and not cache.fresh(first) and fetcher.fetched == 2


def test_a_refused_token_is_forgotten_so_the_next_login_asks_for_a_new_one() -> None:
    now = [1000.0]
    fetcher = CountingFetcher(3600, now)
    cache = CachedToken(fetcher, clock=lambda: now[0])
    refused = cache.token()
    cache.forget(AccessToken("token-1", refused.expires_at))  # an equal token is not the one held
    assert cache.token() is refused
    cache.forget(refused)
    assert cache.token().value == "token-2" and fetcher.fetched == 2


def test_the_xoauth2_response_names_the_user_and_the_bearer_token() -> None:
    token = AccessToken("abc", 0)
    assert xoauth2("foi@example.nhs.uk", token) == "user=foi@example.nhs.uk\x01auth=Bearer abc\x01\x01"
    assert "abc" not in repr(token)


@dataclass
class Reply:
    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return json.dumps(self.body)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(self.status_code)


@dataclass
class Entra:
    """Answers msal's discovery GETs and records its token POSTs, as Microsoft Entra ID would."""

    token_reply: tuple[int, dict[str, Any]] = (200, {"access_token": "at-1", "token_type": "Bearer",
                                                     "expires_in": 3599})
    posts: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def get(self, url: str, params: Any = None, headers: Any = None, **kwargs: Any) -> Reply:
        if "discovery/instance" in url:
            return Reply(200, {"tenant_discovery_endpoint": f"{AUTHORITY}/v2.0/.well-known/openid-configuration",
                               "metadata": [{"preferred_network": "login.microsoftonline.com",
                                             "aliases": ["login.microsoftonline.com"]}]})
        return Reply(200, {"authorization_endpoint": f"{AUTHORITY}/oauth2/v2.0/authorize",
                           "token_endpoint": TOKEN_ENDPOINT, "issuer": f"{AUTHORITY}/v2.0"})

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None, **kwargs: Any) -> Reply:
        form = data if isinstance(data, dict) else {k: v[0] for k, v in parse_qs(data).items()}
        self.posts.append((url, form))
        return Reply(*self.token_reply)

    def close(self) -> None:
        """msal may close its client."""


def microsoft(**kwargs: Any) -> OAuth2:
    return OAuth2(provider="microsoft", scope="https://outlook.office365.com/.default", client_id="app-1",
                  tenant_id="contoso.onmicrosoft.com", authority=AUTHORITY, **kwargs)


def test_microsoft_asks_entra_for_an_outlook_token_with_the_client_secret() -> None:
    entra = Entra()
    token = MicrosoftFetcher(microsoft(client_secret="s3cret"), http_client=entra).fetch()
    assert token.value == "at-1"
    [(url, form)] = entra.posts
    assert url == TOKEN_ENDPOINT
    assert form["grant_type"] == "client_credentials" and form["client_id"] == "app-1"
    assert form["client_secret"] == "s3cret"
    assert "https://outlook.office365.com/.default" in form["scope"].split()


def test_microsoft_signs_a_client_assertion_with_the_certificate() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "foi-intake")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2020, 1, 1)).not_valid_after(datetime(2100, 1, 1))
            .sign(key, hashes.SHA256()))
    thumbprint = cert.fingerprint(hashes.SHA1()).hex().upper()  # Entra names a certificate by its SHA-1 thumbprint
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    entra = Entra()
    MicrosoftFetcher(microsoft(certificate_pem=pem, thumbprint=thumbprint), http_client=entra).fetch()
    [(_url, form)] = entra.posts
    assert "client_secret" not in form
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = form["client_assertion"]
    assertion = assertion.decode() if isinstance(assertion, bytes) else assertion  # msal passes the JWT as bytes
    header = json.loads(base64.urlsafe_b64decode(assertion.split(".")[0] + "=="))
    assert base64.urlsafe_b64decode(header["x5t"] + "==").hex().upper() == thumbprint


def test_a_refused_microsoft_client_is_authentication_failed_naming_the_error_not_the_secret() -> None:
    entra = Entra(token_reply=(401, {"error": "invalid_client", "error_description":
                                     "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"}))
    with pytest.raises(AuthenticationFailed) as caught:
        MicrosoftFetcher(microsoft(client_secret="s3cret"), http_client=entra).fetch()
    assert str(caught.value) == (f"token endpoint {AUTHORITY} refused the client: invalid_client "
                                 "(AADSTS7000215: Invalid client secret provided.)")

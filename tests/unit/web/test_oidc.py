"""Sign-in through OpenID Connect against a local provider (tests/oidc_server.py: discovery, keys, the code flow
with PKCE, RS256 ID tokens). No real Microsoft Entra ID tenant can be reached from the tests, so the provider is
this stand-in; the desk's side (authlib) is the real code: the redirect, the token exchange and the ID token's
validation (signature, issuer, audience, nonce, expiry), and the mapping of its role claim to a desk role."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from starlette.testclient import TestClient

from config.settings import ConfigError
from intake.app import build
from intake.web import create_app
from tests.oidc_server import Provider
from tests.unit.web.conftest import web_settings


@pytest.fixture
def provider() -> Iterator[Provider]:
    p = Provider(claims={"preferred_username": "olivia@example-icb.nhs.uk", "roles": ["FOI.Comms"]})
    p.start()
    yield p
    p.stop()


@pytest.fixture
def client(tmp_path: Path, provider: Provider) -> Iterator[TestClient]:
    (tmp_path / "oidc.secret").write_text(provider.client_secret)
    settings = web_settings(tmp_path, oidc={
        "issuer": provider.issuer, "client_id": provider.client_id, "client_secret_file": "oidc.secret",
        "roles": {"FOI.DSP": "dsp", "FOI.Comms": "comms", "FOI.Read": "viewer"}})
    app = build(settings, create=True)
    with TestClient(create_app(settings, app), base_url="http://testserver", follow_redirects=False) as c:
        yield c
    app.close()


def _sign_in(client: TestClient, provider: Provider, next_path: str = "/") -> Any:
    start = client.get(f"/login/oidc?next={next_path}")
    assert start.status_code == 302
    consent = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    back = urlsplit(consent.headers["location"])
    return client.get(f"{back.path}?{back.query}")


def test_the_redirect_asks_for_a_code_with_state_nonce_and_pkce(client: TestClient, provider: Provider) -> None:
    assert "Sign in with Microsoft" in client.get("/login").text
    start = client.get("/login/oidc")
    url = urlsplit(start.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{provider.issuer}/authorize"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["client_id"] == provider.client_id and query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/login/oidc/callback"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["state"] and query["nonce"] and "openid" in query["scope"].split()


def test_a_valid_id_token_signs_in_with_the_mapped_role(client: TestClient, provider: Provider) -> None:
    done = _sign_in(client, provider, "/search")
    assert done.status_code == 303 and done.headers["location"] == "/search"
    page = client.get("/search").text
    assert "olivia@example-icb.nhs.uk (comms)" in page
    assert client.get("/reports").status_code == 403  # Communications: media cases only


def test_the_strongest_mapped_role_wins(client: TestClient, provider: Provider) -> None:
    provider.claims["roles"] = ["FOI.Read", "FOI.DSP", "Some.Other.App"]
    _sign_in(client, provider)
    assert "(dsp)" in client.get("/").text


@pytest.mark.parametrize("spoil", [
    {"aud": "another-app"},  # a token issued to another application
    {"iss": "http://127.0.0.1:1/someone-else"},  # from another issuer
    {"nonce": "replayed"},  # not the answer to this sign-in
    {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},  # expired
    "other key",  # not signed by the provider's key
])
def test_an_id_token_that_fails_validation_is_refused(client: TestClient, provider: Provider, spoil: Any) -> None:
    if spoil == "other key":
        provider.sign_with_other_key = True
    else:
        provider.spoil = spoil
    refused = _sign_in(client, provider)
    assert refused.status_code == 403 and "could not be checked" in refused.text
    assert client.get("/").status_code == 303  # still not signed in


def test_a_person_without_a_mapped_role_is_refused(client: TestClient, provider: Provider) -> None:
    provider.claims["roles"] = ["Payroll.Admin"]
    refused = _sign_in(client, provider)
    assert refused.status_code == 403 and "no role on the FOI desk" in refused.text


def test_a_callback_without_the_sign_ins_state_is_refused(client: TestClient, provider: Provider) -> None:
    start = client.get("/login/oidc")
    consent = requests.get(start.headers["location"], allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    refused = client.get(f"/login/oidc/callback?code={code}&state=made-up")
    assert refused.status_code == 403


def test_oidc_needs_the_base_url_for_its_redirect(tmp_path: Path, provider: Provider) -> None:
    (tmp_path / "oidc.secret").write_text("x")
    with pytest.raises(ConfigError, match=r"web\.base_url: needed by"):
        web_settings(tmp_path, base_url="", oidc={"issuer": provider.issuer, "client_id": "a",
                                                  "client_secret_file": "oidc.secret", "roles": {"A": "dsp"}})
    with pytest.raises(ConfigError, match=r"web\.oidc\.roles\.A: expected one of dsp, comms, viewer"):
        web_settings(tmp_path, oidc={"issuer": provider.issuer, "client_id": "a",
                                     "client_secret_file": "oidc.secret", "roles": {"A": "admin"}})

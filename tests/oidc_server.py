"""A small OpenID Connect provider for the tests, on 127.0.0.1: discovery, its signing keys, an authorization
endpoint that consents at once (it redirects back with a code), and a token endpoint that checks the client's
secret and PKCE and returns an ID token signed with RS256. A test sets the claims, or spoils them."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tests.servers import free_port


@dataclass
class Pending:
    params: dict[str, str]
    used: bool = False


@dataclass
class Provider:
    client_id: str = "foi-desk"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    claims: dict[str, Any] = field(default_factory=dict)  # added to every ID token
    spoil: dict[str, Any] = field(default_factory=dict)  # overrides the standard claims (aud, nonce, iss, exp)
    sign_with_other_key: bool = False
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    other: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "k1"}))
    codes: dict[str, Pending] = field(default_factory=dict)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    _http: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/tenant/v2.0"

    def metadata(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/keys",
                "response_types_supported": ["code"], "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "subject-1", "aud": self.client_id, "iat": now, "nbf": now,
                  "exp": now + 3600, "nonce": nonce, **self.claims, **self.spoil}
        key = self.other if self.sign_with_other_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def start(self) -> None:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                path = url.path.removeprefix("/tenant/v2.0")
                if path == "/.well-known/openid-configuration":
                    self._json(provider.metadata())
                elif path == "/keys":
                    self._json(KeySet([provider.key]).as_dict(private=False))
                elif path == "/authorize":
                    params = {k: v[0] for k, v in parse_qs(url.query).items()}
                    provider.authorize_requests.append(params)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = Pending(params)
                    self.send_response(302)
                    self.send_header("Location", params["redirect_uri"] + "?" + urlencode(
                        {"code": code, "state": params.get("state", "")}))
                    self.end_headers()
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                self._json(*provider.token(form, self.headers.get("Authorization", "")))

        self._http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def token(self, form: dict[str, str], authorization: str) -> tuple[dict[str, Any], int]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return {"error": "invalid_client"}, 401
        pending = self.codes.get(form.get("code", ""))
        if pending is None or pending.used or form.get("redirect_uri") != pending.params["redirect_uri"]:
            return {"error": "invalid_grant"}, 400
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != pending.params.get("code_challenge"):
            return {"error": "invalid_grant", "error_description": "PKCE"}, 400
        pending.used = True
        return {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 3600,
                "id_token": self.id_token(pending.params.get("nonce", ""))}, 200

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

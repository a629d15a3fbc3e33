"""A real OAuth2 authorisation server for the tests, on 127.0.0.1: a token endpoint (client credentials,
and Google's JWT-bearer grant for service accounts) and RFC 7662 token introspection for Dovecot."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from google.auth import jwt

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass
class Client:
    secret: str  # for a service account: its public certificate (PEM)
    username: str
    expires_in: int = 3600
    scope: str = ""
    revoked: bool = False  # as when an administrator withdraws the app's access: tokens no longer work


@dataclass
class Issued:
    client_id: str
    username: str
    expires_at: float
    active: bool = True


class TokenServer:
    """Issues opaque tokens; a test can count token requests and revoke a client's tokens. A client
    added with expires_in=0 gets tokens that have expired by the time they are used."""

    def __init__(self) -> None:
        self.clients: dict[str, Client] = {}
        self.tokens: dict[str, Issued] = {}
        self.requests: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._http: ThreadingHTTPServer | None = None

    # -- what tests do ----------------------------------------------------------------------

    def add_client(self, username: str, expires_in: int = 3600, scope: str = "") -> tuple[str, str]:
        client_id, secret = f"client-{secrets.token_hex(4)}", secrets.token_urlsafe(16)
        with self.lock:
            self.clients[client_id] = Client(secret, username, expires_in, scope)
        return client_id, secret

    def add_service_account(self, client_email: str, public_cert_pem: str) -> None:
        with self.lock:
            self.clients[client_email] = Client(public_cert_pem, "")

    def revoke(self, client_id: str) -> None:
        """Every token of this client stops working, and those it gets from now on never work."""
        with self.lock:
            self.clients[client_id].revoked = True
            for issued in self.tokens.values():
                if issued.client_id == client_id:
                    issued.active = False

    def valid(self, token: str, username: str) -> bool:
        with self.lock:
            issued = self.tokens.get(token)
            return (issued is not None and issued.active and issued.expires_at > time.time()
                    and issued.username == username)

    # -- the endpoints ----------------------------------------------------------------------

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") == JWT_BEARER:
            return self._jwt_bearer(form.get("assertion", ""))
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        with self.lock:
            self.requests[client_id] += 1
            client = self.clients.get(client_id)
            if client is None or not secrets.compare_digest(client.secret, secret):
                return 401, {"error": "invalid_client", "error_description": "Client authentication failed."}
            if form.get("grant_type") != "client_credentials":
                return 400, {"error": "unsupported_grant_type"}
            if client.scope and form.get("scope") != client.scope:
                return 400, {"error": "invalid_scope"}
            return 200, self._issue(client_id, client.username, client.expires_in, active=not client.revoked)

    def _jwt_bearer(self, assertion: str) -> tuple[int, dict[str, Any]]:
        unverified = jwt.decode(assertion, verify=False)
        with self.lock:
            self.requests[unverified.get("iss", "")] += 1
            client = self.clients.get(unverified.get("iss", ""))
            if client is None:
                return 401, {"error": "invalid_client"}
            try:
                claims = jwt.decode(assertion, certs=client.secret, audience=unverified.get("aud"))
            except ValueError:
                return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            if not claims.get("sub"):
                return 400, {"error": "unauthorized_client", "error_description": "no delegation subject"}
            return 200, self._issue(claims["iss"], claims["sub"], 3600, scope=claims.get("scope", ""))

    def _issue(self, client_id: str, username: str, expires_in: int, scope: str = "",
               active: bool = True) -> dict[str, Any]:
        token = secrets.token_urlsafe(24)
        self.tokens[token] = Issued(client_id, username, time.time() + expires_in, active)
        return {"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": scope}

    def introspect(self, form: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            issued = self.tokens.get(form.get("token", ""))
            if issued is None or not issued.active or issued.expires_at <= time.time():
                return {"active": False}
            return {"active": True, "username": issued.username, "exp": int(issued.expires_at)}

    # -- the HTTP server --------------------------------------------------------------------

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path == "/token":
                    status, body = owner.token(form, self.headers.get("Authorization", ""))
                elif self.path == "/introspect":
                    status, body = 200, owner.introspect(form)
                else:
                    status, body = 404, {"error": "not_found"}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: pytest shows stderr of failing tests, and this would drown it."""

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()

    @property
    def url(self) -> str:
        assert self._http is not None
        return f"http://127.0.0.1:{self._http.server_address[1]}"

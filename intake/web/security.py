"""What every response and every form shares: the security headers, the CSRF token of the session, and the
`next` address a sign-in returns to."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "CSRF_FIELD", "SecurityHeaders", "csrf_ok", "csrf_token", "safe_next"]

CSRF_FIELD = "csrf"
# No script at all, no inline style, no framing, forms post only to the desk itself.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Pages hold personal data: never kept by the browser or a proxy. The stylesheet may be cached.
_NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]


class SecurityHeaders:
    """ASGI middleware adding the headers above to every response (no-store on all but /static)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = _HEADERS + ([] if static else _NO_STORE)
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use; every form carries it in a hidden field."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


def csrf_ok(request: Request, sent: Any) -> bool:
    """True when the form's token is the session's (compared in constant time)."""
    expected = request.session.get(CSRF_FIELD)
    return (isinstance(sent, str) and isinstance(expected, str) and bool(expected)
            and hmac.compare_digest(sent.encode(), expected.encode()))


def safe_next(value: str | None, default: str = "/") -> str:
    """A path on this desk to return to after signing in; anything else (another site, //host) is the default."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return default
    return value


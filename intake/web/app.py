"""The web desk as an ASGI application (Starlette): routes, sessions, security headers and error pages."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from config.settings import Settings
from config.web import MIN_SECRET_CHARS
from intake.app import App, open_existing
from intake.errors import FoiIntakeError
from intake.web import casepage, corrections, reports, signin, worklist
from intake.web.accounts import Accounts
from intake.web.base import NotSignedIn, WebDesk, redirect, render
from intake.web.permissions import Forbidden
from intake.web.security import SecurityHeaders
from responders.errors import Refused

__all__ = ["SESSION_COOKIE", "create_app", "desk_routes"]

log = logging.getLogger(__name__)

SESSION_COOKIE = "foi_desk"
STATIC = Path(__file__).resolve().parent / "static"


class SecretMissing(FoiIntakeError):
    """The desk cannot sign its session cookies."""


def desk_routes() -> list[BaseRoute]:
    # /cases/new before /cases/{reference}: the first route that matches wins.
    return [*signin.routes(), *worklist.routes(), *corrections.routes(), *casepage.routes(), *reports.routes(),
            Mount("/static", app=StaticFiles(directory=STATIC), name="static")]


def _not_signed_in(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect(f"/login?next={target}" if request.method == "GET" else "/login")


def _forbidden(request: Request, exc: Exception) -> Response:
    return render(request, "refused.html.j2", status=403, line=str(exc))


def _refused(request: Request, exc: Exception) -> Response:
    return render(request, "refused.html.j2", status=409 if isinstance(exc, Refused) else 400, line=str(exc))


def _http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return render(request, "refused.html.j2", status=status, line=str(detail))


def create_app(settings: Settings, app: App | None = None) -> Starlette:
    """The desk over the configured case log (as it is: the desk never creates or migrates one)."""
    web = settings.web
    if len(web.secret) < MIN_SECRET_CHARS:
        raise SecretMissing("web.secret_file or web.secret_env: foi-intake serve signs its session cookies with "
                            f"a secret of at least {MIN_SECRET_CHARS} characters (e.g. `openssl rand -hex 32`)")
    assert web.accounts is not None
    oidc = None
    if web.oidc is not None:
        oidc = signin.oidc_client(web.oidc)
    desk = WebDesk(settings, app or open_existing(settings), Accounts(web.accounts), oidc)
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=web.secret, session_cookie=SESSION_COOKIE,
                   max_age=web.session_minutes * 60, same_site="lax", https_only=web.secure_cookies),
    ]
    handlers = {NotSignedIn: _not_signed_in, Forbidden: _forbidden, FoiIntakeError: _refused, HTTPException: _http}
    starlette = Starlette(routes=desk_routes(), middleware=middleware,
                          exception_handlers=handlers)
    starlette.state.desk = desk
    return starlette

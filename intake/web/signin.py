"""Signing in and out: a local account (name and password, Argon2), or the organisation's identity provider
(OpenID Connect: Microsoft Entra ID or any other), whose ID token is validated and whose role claims are
mapped to a desk role by `[web.oidc] roles`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from config.web import Oidc
from intake.vocabulary import DeskRole
from intake.web.accounts import Person
from intake.web.base import desk_of, flash, form_route, redirect, render, sign_in
from intake.web.forms import Values, one
from intake.web.permissions import Forbidden
from intake.web.security import safe_next

__all__ = ["CALLBACK", "oidc_client", "person_from_claims", "routes"]

log = logging.getLogger(__name__)

CALLBACK = "/login/oidc/callback"
_STRONGEST_FIRST = (DeskRole.DSP, DeskRole.COMMS, DeskRole.VIEWER)


def oidc_client(cfg: Oidc) -> Any:
    """authlib's client for the provider: discovery, the authorization code flow with PKCE, and the ID token's
    validation (signature against the provider's keys, issuer, audience, nonce, expiry)."""
    oauth = OAuth()
    oauth.register("idp", client_id=cfg.client_id, client_secret=cfg.client_secret,
                   server_metadata_url=cfg.metadata_url,
                   client_kwargs={"scope": cfg.scope, "code_challenge_method": "S256"})
    return oauth.create_client("idp")


def person_from_claims(cfg: Oidc, claims: Mapping[str, Any]) -> Person:
    """The person an ID token names, with the strongest desk role its role claim maps to; none is refused."""
    found = claims.get(cfg.role_claim) or []
    values = [found] if isinstance(found, str) else [str(v) for v in found] if isinstance(found, list) else []
    roles = {DeskRole(cfg.roles[v]) for v in values if v in cfg.roles}
    role = next((r for r in _STRONGEST_FIRST if r in roles), None)
    if role is None:
        raise Forbidden("your account has no role on the FOI desk: ask for one of its roles to be assigned to you")
    name = claims.get(cfg.name_claim) or claims.get("email") or claims.get("sub")
    if not isinstance(name, str) or not name:
        raise Forbidden(f"the identity provider did not say who you are ({cfg.name_claim})")
    return Person(name[:120], role, "oidc")


def login_page(request: Request) -> Response:
    desk = desk_of(request)
    oidc = desk.settings.web.oidc
    return render(request, "login.html.j2", next=safe_next(request.query_params.get("next")),
                  oidc_label=oidc.label if oidc else None, failed=False)


def login(request: Request, values: Values) -> Response:
    desk = desk_of(request)
    person = desk.accounts.verify(one(values, "name"), (values.get("password") or [""])[0])
    target = safe_next(one(values, "next"))
    if person is None:
        log.info("a local sign-in was refused")
        oidc = desk.settings.web.oidc
        return render(request, "login.html.j2", status=401, next=target, oidc_label=oidc.label if oidc else None,
                      failed=True)
    sign_in(request, person)
    return redirect(target)


def logout(request: Request, values: Values) -> Response:
    request.session.clear()
    flash(request, "ok", "signed out")
    return redirect("/login")


async def oidc_start(request: Request) -> Response:
    desk = desk_of(request)
    if desk.oidc is None:
        return redirect("/login")
    request.session["next"] = safe_next(request.query_params.get("next"))
    response: RedirectResponse = await desk.oidc.authorize_redirect(request, desk.settings.web.base_url + CALLBACK)
    return response


async def oidc_callback(request: Request) -> Response:
    desk = desk_of(request)
    cfg = desk.settings.web.oidc
    if desk.oidc is None or cfg is None:
        return redirect("/login")
    try:
        token = await desk.oidc.authorize_access_token(request)
    except (OAuthError, JoseError, ValueError, KeyError) as exc:
        log.warning("OpenID Connect sign-in refused: %s", type(exc).__name__)
        raise Forbidden("the sign-in through the identity provider could not be checked: try again") from None
    claims = token.get("userinfo")
    if not claims:
        raise Forbidden("the identity provider sent no ID token: try again")
    target = safe_next(request.session.get("next"))
    sign_in(request, person_from_claims(cfg, claims))
    return redirect(target)


def routes() -> list[BaseRoute]:
    return [Route("/login", login_page, methods=["GET"]), form_route("/login", login), form_route("/logout", logout),
            Route("/login/oidc", oidc_start, methods=["GET"]), Route(CALLBACK, oidc_callback, methods=["GET"])]

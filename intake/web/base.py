"""What every page of the desk shares: the desk's state, the signed-in person, rendering, forms that post (each
checked against the session's CSRF token) and sending the notices an action queued."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from config.settings import Settings
from intake.app import App
from intake.errors import FoiIntakeError
from intake.vocabulary import DeskRole
from intake.web.accounts import Accounts, Person
from intake.web.forms import Values
from intake.web.permissions import Forbidden
from intake.web.security import CSRF_FIELD, csrf_ok, csrf_token
from responders.render import longdate, shortdate

__all__ = ["NotSignedIn", "WebDesk", "desk_of", "flash", "form_route", "person_of", "redirect", "render",
           "sign_in"]

log = logging.getLogger(__name__)

FormHandler = Callable[[Request, Values], Response]


class NotSignedIn(FoiIntakeError):
    """No one is signed in: the page sends them to sign in, and back."""


@dataclass
class WebDesk:
    """The desk's state: the settings, the application over the case log, templates and accounts."""

    settings: Settings
    app: App
    accounts: Accounts
    oidc: Any = None  # authlib's client for [web.oidc], when configured
    env: Environment = field(init=False)
    # One write at a time: the desk, the notifier and the mailbox connection are not shared between threads.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        tz = ZoneInfo(self.settings.organisation.timezone)
        self.env = Environment(loader=PackageLoader("intake.web", "templates"), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(shortdate=shortdate, longdate=longdate,
                                when=lambda d: d.astimezone(tz).strftime("%d %b %Y %H:%M") if d else "")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.app.sessions() as s:
            yield s

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.settings.organisation.timezone)).date()

    def send_now(self) -> None:
        """Send queued notices now, unless a worker (`foi-intake run`) holds the mailbox's lease: then it sends
        them at its next flush. The lease is let go at once, so the worker can always take it."""
        with self.send_lock:
            try:
                flushed = self.app.send()
                log.info("web desk flushed the outbox: sent=%d retrying=%d", flushed.sent, flushed.retrying)
            except Exception as exc:  # the notices stay in the outbox; the worker or the next action sends them
                log.warning("web desk could not flush the outbox: %s", type(exc).__name__)
            finally:
                self.app.lease.release()


def desk_of(request: Request) -> WebDesk:
    desk: WebDesk = request.app.state.desk
    return desk


def person_of(request: Request) -> Person:
    """The signed-in person, or NotSignedIn: after `session_minutes` from signing in however busy they were, and
    at once when their local account is removed (a changed role applies at once too)."""
    data = request.session.get("person")
    if not isinstance(data, dict):
        raise NotSignedIn("sign in first")
    desk = desk_of(request)
    try:
        person = Person(str(data["name"]), DeskRole(data["role"]), str(data.get("via", "local")))
        expired = time.time() - float(data["at"]) > desk.settings.web.session_minutes * 60
    except (KeyError, ValueError, TypeError):
        expired = True
    if not expired and person.via == "local":
        account = desk.accounts.users().get(person.name)
        role = str(account.get("role")) if isinstance(account, dict) else ""
        expired = role not in tuple(DeskRole)
        person = person if expired else Person(person.name, DeskRole(role), "local")
    if expired:
        request.session.clear()
        raise NotSignedIn("sign in again")
    return person


def sign_in(request: Request, person: Person) -> None:
    """A fresh session for the person: nothing from before signing in is kept (a new CSRF token too)."""
    request.session.clear()
    request.session["person"] = {"name": person.name, "role": str(person.role), "via": person.via,
                                 "at": int(time.time())}
    csrf_token(request)


def flash(request: Request, kind: str, text: str) -> None:
    """A line for the next page: what an action did ("ok") or why it was refused ("refused")."""
    request.session["flash"] = {"kind": kind, "text": text}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    desk = desk_of(request)
    try:
        person: Person | None = person_of(request)
    except NotSignedIn:
        person = None
    page = desk.env.get_template(template).render(
        person=person, csrf=csrf_token(request), csrf_field=CSRF_FIELD, flash=request.session.pop("flash", None),
        organisation=desk.settings.organisation.name, path=request.url.path, **context)
    return HTMLResponse(page, status_code=status)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)  # after a POST: the browser GETs the page


def form_route(path: str, handler: FormHandler) -> Route:
    """A POST route whose form is refused (403) unless it carries the session's CSRF token; `handler` then runs
    in a worker thread with the form's fields. Every POST route of the desk is made here."""

    async def endpoint(request: Request) -> Response:
        async with request.form(max_files=0, max_fields=200) as form:
            if not csrf_ok(request, form.get(CSRF_FIELD)):
                raise Forbidden("this form did not come from a page of the desk, or has expired (CSRF check): "
                                "reload the page and try again")
            values: Values = {}
            for key, value in form.multi_items():
                if isinstance(value, str):
                    values.setdefault(key, []).append(value)
        return await run_in_threadpool(handler, request, values)

    endpoint.csrf_checked = True  # type: ignore[attr-defined]  # the route table's test looks for it
    return Route(path, endpoint, methods=["POST"])

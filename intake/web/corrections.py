"""Correcting the bot from the desk: open a case by hand (a letter, a call, a scan), read a message the bot set
aside and promote it to a case or onto one. Reclassifying a case is a form on its page. The work is
`intake.app.corrections`, as for `foi-intake cases open` and `messages promote`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from intake.app.corrections import HandMadeRequest, open_by_hand, promote
from intake.caselog import Message, utcnow
from intake.vocabulary import CASE_KINDS, DeskRole, MessageKind, Regime, RequestMethod
from intake.web.base import WebDesk, desk_of, flash, form_route, person_of, redirect, render
from intake.web.caseview import describe_data, message_text
from intake.web.forms import Values, one, optional_date
from intake.web.permissions import Forbidden, require_dsp
from responders.errors import ActionRefused, Refused

__all__ = ["routes"]

KINDS = sorted(CASE_KINDS)
METHODS = [m for m in RequestMethod if m != RequestMethod.EMAIL]


def _when(text: str, tz: ZoneInfo) -> datetime:
    """A date (noon, so the local day is right whatever the zone) or a local date and time, as the CLI reads it."""
    try:
        value = datetime.fromisoformat(text if "T" in text else f"{text}T12:00")
    except ValueError:
        raise ActionRefused(f"not a date: {text!r} (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _request(desk: WebDesk, v: Values) -> HandMadeRequest:
    tz = ZoneInfo(desk.settings.organisation.timezone)
    try:
        method, kind, regime = RequestMethod(one(v, "method")), MessageKind(one(v, "kind")), Regime(one(v, "regime"))
    except ValueError:
        raise ActionRefused("choose the method, kind and regime from the lists") from None
    name, description, received = one(v, "name"), one(v, "description"), one(v, "received")
    if not (name and description and received):
        raise ActionRefused("the date received, the requester's real name (FOIA s.8(1)(b)) and a description of "
                            "the information (s.8(1)(c)) are needed")
    questions = tuple(q.strip() for q in one(v, "questions").splitlines() if q.strip())
    return HandMadeRequest(method=method, received=_when(received, tz), name=name, description=description,
                           regime=regime, kind=kind, received_by_dsp=optional_date(v, "received_by_dsp"),
                           email=one(v, "email") or None, postal_address=one(v, "address") or None,
                           questions=questions, media=one(v, "media") == "on")


def _new_form(request: Request, status: int = 200, refused: str | None = None) -> Response:
    return render(request, "new_case.html.j2", status=status, refused=refused, methods=METHODS, kinds=KINDS,
                  regimes=list(Regime))


def new_case_page(request: Request) -> Response:
    require_dsp(person_of(request), "opening a case by hand")
    return _new_form(request)


def new_case(request: Request, values: Values) -> Response:
    desk, person = desk_of(request), person_of(request)
    require_dsp(person, "opening a case by hand")
    with desk.write_lock, desk.session() as s:
        try:
            case = open_by_hand(desk.app.intake, s, _request(desk, values), person.name, utcnow())
            s.commit()
        except Refused as exc:
            s.rollback()
            return _new_form(request, 409, str(exc))
        flash(request, "ok", f"{case.reference} opened ({case.kind}, {case.regime}, {case.method})"
              + ("" if case.requester_email else "; no email: answer by post"))
        reference = case.reference
    response = redirect(f"/cases/{reference}")
    response.background = BackgroundTask(desk.send_now)
    return response


def _message_page(request: Request, message_id: int, status: int = 200, refused: str | None = None) -> Response:
    desk = desk_of(request)
    if person_of(request).role == DeskRole.COMMS:
        raise Forbidden("messages are for the DSP team and viewers")
    with desk.session() as s:
        msg = s.get(Message, message_id)
        if msg is None:
            raise HTTPException(404, f"no message {message_id}")
        return render(request, "message.html.j2", status=status, refused=refused, message=msg,
                      triage=describe_data(dict(msg.triage or {})), text=message_text(msg.raw, msg.raw_is_complete),
                      reference=msg.case.reference if msg.case else None, kinds=KINDS, regimes=list(Regime))


def message_page(request: Request) -> Response:
    return _message_page(request, int(request.path_params["id"]))


def promote_message(request: Request, values: Values) -> Response:
    desk, person = desk_of(request), person_of(request)
    require_dsp(person, "promoting a message")
    message_id = int(request.path_params["id"])
    with desk.write_lock, desk.session() as s:
        try:
            regime, reason = one(values, "regime"), one(values, "reason")
            if not reason:
                raise ActionRefused("the reason is needed: why the bot was wrong, kept with the correction")
            case = promote(desk.app.intake, s, message_id, person.name, reason, to=one(values, "to") or None,
                           kind=MessageKind(one(values, "kind") or MessageKind.FOI_REQUEST),
                           regime=Regime(regime) if regime else None)
            s.commit()
        except ValueError:
            s.rollback()
            return _message_page(request, message_id, 409, "choose the kind and regime from the lists")
        except Refused as exc:
            s.rollback()
            return _message_page(request, message_id, 409, str(exc))
        flash(request, "ok", f"message {message_id} is now on {case.reference}")
        reference = case.reference
    response = redirect(f"/cases/{reference}")
    response.background = BackgroundTask(desk.send_now)
    return response


def routes() -> list[BaseRoute]:
    return [Route("/cases/new", new_case_page, methods=["GET"]), form_route("/cases/new", new_case),
            Route("/messages/{id:int}", message_page, methods=["GET"]),
            form_route("/messages/{id:int}/promote", promote_message)]

"""The case page and its forms: every action goes through the desk (`responders.desk`), as the command line's do,
with the signed-in person as the audit trail's actor; a refusal is the desk's own line."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from intake.caselog import Case, find_case, utcnow
from intake.private import private_dir
from intake.web.accounts import Person
from intake.web.base import WebDesk, desk_of, flash, form_route, person_of, redirect, render
from intake.web.caseview import case_view
from intake.web.forms import EXEMPTION_CHOICES, FORMS, Values, many, one
from intake.web.permissions import require_action, require_dsp, require_read
from intake.web.security import safe_next
from responders.drafts import build_draft, draft_regime
from responders.errors import Refused
from responders.exemptions import lookup
from responders.notify import case_context, organisation_context

__all__ = ["routes"]

log = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _case(s: Session, reference: str) -> Case:
    case = find_case(s, reference)
    if case is None:
        raise HTTPException(404, f"no case {reference}")
    return case


def _page(request: Request, desk: WebDesk, s: Session, case: Case, person: Person, template: str = "case.html.j2",
          status: int = 200, refused: str | None = None) -> Response:
    view = case_view(s, desk.settings, case, person, desk.today())
    return render(request, template, status=status, refused=refused, exemption_choices=EXEMPTION_CHOICES, **view)


def show(request: Request) -> Response:
    desk, person = desk_of(request), person_of(request)
    reference = request.path_params["reference"]
    with desk.session() as s:
        case = _case(s, reference)
        if case.reference != reference:  # renumbered by a correction: the old number still finds it
            return redirect(request.url.path.replace(reference, case.reference, 1))
        require_read(person, case)
        template = "signoff.html.j2" if request.url.path.endswith("/signoff") else "case.html.j2"
        return _page(request, desk, s, case, person, template)


def act(request: Request, values: Values) -> Response:
    """One action from its form: the role is checked here, everything else by the desk."""
    desk, person = desk_of(request), person_of(request)
    reference, name = request.path_params["reference"], request.path_params["action"]
    form = FORMS.get(name)
    if form is None:
        raise HTTPException(404, f"no action {name}")
    back = safe_next(one(values, "back"), f"/cases/{reference}")
    with desk.write_lock, desk.session() as s:
        case = _case(s, reference)
        require_action(person, name, case)
        try:
            done = desk.app.intake.desk.act(s, case, form.build(values, case), utcnow(), person.name)
            s.commit()
        except Refused as exc:
            s.rollback()
            log.info("%s: %s refused", reference, name)
            case = _case(s, reference)
            template = "signoff.html.j2" if back.endswith("/signoff") else "case.html.j2"
            return _page(request, desk, s, case, person, template, status=409, refused=str(exc))
        log.info("%s: %s by a %s officer", case.reference, name, person.role)
        notices = f"; {len(done.notices)} notice(s) queued, sending now" if done.notices else ""
        opened = f" ({done.opened})" if done.opened else ""
        flash(request, "ok", f"{case.reference}: {done.summary}{opened}{notices}")
        target = back.replace(reference, case.reference, 1)
    response = redirect(target)
    if done.notices:
        response.background = BackgroundTask(desk.send_now)
    return response


def draft(request: Request, values: Values) -> Response:
    """The response draft (.docx), as `foi-intake case REF draft` writes it, for the officer to edit in Word."""
    desk, person = desk_of(request), person_of(request)
    require_dsp(person, "drafting a response")
    with desk.session() as s:
        case = _case(s, request.path_params["reference"])
        try:
            exemptions = [lookup(code) for code in many(values, "exemption")]
            letter = build_draft(case_context(case, desk.settings), organisation_context(desk.settings),
                                 outcome=one(values, "outcome"), exemptions=exemptions,
                                 regime=draft_regime(case.regime, exemptions, one(values, "regime") or None),
                                 renderer=desk.app.intake.renderer)
        except Refused as exc:
            return _page(request, desk, s, case, person, status=409, refused=str(exc))
        with tempfile.TemporaryDirectory(prefix="foi-desk-draft-") as tmp:
            path = letter.write_docx(private_dir(Path(tmp)) / f"{case.reference}-response-draft.docx")
            body = path.read_bytes()
    return Response(body, media_type=DOCX, headers={
        "content-disposition": f'attachment; filename="{case.reference}-response-draft.docx"'})


def routes() -> list[BaseRoute]:
    return [Route("/cases/{reference}", show, methods=["GET"]),
            Route("/cases/{reference}/signoff", show, methods=["GET"]),
            form_route("/cases/{reference}/actions/{action}", act),
            form_route("/cases/{reference}/draft", draft)]

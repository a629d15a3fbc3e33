"""Reports: the figures of each law (`responders.reports`, as `foi-intake report` prints them), with bar charts
drawn as SVG on the server (no script), and search by reference, requester or text."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from intake.caselog import Case, Message, find_case
from intake.vocabulary import DeskRole
from intake.web.base import desk_of, form_route, person_of, redirect, render
from intake.web.forms import Values, one
from intake.web.permissions import require_reports, sees_case
from intake.web.worklist import officer_of
from responders.reports import Period, Report, build_report, render_text

__all__ = ["bars", "charts", "routes", "search_cases"]

SEARCH_LIMIT = 200


def bars(counts: dict[str, int]) -> list[dict[str, Any]]:
    """One bar per label, its length a share of the longest (the SVG's width in per cent)."""
    top = max(counts.values(), default=0)
    return [{"label": label, "value": value, "width": round(100 * value / top, 1) if top else 0}
            for label, value in counts.items()]


def charts(r: Report) -> list[dict[str, Any]]:
    code, co = r.code, r.cabinet_office
    timeliness = {"within the deadline": code.within_deadline, "with a lawful extension": code.with_lawful_extension,
                  "late": code.late, "not yet processed": code.not_yet_processed}
    return [{"title": "FOI/EIR requests by timeliness", "bars": bars(timeliness)},
            {"title": "Requests by regime", "bars": bars(dict(sorted(r.by_regime.items())))},
            {"title": "Outcomes", "bars": bars(dict(sorted(co.outcomes.items())))},
            {"title": "Exemptions applied", "bars": bars(dict(sorted(co.exemptions.items())))},
            {"title": "Subject access requests", "bars": bars({
                "within one month": r.sar.within_one_month, "within the extension": r.sar.within_extension,
                "late": r.sar.late, "open, overdue": r.sar.overdue})}]


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def report_page(request: Request) -> Response:
    desk = desk_of(request)
    require_reports(person_of(request))
    today = desk.today()
    start = _date(request.query_params.get("from", ""), date(today.year, 1, 1))
    end = _date(request.query_params.get("to", ""), today)
    if start > end:
        start, end = end, start
    with desk.session() as s:
        report = build_report(s, desk.settings, Period(start, end, ""), today)
    return render(request, "reports.html.j2", r=report, text=render_text(report), charts=charts(report),
                  start=start, end=end)


def search_cases(words: str, s: Session) -> list[Case]:
    """Cases whose reference, requester (name or address), description or message subjects contain the words."""
    pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    subjects = select(Message.case_id).where(Message.subject.ilike(pattern, escape="\\"))
    fields = (Case.reference, Case.former_reference, Case.requester_name, Case.requester_email,
              Case.requester_address, Case.description, cast(Case.questions, String))
    query = (select(Case).where(or_(*(f.ilike(pattern, escape="\\") for f in fields), Case.id.in_(subjects)))
             .order_by(Case.id.desc()).limit(SEARCH_LIMIT))
    return list(s.scalars(query))


def search_page(request: Request) -> Response:
    person_of(request)
    return render(request, "search.html.j2", query="", results=None)


def search(request: Request, values: Values) -> Response:
    """Searched by POST, so what was searched for (often a name) is never in a URL, a log or a Referer."""
    desk, person = desk_of(request), person_of(request)
    query = one(values, "q")
    if not query:
        return render(request, "search.html.j2", query="", results=None)
    with desk.session() as s:
        exact = find_case(s, query.upper())
        if exact is not None and sees_case(person, exact):
            return redirect(f"/cases/{exact.reference}")
        found = [c for c in search_cases(query, s) if sees_case(person, c)]
        results = [{"reference": c.reference, "status": c.status, "kind": c.kind, "regime": c.regime,
                    "requester_name": c.requester_name, "received": c.initial_received_at,
                    "description": (c.description or "")[:160], "officer": officer_of(c)} for c in found]
    return render(request, "search.html.j2", query=query, results=results,
                  limited=len(results) >= SEARCH_LIMIT, comms=person.role == DeskRole.COMMS)


def routes() -> list[BaseRoute]:
    return [Route("/reports", report_page, methods=["GET"]), Route("/search", search_page, methods=["GET"]),
            form_route("/search", search)]

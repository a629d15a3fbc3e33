"""The web desk over a real case log: sign-in, roles, CSRF, the desk's own guards and refusals, the audit trail's
actor, and what the responses say to browsers and proxies."""

from __future__ import annotations

import time
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from intake.caselog import Case, CaseEvent, find_case
from intake.cli.commands import main
from intake.vocabulary import DeskRole, EventType
from intake.web import create_app
from intake.web.accounts import Accounts
from intake.web.app import desk_routes
from tests.conftest import write_maildir_config
from tests.unit.web.conftest import Desk, csrf_of, sign_in, web_settings


def _events(desk: Desk, reference: str) -> list[CaseEvent]:
    with desk.app.sessions() as s:
        case = find_case(s, reference)
        assert case is not None
        return list(case.events)


def test_every_page_asks_for_sign_in_and_returns_there(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    for path in ("/", f"/cases/{reference}", "/reports", "/search", "/cases/new"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"csrf": token, "name": "alice", "password": "nope-nope-nope"})
    assert wrong.status_code == 401 and "The name or password is wrong" in wrong.text
    nobody = client.post("/login", data={"csrf": token, "name": "mallory", "password": "alice-password-1"})
    assert nobody.status_code == 401
    right = client.post("/login", data={"csrf": token, "name": "alice", "password": "alice-password-1",
                                        "next": f"/cases/{reference}"})
    assert right.status_code == 303 and right.headers["location"] == f"/cases/{reference}"
    offsite = client.post("/login", data={"csrf": csrf_of(client.get("/").text), "name": "alice",
                                          "password": "alice-password-1", "next": "//evil.example/"})
    assert offsite.headers["location"] == "/"


def test_a_form_without_the_sessions_csrf_token_is_refused(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    token = sign_in(client, "alice")
    for data in ({"ask": "Which years?"}, {"ask": "Which years?", "csrf": "forged"}):
        response = client.post(f"/cases/{reference}/actions/clarify", data=data)
        assert response.status_code == 403 and "CSRF" in response.text
    assert [e.type for e in _events(desk, reference)] == [EventType.RECEIVED]
    other = desk.client()
    other_token = sign_in(other, "alice")
    assert other_token != token  # each session its own token: another session's is no use here
    assert client.post(f"/cases/{reference}/actions/note", data={"text": "x", "csrf": other_token}).status_code == 403
    assert client.post(f"/cases/{reference}/actions/note", data={"text": "x", "csrf": token}).status_code == 303


def test_every_post_route_checks_the_csrf_token() -> None:
    posts = [r for r in desk_routes() if "POST" in (getattr(r, "methods", None) or ())]
    assert len(posts) >= 7
    assert all(getattr(r.endpoint, "csrf_checked", False) for r in posts)  # type: ignore[attr-defined]


def test_an_action_records_the_person_and_follows_the_desks_guards(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    token = sign_in(client, "alice")
    done = client.post(f"/cases/{reference}/actions/clarify", data={"csrf": token, "ask": "Which years?"})
    assert done.status_code == 303 and done.headers["location"] == f"/cases/{reference}"
    page = client.get(done.headers["location"]).text
    assert "clarification requested" in page and "awaiting_clarification" in page
    asked = _events(desk, reference)[1]
    assert (asked.type, asked.actor, asked.data["ask"]) == (EventType.CLARIFICATION_REQUESTED, "alice", "Which years?")
    # The same action again: refused by the lifecycle with its own line, as the command line refuses it.
    again = client.post(f"/cases/{reference}/actions/clarify", data={"csrf": token, "ask": "And months?"})
    assert again.status_code == 409
    assert f"{reference} is awaiting_clarification, not open" in again.text
    assert 'id="action-clarify"' not in again.text and 'id="action-clarified"' in again.text


def test_the_case_page_offers_only_what_the_state_allows(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    sign_in(client, "alice")
    page = client.get(f"/cases/{reference}").text
    for offered in ("clarify", "fee", "extend", "respond", "transfer", "note", "reclassify"):
        assert f'id="action-{offered}"' in page
    for absent in ("clarified", "fee-paid", "reopen", "review-close", "id-request", "comms-signoff"):
        assert f'id="action-{absent}"' not in page
    for part in ("The record (policy 7.5)", "Day by day", "Every rule: 1 hit, 1 missed", "Audit trail"):
        assert part in page


def test_a_media_response_waits_for_communications_who_sign_off_media_cases_only(desk: Desk) -> None:
    media, plain = desk.add_case(flags=("media",)), desk.add_case(name="Pat Other")
    dsp, comms = desk.client(), desk.client()
    dsp_token, comms_token = sign_in(dsp, "alice"), sign_in(comms, "carol")
    respond = {"csrf": dsp_token, "outcome": "granted"}
    early = dsp.post(f"/cases/{media}/actions/respond", data=respond)
    assert early.status_code == 409 and "needs Communications' sign-off" in unescape(early.text)
    # Communications: the media case and its sign-off page, nothing else.
    assert comms.get(f"/cases/{plain}").status_code == 403
    assert plain not in comms.get("/").text and media in comms.get("/").text
    signoff_page = comms.get(f"/cases/{media}/signoff").text
    assert 'id="action-comms-signoff"' in signoff_page and 'id="action-respond"' not in signoff_page
    refused = comms.post(f"/cases/{media}/actions/respond", data={**respond, "csrf": comms_token})
    assert refused.status_code == 403 and "for the DSP team" in refused.text
    signed = comms.post(f"/cases/{media}/actions/comms-signoff",
                        data={"csrf": comms_token, "back": f"/cases/{media}/signoff"})
    assert signed.status_code == 303 and signed.headers["location"] == f"/cases/{media}/signoff"
    assert "Communications signed off: carol" in comms.get(signed.headers["location"]).text
    assert dsp.post(f"/cases/{media}/actions/respond", data=respond).status_code == 303
    types = [(e.type, e.actor) for e in _events(desk, media)]
    assert (EventType.COMMS_SIGNOFF, "carol") in types and (EventType.RESPONDED, "alice") in types


def test_a_viewer_reads_and_is_refused_every_action(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    token = sign_in(client, "victor")
    page = client.get(f"/cases/{reference}").text
    assert "Read-only" in page and 'id="action-' not in page
    for action, data in (("note", {"text": "hello"}), ("clarify", {"ask": "Which?"})):
        response = client.post(f"/cases/{reference}/actions/{action}", data={"csrf": token, **data})
        assert response.status_code == 403 and "read-only (viewer)" in response.text
    assert client.get("/cases/new").status_code == 403
    assert client.get("/reports").status_code == 200
    assert [e.type for e in _events(desk, reference)] == [EventType.RECEIVED]


def test_search_is_posted_so_a_name_is_never_in_an_address(desk: Desk) -> None:
    desk.add_case(name="Margaret Hale")
    other = desk.add_case(name="Tom Jones")
    client = desk.client()
    token = sign_in(client, "alice")
    found = client.post("/search", data={"csrf": token, "q": "margaret"})
    assert found.status_code == 200 and "Margaret Hale" in found.text and "Tom Jones" not in found.text
    assert "hip operations" in client.post("/search", data={"csrf": token, "q": "HIP OPER"}).text
    exact = client.post("/search", data={"csrf": token, "q": other.lower()})
    assert exact.status_code == 303 and exact.headers["location"] == f"/cases/{other}"
    assert client.get("/search?q=margaret").status_code == 200  # the query string is ignored
    assert "Margaret Hale" not in client.get("/search?q=margaret").text


def test_responses_tell_browsers_and_proxies_to_keep_nothing(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    sign_in(client, "alice")
    response = client.get(f"/cases/{reference}")
    headers = response.headers
    assert headers["cache-control"] == "no-store"
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert "<script" not in response.text and "style=" not in response.text  # nothing inline for the CSP to allow
    assert client.get("/static/desk.css").headers.get("cache-control") != "no-store"


def test_the_session_cookie_is_httponly_samesite_and_secure_when_configured(desk: Desk) -> None:
    plain = desk.client().get("/login").headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    assert desk.settings.web.accounts is not None
    secure = web_settings(desk.settings.web.accounts.parent, secure_cookies=True)  # the default
    cookie = TestClient(create_app(secure, desk.app)).get("/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_a_case_renumbered_by_a_correction_is_found_by_its_old_number(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    token = sign_in(client, "alice")
    moved = client.post(f"/cases/{reference}/actions/reclassify",
                        data={"csrf": token, "regime": "sar", "reason": "her own records"})
    assert moved.status_code == 303 and moved.headers["location"].startswith("/cases/SAR-")
    old = client.get(f"/cases/{reference}")
    assert old.status_code == 303 and old.headers["location"] == moved.headers["location"]
    with desk.app.sessions() as s:
        case = s.scalar(select(Case).where(Case.former_reference == reference))
        assert case is not None
        assert [e.actor for e in case.events if e.type == EventType.RECLASSIFIED] == ["alice"]


def test_communications_see_no_more_than_the_media_alert_shows(desk: Desk) -> None:
    media = desk.add_case(flags=("media",))
    comms, dsp = desk.client(), desk.client()
    sign_in(comms, "carol")
    sign_in(dsp, "alice")
    assert "jo@example.org" in dsp.get(f"/cases/{media}").text
    page = comms.get(f"/cases/{media}").text
    assert "jo@example.org" not in page and "not shown to Communications" in page
    assert "How long?" in page and "Jo Bloggs" in page  # what is asked, and by whom: as the alert says


def test_a_sign_in_ends_when_its_account_goes_or_its_time_is_up(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    client = desk.client()
    sign_in(client, "victor")
    assert client.get("/").status_code == 200
    assert desk.settings.web.accounts is not None
    Accounts(desk.settings.web.accounts).add("victor", DeskRole.DSP, "victor-password-1")
    assert "victor (dsp)" in client.get("/").text  # a changed role applies at once
    Accounts(desk.settings.web.accounts).remove("victor")
    assert client.get("/").status_code == 303
    sign_in(client, "alice")
    later = time.time() + desk.settings.web.session_minutes * 60 + 1
    monkeypatch.setattr("intake.web.base.time.time", lambda: later)
    assert client.get("/").status_code == 303  # however busy: the sign-in lasts session_minutes


def test_serve_refuses_to_start_without_a_session_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_maildir_config(tmp_path)
    assert main(["--config", str(config), "init"]) == 0
    assert main(["--config", str(config), "serve"]) == 1
    assert capsys.readouterr().err.startswith("foi-intake: web.secret_file or web.secret_env: foi-intake serve signs")

"""The desk's other pages over a real case log: the work list's filters and order, the reports, a response
draft, a case opened by hand and a message promoted to a case, as the DSP team uses them."""

from __future__ import annotations

import mailbox
import re
from io import BytesIO

from docx import Document
from sqlalchemy import select

from intake.caselog import Case, Message
from intake.vocabulary import EventType
from tests.mail import request
from tests.unit.web.conftest import Desk, sign_in


def _order(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/cases/([A-Z]+-\d{4}-\d{5})"', body)


def test_the_work_list_filters_and_sorts(desk: Desk) -> None:
    foi, eir, media = desk.add_case(), desk.add_case(regime="eir"), desk.add_case(flags=("media",))
    client = desk.client()
    token = sign_in(client, "alice")
    assert client.post(f"/cases/{eir}/actions/clarify", data={"csrf": token, "ask": "Which sites?"}).status_code == 303
    page = client.get("/").text
    assert _order(page, "open") == [foi, media, eir]  # by due date; a stopped clock has none, so last
    assert _order(page, "stopped") == [eir] and "awaiting clarification; lapses on" in page
    assert _order(client.get("/?regime=eir").text, "open") == [eir]
    assert _order(client.get("/?queue=media").text, "open") == [media]
    assert _order(client.get("/?officer=alice").text, "open") == [eir]
    assert _order(client.get("/?state=open&sort=reference&desc=1").text, "open") == [media, foi]


def test_the_reports_show_the_figures_with_charts(desk: Desk) -> None:
    desk.add_case(flags=("media",))
    client = desk.client()
    sign_in(client, "victor")
    page = client.get("/reports?from=2026-01-01&to=2026-12-31").text
    assert "policy 31.2" in page and "Subject access requests (UK GDPR Art 12(3)" in page  # the CLI's own text
    assert 'aria-label="FOI/EIR requests by timeliness"' in page and 'aria-label="Requests by regime"' in page
    assert re.search(r"<th>Requests received \(FOI and EIR\)</th><td>1</td>", page)
    assert re.search(r"<th>Media requests</th><td>1</td>", page)


def test_a_response_draft_downloads_as_a_word_document(desk: Desk) -> None:
    reference = desk.add_case()
    client = desk.client()
    token = sign_in(client, "alice")
    draft = client.post(f"/cases/{reference}/draft", data={"csrf": token, "outcome": "part", "exemption": "s43"})
    assert draft.status_code == 200
    assert draft.headers["content-disposition"] == f'attachment; filename="{reference}-response-draft.docx"'
    text = "\n".join(p.text for p in Document(BytesIO(draft.content)).paragraphs)
    assert reference in text and "Section 43" in text
    refused = client.post(f"/cases/{reference}/draft", data={"csrf": token, "outcome": "refused"})
    assert refused.status_code == 409 and "must name the exemptions" in refused.text


def test_a_letter_is_opened_by_hand(desk: Desk) -> None:
    client = desk.client()
    token = sign_in(client, "alice")
    form = {"csrf": token, "method": "post", "received": "2026-11-16", "name": "Margaret Hale",
            "address": "1 Mill Lane, Leeds LS6 2AB", "description": "Car parking income", "kind": "foi_request",
            "regime": "foi", "questions": "How much?\nSince when?"}
    opened = client.post("/cases/new", data=form)
    assert opened.status_code == 303
    reference = opened.headers["location"].removeprefix("/cases/")
    with desk.app.sessions() as s:
        case = s.scalar(select(Case).where(Case.reference == reference))
        assert case is not None and case.method == "post" and case.questions == ["How much?", "Since when?"]
        assert case.events[0].actor == "alice"
    phoned = client.post("/cases/new", data={**form, "method": "phone"})
    assert phoned.status_code == 409 and "made in writing" in phoned.text


def test_a_message_the_bot_set_aside_is_promoted(desk: Desk) -> None:
    assert desk.settings.mailbox.path is not None
    mailbox.Maildir(desk.settings.mailbox.path).add(request(
        sender="Jo Bloggs <jo@example.org>", subject="Opening hours",
        body="Hello, what time does the Exampleton walk-in centre open on Saturdays?\n\nJo Bloggs\n"))
    desk.app.poll_and_flush()
    desk.app.lease.release()
    with desk.app.sessions() as s:
        [message] = s.scalars(select(Message)).all()
        assert message.case_id is None
    client = desk.client()
    token = sign_in(client, "alice")
    assert "walk-in centre" in client.get(f"/messages/{message.id}").text
    refused = client.post(f"/messages/{message.id}/promote", data={"csrf": token, "kind": "foi_request"})
    assert refused.status_code == 409 and "the reason is needed" in refused.text
    promoted = client.post(f"/messages/{message.id}/promote",
                           data={"csrf": token, "kind": "foi_request", "reason": "asks for recorded information"})
    assert promoted.status_code == 303
    with desk.app.sessions() as s:
        case = s.scalar(select(Case))
        assert case is not None and promoted.headers["location"] == f"/cases/{case.reference}"
        assert [e.actor for e in case.events if e.type == EventType.PROMOTED] == ["alice"]

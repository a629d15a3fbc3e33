"""Notice templates: every one renders in text and HTML from a complete context, and says what the law needs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from responders.exemptions import lookup
from responders.render import Renderer, longdate, longdatetime, money, plural, shortdate, strip_numbering, wrap

LONDON = ZoneInfo("Europe/London")
TEMPLATES_DIR = Path(__file__).resolve().parents[3] / "responders" / "templates"
SCRIPT = "<script>alert(1)</script>"

ORG: dict[str, Any] = {
    "name": "NHS Example Integrated Care Board",
    "foi_address": "foi.requests@example-icb.nhs.uk",
    "dsp_address": "dsp.team@example-icb.nhs.uk",
    "comms_address": "communications@example-icb.nhs.uk",
    "signature": "Freedom of Information Officer",
    "review_contact": "the Associate Director of Governance, NHS Example ICB, 1 High Street, Exampleton EX1 1AA "
                      "(governance@example-icb.nhs.uk)",
    "how_to_pay": "Pay by bank transfer to sort code 00-00-00, account 12345678.",
    "sar_contact": "dpo@example-icb.nhs.uk",
    "sar_identification": "a copy of one document that confirms your identity (for example a passport or driving "
                          "licence) and one that confirms your address",
    "website": "https://example-icb.nhs.uk",
    "publication_scheme_url": "https://example-icb.nhs.uk/publication-scheme",
    "desk_url": "",
}
REQUESTER_EMAIL = "ada.lovelace@example.org"
CASE: dict[str, Any] = {
    "reference": "FOI-2026-00042",
    "requester_name": f"Ada {SCRIPT} Lovelace",
    "regime": "foi",
    "received": date(2026, 10, 19),
    "due": date(2026, 11, 16),
    "description": "BODY-TEXT-MARKER waiting times for hip operations",
    "questions": [f"1. How many patients {SCRIPT} waited more than 18 weeks for a hip operation in 2025?",
                  "2. What was the median wait, by month?"],
    "kind": "request",
}
NOW = datetime(2026, 10, 20, 9, 5, tzinfo=LONDON)


def row(reference: str = "FOI-2026-00042", **over: Any) -> dict[str, Any]:
    return {"reference": reference, "requester_name": f"Ada {SCRIPT}", "kind": "request", "regime": "foi",
            "due": date(2026, 11, 16), "state": "open", "note": "waits for the fee", **over}


EXTRA: dict[str, dict[str, Any]] = {
    "acknowledgement": {},
    "clarification": {
        "missing": [{"part": "name", "label": "your real name",
                     "why": "The law (section 8(1)(b) of the Act) needs the name of the person asking."}],
        "ask": "Which hospital do you mean?", "restart": "afresh", "lapse_on": date(2027, 1, 20)},
    "fees": {"amount": Decimal("1234.5"), "breakdown": "Printing 2,000 pages at 10p: £200.00\nPostage: £1,034.50",
             "lapse_on": date(2027, 1, 19)},
    "extension": {"reason": "pit", "exemptions": [lookup("s31").as_dict()], "new_due": date(2026, 12, 14),
                  "original_due": date(2026, 11, 16)},
    "sar_notice": {},
    "sar_id_request": {"ask": None},
    "sar_clarification": {"ask": "Which years of your GP records do you want?"},
    "sar_extension": {"reason": "Your records span twelve years and three systems.",
                      "original_due": date(2026, 11, 19), "new_due": date(2027, 1, 19)},
    "fee_paid": {"paid_on": date(2026, 10, 30), "new_due": date(2026, 11, 27)},
    "review_extension": {"reason": "The review needs advice from three directorates.",
                         "original_due": date(2026, 11, 16), "new_due": date(2026, 12, 14)},
    "reuse_extension": {"reason": "The request covers 40 datasets.", "original_due": date(2026, 11, 16),
                        "new_due": date(2026, 12, 14)},
    "publication_scheme": {"url": "https://example-icb.nhs.uk/publication-scheme/board-papers"},
    "review_acknowledgement": {"original_reference": "FOI-2026-00001", "decide_by": date(2026, 11, 17)},
    "reuse_acknowledgement": {"answer_by": date(2026, 11, 18)},
    "lapse": {"reason": "clarification", "since": date(2026, 7, 1)},
    "transfer": {"authority": "NHS England", "authority_contact": "england.contactus@nhs.net"},
    "media_alert": {"outlet": "Exampleton Gazette"},
    "reminder": {"days_left": 5, "state": "open"},
    "overdue": {"days_late": 3},
    "digest": {"new_by_queue": {"new": [row()], "media": [row("FOI-2026-00043")]},
               "due_soon": [row("FOI-2026-00044")], "overdue": [row("FOI-2026-00045", note=None)],
               "stopped": [row("FOI-2026-00046", due=None)], "lapsing": [row("FOI-2026-00047")],
               "needs_person": [{"id": 7, "subject": f"Re: {SCRIPT}", "problem": "sender could not be read",
                                 "received": datetime(2026, 10, 19, 23, 30, tzinfo=UTC)}]},
}
TEMPLATES = sorted(EXTRA)
TO_REQUESTER = ["acknowledgement", "clarification", "fees", "extension", "sar_notice", "review_acknowledgement",
                "reuse_acknowledgement", "lapse", "transfer"]
REFUSE_OR_PAUSE = ["clarification", "fees", "extension", "lapse", "transfer"]
# The dates each notice must state, in "Monday 16 November 2026" form.
KEY_DATES: dict[str, list[str]] = {
    "acknowledgement": ["Monday 19 October 2026", "Monday 16 November 2026"],
    "clarification": ["Monday 19 October 2026", "Wednesday 20 January 2027"],
    "fees": ["Tuesday 19 January 2027"],
    "extension": ["Monday 14 December 2026", "Monday 16 November 2026"],
    "sar_notice": ["Monday 19 October 2026", "Monday 16 November 2026"],
    "review_acknowledgement": ["Tuesday 17 November 2026"],
    "sar_id_request": ["Monday 19 October 2026"],
    "sar_clarification": ["Monday 19 October 2026"],
    "sar_extension": ["Thursday 19 November 2026", "Tuesday 19 January 2027"],
    "fee_paid": ["Friday 30 October 2026", "Friday 27 November 2026"],
    "review_extension": ["Monday 16 November 2026", "Monday 14 December 2026"],
    "reuse_extension": ["Monday 16 November 2026", "Monday 14 December 2026"],
    "publication_scheme": ["Monday 19 October 2026"],
    "reuse_acknowledgement": ["Wednesday 18 November 2026"],
    "lapse": ["Wednesday 1 July 2026"],
    "transfer": ["Monday 19 October 2026"],
    "media_alert": ["Monday 16 November 2026"],
    "reminder": ["Monday 16 November 2026"],
    "overdue": ["Monday 16 November 2026"],
    "digest": ["Tuesday 20 October 2026"],
}


def context(name: str, *, case: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"org": ORG, "now": NOW}
    if name != "digest":
        base["case"] = {**CASE, **(case or {})}
    return {**base, **EXTRA[name], **extra}


def flat(text: str) -> str:
    """Text with its wrapping undone, to look for phrases that may cross a line break."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def render(renderer: Renderer, name: str, **kw: Any) -> tuple[str, str]:
    return renderer.render(name, context(name, **kw))


def test_the_sample_covers_every_built_in_template() -> None:
    names = {p.name.split(".")[0] for p in TEMPLATES_DIR.glob("*.j2") if not p.name.startswith("_")}
    assert names == set(TEMPLATES)
    for name in names:
        assert (TEMPLATES_DIR / f"{name}.txt.j2").is_file() and (TEMPLATES_DIR / f"{name}.html.j2").is_file()


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_text_and_html(renderer: Renderer, name: str) -> None:
    text, html = render(renderer, name)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "None" not in text and "None" not in html
    # Plain text is wrapped; only a line holding a URL may run long.
    assert all(len(line) <= 76 or "://" in line for line in text.splitlines()), text
    # ...and ends with the signature block.
    tail = text.rstrip().splitlines()[-3:]
    last = ORG["sar_contact"] if name.startswith("sar_") else ORG["foi_address"]
    assert tail[-2:] == [ORG["name"], last]
    if not name.startswith("sar_"):
        assert ORG["signature"] in tail[0]


@pytest.mark.parametrize("name", TEMPLATES)
def test_text_names_the_reference_and_the_key_dates(renderer: Renderer, name: str) -> None:
    text, html = render(renderer, name)
    assert "FOI-2026-00042" in text and "FOI-2026-00042" in html
    for day in KEY_DATES[name]:
        assert day in text, (name, day)
        assert day in html, (name, day)


@pytest.mark.parametrize("name", TEMPLATES)
def test_html_escapes_requester_text(renderer: Renderer, name: str) -> None:
    text, html = render(renderer, name)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>" in text  # plain text carries it as the plain data it is


@pytest.mark.parametrize("name", TEMPLATES)
def test_a_missing_variable_is_an_error_not_a_blank(renderer: Renderer, name: str) -> None:
    full = context(name)
    for key in [*EXTRA[name], "org", *(["case"] if name != "digest" else [])]:
        partial = {k: v for k, v in full.items() if k != key}
        with pytest.raises(UndefinedError):
            renderer.render(name, partial)
    if name != "digest":
        with pytest.raises(UndefinedError):
            renderer.render(name, {**full, "case": {k: v for k, v in CASE.items() if k != "reference"}})


@pytest.mark.parametrize("name", TO_REQUESTER)
def test_requester_notices_greet_by_name_or_sir_or_madam(renderer: Renderer, name: str) -> None:
    text, html = render(renderer, name, case={"requester_name": None})
    assert "Dear Sir or Madam" in text and "Yours faithfully" in text
    assert "Dear Sir or Madam" in html
    text, _ = render(renderer, name)
    assert f"Dear Ada {SCRIPT} Lovelace" in text and "Yours sincerely" in text


@pytest.mark.parametrize("name", REFUSE_OR_PAUSE)
@pytest.mark.parametrize("regime", ["foi", "eir"])
def test_refusing_or_pausing_notices_name_the_review_route_and_the_ico(renderer: Renderer, name: str,
                                                                       regime: str) -> None:
    text, html = render(renderer, name, case={"regime": regime})
    for part in (text, html):
        words = flat(re.sub(r"<br>", " ", part))
        assert "internal review" in words
        assert ORG["review_contact"] in words
        for line in ("FOI/EIR Complaints Resolution", "Information Commissioner's Office", "Wycliffe House",
                     "Water Lane", "Wilmslow", "Cheshire", "SK9 5AF", "0303 123 1113", "https://ico.org.uk/concerns/"):
            assert line in words, (name, line)
    assert ("regulation 11" in flat(text)) is (regime == "eir")


def test_acknowledgement_names_the_regime_in_words(renderer: Renderer) -> None:
    foi, _ = render(renderer, "acknowledgement", case={"regime": "foi"})
    assert "Freedom of Information Act 2000" in flat(foi) and "Environmental" not in foi
    assert "20 working days" in flat(foi) and "clarify" in foi and "fee" in foi
    eir, _ = render(renderer, "acknowledgement", case={"regime": "eir"})
    assert "Environmental Information Regulations 2004" in flat(eir) and "Freedom of Information Act" not in eir
    both, html = render(renderer, "acknowledgement", case={"regime": "foi+eir"})
    assert "Freedom of Information Act 2000" in flat(both)
    assert "Environmental Information Regulations 2004" in flat(both)
    assert "Environmental Information Regulations 2004" in html
    unknown, _ = render(renderer, "acknowledgement", case={"regime": None, "due": None})
    assert "Freedom of Information Act 2000" in flat(unknown) and "within 20 working days" in flat(unknown)


def test_acknowledgement_restates_the_questions_without_double_numbers(renderer: Renderer) -> None:
    text, html = render(renderer, "acknowledgement")
    assert "  1. How many patients" in text and "1. 1." not in text
    assert "<li" in html and "1. How many" not in html
    text, _ = render(renderer, "acknowledgement", case={"questions": []})
    assert "BODY-TEXT-MARKER" in text


def test_clarification_names_exactly_the_missing_parts_and_the_lapse_date(renderer: Renderer) -> None:
    text, html = render(renderer, "clarification")
    words = flat(text)
    assert "Your real name" in words and "section 8(1)(b)" in words
    assert "address for correspondence" not in words and "description of the information" not in words
    assert "Which hospital do you mean?" in words
    assert "Wednesday 20 January 2027" in words and "close your request" in words
    assert "reply to this email" in words.lower()
    assert "The 20 working days will start again from the day we receive your reply." in words
    assert "refuse" not in words.lower()

    missing = [{"part": "address", "label": "an address for correspondence",
                "why": "Section 8(1)(b) of the Act needs an address we can reply to."},
               {"part": "description", "label": "a description of the information you want",
                "why": "Section 8(1)(c) of the Act needs a description of the information."}]
    text, html = render(renderer, "clarification", missing=missing, ask=None, restart="resume")
    words = flat(text)
    assert "An address for correspondence" in words and "A description of the information you want" in words
    assert "real name" not in words and "clarify one thing" not in words
    assert "the clock will restart from where it stopped" in words
    assert html.count("<li>") == 2


def test_fees_notice_states_amount_pause_three_months_and_rights(renderer: Renderer) -> None:
    text, html = render(renderer, "fees")
    words = flat(text)
    assert "£1,234.50" in words and "£1,234.50" in html
    assert "Printing 2,000 pages at 10p: £200.00\nPostage: £1,034.50" in text
    assert ORG["how_to_pay"] in words
    assert "paused" in words and "section 10(2)" in words
    assert "three months" in words and "Tuesday 19 January 2027" in words and "section 9(2)" in words
    assert "with the fee we have asked for" in words and "internal review" in words
    assert "Information Commissioner's Office" in words


def test_extension_names_the_exemption_and_the_new_date(renderer: Renderer) -> None:
    text, html = render(renderer, "extension")
    words = flat(text)
    assert "section 31" in words and "Law enforcement" in words and "qualified" in words
    assert "Monday 14 December 2026" in words and "section 10(3)" in words.lower() and "section 17(2)" in words
    assert "Law enforcement" in html
    eir, _ = render(renderer, "extension", case={"regime": "eir"}, reason="eir", exemptions=[])
    words = flat(eir)
    assert "regulation 7(1)" in words.lower() and "40 working days" in words and "Monday 14 December 2026" in words
    assert "section 10(3)" not in words.lower()
    # An EIR case speaks EIR whatever reason it is given: the Regulations have no public interest extension.
    for part in render(renderer, "extension", case={"regime": "eir"}, exemptions=[lookup("reg12(5)(e)").as_dict()]):
        assert "regulation 7(1)" in part.lower() and "section 10(3)" not in part.lower()
        assert "regulation 12(5)(e)" in part and "Freedom of Information Act" not in part.split("complain")[0]
    mixed = flat(render(renderer, "extension", case={"regime": "foi+eir"})[0])
    assert "the part of it we are answering under the Freedom of Information Act 2000" in mixed


def test_sar_notice_is_data_protection_only(renderer: Renderer) -> None:
    text, html = render(renderer, "sar_notice")
    for part in (text, html):
        assert "Freedom of Information" not in part
        assert "FOI Act" not in part and "public interest" not in part
    words = flat(text)
    assert "one calendar month" in words and "Monday 16 November 2026" in words
    assert "subject access request" in words and "UK General Data Protection Regulation" in words
    assert ORG["sar_identification"] in words and ORG["sar_contact"] in words


def test_review_acknowledgement_explains_the_procedure(renderer: Renderer) -> None:
    text, _ = render(renderer, "review_acknowledgement")
    words = flat(text)
    assert "FOI-2026-00001" in words and "Tuesday 17 November 2026" in words and "20 working days" in words
    assert "not involved in the original decision" in words and "uphold" in words and "reverse" in words
    assert "Wycliffe House" in words
    text, _ = render(renderer, "review_acknowledgement", original_reference=None, case={"regime": "eir"})
    assert "the way we handled your request" in flat(text) and "regulation 11(4)" in flat(text)
    assert "your representations" in flat(text) and "40 working days" in flat(text)


def test_reuse_and_lapse_and_transfer(renderer: Renderer) -> None:
    words = flat(render(renderer, "reuse_acknowledgement")[0])
    assert "Re-use of Public Sector Information Regulations 2015" in words and "20 working days" in words
    words = flat(render(renderer, "lapse")[0])
    assert "closed" in words and "new request" in words and "three months" in words
    words = flat(render(renderer, "lapse", reason="fee")[0])
    assert "fees notice" in words and "section 9(2)" in words
    words = flat(render(renderer, "transfer")[0])
    assert "do not hold" in words and "NHS England" in words and "england.contactus@nhs.net" in words
    words = flat(render(renderer, "transfer", authority_contact=None)[0])
    assert "NHS England." in words


def test_media_alert_carries_the_least_data(renderer: Renderer) -> None:
    # The requester's address is in the context under a stray key: the template must not print it.
    ctx = context("media_alert")
    ctx["case"] = {**ctx["case"], "requester_email": REQUESTER_EMAIL}
    text, html = renderer.render("media_alert", ctx)
    for part in (text, html):
        assert REQUESTER_EMAIL not in part
        assert set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", part)) <= {ORG["foi_address"]}
        assert "BODY-TEXT-MARKER" not in part  # the questions say what is asked; nothing more
        assert "Exampleton Gazette" in part
    words = flat(text)
    assert "waited more than 18 weeks" in words and "median wait" in words
    assert "cannot be sent until Communications sign off" in words
    assert "foi-intake case FOI-2026-00042 comms-signoff" in text
    text, _ = render(renderer, "media_alert", case={"questions": []}, outlet=None)
    assert "BODY-TEXT-MARKER" in text and "not stated" in text


def test_reminder_and_overdue_count_working_days(renderer: Renderer) -> None:
    assert "in 5 working days" in flat(render(renderer, "reminder")[0])
    assert "in 1 working day," in flat(render(renderer, "reminder", days_left=1)[0])
    assert "due today" in flat(render(renderer, "reminder", days_left=0)[0])
    text = flat(render(renderer, "overdue")[0])
    assert "OVERDUE" in text and "3 working days late" in text


def test_digest_lists_each_section_and_says_none_when_empty(renderer: Renderer) -> None:
    text, html = render(renderer, "digest")
    for ref in ("FOI-2026-00042", "FOI-2026-00043", "FOI-2026-00044", "FOI-2026-00045", "FOI-2026-00046",
                "FOI-2026-00047"):
        assert ref in text and ref in html
    assert "waits for the fee" in text and "#7" in text
    assert "Tuesday 20 October 2026 at 00:30" in text  # 23:30 UTC is the next day in London (BST)
    assert "none" not in text.split("New cases")[1].split("--")[0].replace("(no subject)", "")

    empty = {"new_by_queue": {}, "due_soon": [], "overdue": [], "stopped": [], "lapsing": [], "needs_person": []}
    text, html = renderer.render("digest", {"org": ORG, "now": NOW, **empty})
    assert re.findall(r"^\s+none$", text, re.M) == ["  none"] * 6
    assert html.count("<p>none</p>") == 6
    text, _ = renderer.render("digest", {"org": ORG, "now": NOW, **empty, "new_by_queue": {"media": []}})
    assert "media (0):\n    none" in text


def test_an_override_directory_replaces_a_built_in_template(tmp_path: Path) -> None:
    (tmp_path / "acknowledgement.txt.j2").write_text("Custom {{ case.reference }} by {{ case.due | longdate }}\n")
    text, html = Renderer(tmp_path).render("acknowledgement", context("acknowledgement"))
    assert text == "Custom FOI-2026-00042 by Monday 16 November 2026\n"
    assert "Our reference: FOI-2026-00042" in html  # the HTML part is still the built-in one
    assert Renderer().render("acknowledgement", context("acknowledgement"))[0].startswith("Dear Ada")


def test_filters() -> None:
    assert money(Decimal("1234.5")) == "£1,234.50"
    assert money(0) == "£0.00" and money("12.345") == "£12.35" and money(Decimal("-3")) == "-£3.00"
    assert longdate(date(2026, 11, 16)) == "Monday 16 November 2026"
    assert shortdate(date(2026, 11, 16)) == "16 Nov 2026"
    assert longdatetime(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), LONDON) == "Wednesday 1 July 2026 at 09:30"
    assert longdatetime(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), "Europe/London").endswith("09:30")
    assert plural(1, "working day") == "1 working day" and plural(2, "working day") == "2 working days"
    assert strip_numbering("1. What?") == "What?" and strip_numbering("Q2: Why?") == "Why?"
    assert strip_numbering("(3) How?") == "How?" and strip_numbering("1.5 million what?") == "1.5 million what?"
    wrapped = wrap("x" * 60 + " by Monday 16 November 2026, as promised.", 76)
    assert "Monday 16 November 2026" in wrapped.splitlines()[1]
    item = wrap("  1. " + "word " * 30, 40).splitlines()
    assert item[0].startswith("  1. word") and all(line.startswith("     word") for line in item[1:])
    assert wrap("a\n\nb") == "a\n\nb"


def test_reply_subject_never_stacks_our_reference_whatever_its_format() -> None:
    from responders.compose import reply_subject

    assert reply_subject("REQ/2027/7", "Re: [REQ/2027/7] Re: Parking") == "[REQ/2027/7] Re: Parking"
    assert reply_subject("FOI-2026-00042", "RE: [FOI-2026-00042] Waiting") == "[FOI-2026-00042] Re: Waiting"


def test_a_welsh_request_is_told_in_welsh_that_the_reply_will_be_in_welsh(renderer: Renderer) -> None:
    for welsh, plain in zip(render(renderer, "acknowledgement", case={"welsh": True}),
                            render(renderer, "acknowledgement"), strict=True):
        assert "yn Gymraeg" in welsh and "response to you in Welsh" in flat(welsh) and "Gymraeg" not in plain
    digest = {"new_by_queue": {"new": [row(welsh=True)]}, "due_soon": [row("FOI-2026-00044")]}
    assert all(part.count("[reply in Welsh]") == 1 for part in render(renderer, "digest", **digest))


def test_a_review_acknowledgement_without_the_original_reference_asks_for_it(renderer: Renderer) -> None:
    named, _ = render(renderer, "review_acknowledgement")
    assert "our response to your request FOI-2026-00001" in flat(named) and "please reply with it" not in named
    for part in render(renderer, "review_acknowledgement", original_reference=None):
        assert "If you have our reference for your original request, please reply with it" in flat(part)

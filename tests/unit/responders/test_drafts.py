"""Response-letter drafts (text and .docx) and the exemption table they draw on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from responders.drafts import ANSWER_SLOT, Draft, build_draft
from responders.exemptions import ALL, EIR, FOIA, Exemption, lookup

SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "000_62355385b31a30de.txt"

# The five question lines of the seed response letter (public), verbatim.
SEED_QUESTIONS = [
    "1. What was the annual turnover and revenue (£m) of your organisation in 19 / 20 and 20 / 21",
    "2. How many full time employees make up your organisation's workforce?",
    "3. Do you currently outsource any employment/HR, finance or procurement services and if so which service and "
    "to who?",
    "4. Does your organisation currently plan to outsource any corporate services in employment/HR, finance or "
    "procurement services in the future? If so, which one?",
    "5. What third-party technologies or suppliers does your organisation use for the following:",
]
QUESTIONS = [q.split(". ", 1)[1] for q in SEED_QUESTIONS]

ORG: dict[str, Any] = {
    "name": "NHS Example Integrated Care Board",
    "foi_address": "foi.requests@example-icb.nhs.uk",
    "signature": "Freedom of Information Officer",
    "review_contact": "Lucy Example, Associate Director of Governance, governance@example-icb.nhs.uk, or by writing "
                      "to NHS Example ICB, 1 High Street, Exampleton, EX1 1AA",
}
CASE: dict[str, Any] = {"reference": "FOI-2026-00042", "requester_name": None, "regime": "foi",
                        "received": date(2026, 10, 19), "due": date(2026, 11, 16), "description": None,
                        "questions": SEED_QUESTIONS, "kind": "request"}
ICO_LINES = ["FOI/EIR Complaints Resolution", "Information Commissioner's Office", "Wycliffe House", "Water Lane",
             "Wilmslow", "Cheshire", "SK9 5AF"]


def flat(text: str) -> str:
    return " ".join(text.split())


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(str(path)).paragraphs]


@pytest.fixture(scope="module")
def part_s31() -> Draft:
    return build_draft(CASE, ORG, outcome="part", exemptions=[lookup("s31")])


def test_the_question_literals_are_the_seed_letters() -> None:
    if not SEED.is_file():
        pytest.skip("seed letter not present")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert [line.strip() for line in lines if line[:3] in {f"{n}. " for n in range(1, 6)}] == SEED_QUESTIONS


def test_part_with_s31_text_restates_every_question_with_an_answer_slot(part_s31: Draft) -> None:
    text = part_s31.text()
    words = flat(text)
    position = 0
    for number, question in enumerate(QUESTIONS, start=1):
        found = words.find(f"{number}. {question} {ANSWER_SLOT}", position)
        assert found >= position, (number, question)
        position = found
    assert words.count(ANSWER_SLOT) == 5
    assert "1. 1." not in words
    assert all(len(line) <= 78 or "://" in line for line in text.splitlines())
    # The seed letter's shape: s.1(1), the exemption, its public interest test, review, ICO, re-use.
    assert "section 1(1) of the Freedom of Information Act 2000 that we do hold the information" in words
    assert "\nSection 31: Law enforcement\n" in text
    assert "Section 31 is a qualified exemption" in words
    for heading in ("Public Interest Test", "Considerations in favour of disclosure",
                    "Considerations in favour of withholding", "Balance test"):
        assert f"\n{heading}\n" in text
    assert "section 17(1)" in words
    assert "internal review procedure" in words and flat(ORG["review_contact"]) in words
    for line in ICO_LINES:
        assert line in text
    assert "0303 123 1113" in words and "https://ico.org.uk/concerns/" in words
    assert "Open Government Licence" in words and "Re-use of Public Sector Information Regulations 2015" in words
    assert "Dear Sir or Madam" in text and "Yours faithfully" in text
    assert "Freedom of Information Officer on behalf of NHS Example Integrated Care Board" in words
    assert text.index("Public Interest Test") < text.index("internal review") < text.index("Open Government")


def test_part_with_s31_docx_has_the_same_letter(part_s31: Draft, tmp_path: Path) -> None:
    path = part_s31.write_docx(tmp_path / "out" / "FOI-2026-00042.docx")
    assert path == tmp_path / "out" / "FOI-2026-00042.docx" and path.is_file()
    paragraphs = docx_paragraphs(path)
    numbered = [i for i, (style, _) in enumerate(paragraphs) if style == "List Number"]
    assert [paragraphs[i][1] for i in numbered] == QUESTIONS
    assert all(paragraphs[i + 1] == ("Normal", ANSWER_SLOT) for i in numbered)
    assert ("Heading 1", "RE: Freedom of Information Request FOI-2026-00042") in paragraphs
    assert ("Heading 2", "Section 31: Law enforcement") in paragraphs
    assert ("Heading 3", "Public Interest Test") in paragraphs
    for heading in ("Considerations in favour of disclosure", "Considerations in favour of withholding",
                    "Balance test"):
        assert ("Heading 4", heading) in paragraphs
    body = "\n".join(text for _, text in paragraphs)
    assert ORG["review_contact"] in body
    for line in ICO_LINES:
        assert line in body
    assert "Open Government Licence" in body
    document = docx.Document(str(path))
    assert document.core_properties.title == "FOI-2026-00042: draft response (part)"
    highlighted = [run.text for p in document.paragraphs for run in p.runs if run.font.highlight_color is not None]
    assert ANSWER_SLOT in highlighted


def test_given_answers_fill_their_slots(tmp_path: Path) -> None:
    draft = build_draft(CASE, ORG, outcome="granted", answers={1: "£1,234m in 2019/20; £1,301m in 2020/21",
                                                               5: "See the attached spreadsheet."})
    words = flat(draft.text())
    assert f"1. {QUESTIONS[0]} £1,234m in 2019/20; £1,301m in 2020/21 2." in words
    assert f"5. {QUESTIONS[4]} See the attached spreadsheet." in words
    assert words.count(ANSWER_SLOT) == 3
    assert "Public Interest Test" not in words and "refusal notice" not in words
    paragraphs = docx_paragraphs(draft.write_docx(tmp_path / "granted.docx"))
    assert ("Normal", "See the attached spreadsheet.") in paragraphs


def test_refused_with_s40_2_names_it_and_the_rights() -> None:
    draft = build_draft({**CASE, "requester_name": "Ms Ada Lovelace"}, ORG, outcome="refused", exemptions=["s40(2)"])
    text = draft.text()
    words = flat(text)
    assert "\nSection 40(2): Personal information (of other people)\n" in text
    assert "exempt under section 40(2) of the FOI Act" in words
    assert "However, it is exempt from disclosure" in words and "section 17(1)" in words
    assert "data protection principles" in words
    assert flat(ORG["review_contact"]) in words and "Wycliffe House" in words
    assert "Dear Ms Ada Lovelace" in text and "Yours sincerely" in text


def test_absolute_exemption_has_no_public_interest_test() -> None:
    words = flat(build_draft(CASE, ORG, outcome="refused", exemptions=["s21"]).text())
    assert "Section 21 is an absolute exemption" in words and "Public Interest Test" not in words


def test_not_held_says_so(tmp_path: Path) -> None:
    draft = build_draft(CASE, ORG, outcome="not-held")
    words = flat(draft.text())
    assert "that we do not hold the information that you have requested" in words
    assert "we do hold" not in words and "Public Interest Test" not in words
    assert "Wycliffe House" in words and "Open Government Licence" in words
    assert draft.write_docx(tmp_path / "nh.docx").is_file()


def test_eir_draft_uses_the_regulations() -> None:
    draft = build_draft({**CASE, "regime": "eir"}, ORG, outcome="part", exemptions=["reg12(5)(e)"], regime="eir")
    text = draft.text()
    words = flat(text)
    assert "RE: Environmental Information Request" in text
    assert "regulation 5(1) of the Environmental Information Regulations 2004" in words
    assert "section 1(1)" not in words and "section 17" not in words
    assert "\nRegulation 12(5)(e): Confidentiality of commercial or industrial information\n" in text
    assert "regulation 12(2)" in words and "Public Interest Test" in words and "regulation 14" in words
    assert "regulation 11 of the Environmental Information Regulations 2004" in words
    assert "Wycliffe House" in words and "Open Government Licence" in words
    not_held = flat(build_draft(CASE, ORG, outcome="not-held", regime="eir").text())
    assert "Regulation 12(4)(a)" in not_held and "do not hold" in not_held


def test_a_question_less_case_restates_its_description() -> None:
    words = flat(build_draft({**CASE, "questions": [], "description": "Agency spend"}, ORG, outcome="granted").text())
    assert f"1. Agency spend {ANSWER_SLOT}" in words


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"outcome": "refused"}, "must name the exemptions"),
    ({"outcome": "part"}, "must name the exemptions"),
    ({"outcome": "granted", "exemptions": ["s31"]}, "relies on no exemption"),
    ({"outcome": "declined"}, "outcome must be one of"),
    ({"outcome": "granted", "regime": "sar"}, "regime must be"),
    ({"outcome": "refused", "exemptions": ["s43"], "regime": "eir"}, "EIR exceptions"),
    ({"outcome": "refused", "exemptions": ["reg13"]}, "FOIA exemption"),
    ({"outcome": "granted", "answers": {6: "x"}}, "answers for questions [6]"),
])
def test_build_draft_rejects_what_the_law_does_not_allow(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_draft(CASE, ORG, **kwargs)


@pytest.mark.parametrize(("code", "section"), [
    ("s31", "31"), ("31", "31"), ("s.31", "31"), ("section 31", "31"), ("Section 31(1)(a)", "31"),
    ("s40(2)", "40(2)"), ("40(2)", "40(2)"), ("s40(1)", "40(1)"), ("s22A", "22A"), ("22a", "22A"),
    ("reg12(4)(b)", "12(4)(b)"), ("12(4)(b)", "12(4)(b)"), ("r13", "13"), ("regulation 12(5)(e)", "12(5)(e)"),
])
def test_lookup_accepts_the_usual_spellings(code: str, section: str) -> None:
    assert lookup(code).section == section


@pytest.mark.parametrize("code", ["s99", "s40", "12(4)", "r31", "s13", "", "reg12(6)(a)"])
def test_lookup_rejects_unknown_codes_clearly(code: str) -> None:
    with pytest.raises(KeyError, match=r"not a known|ambiguous"):
        lookup(code)


def test_the_exemption_table_matches_appendix_a() -> None:
    assert list(FOIA) == ["21", "22", "22a", "23", "24", "26", "27", "28", "29", "30", "31", "32", "33", "34",
                          "35", "36", "37", "38", "39", "40(1)", "40(2)", "41", "42", "43", "44"]
    assert {e.section for e in FOIA.values() if e.absolute} == {"21", "23", "32", "34", "40(1)", "41", "44"}
    assert lookup("s36").kind == "qualified"  # absolute only for the Houses of Parliament
    assert list(EIR) == ["12(4)(a)", "12(4)(b)", "12(4)(c)", "12(4)(d)", "12(4)(e)", "12(5)(a)", "12(5)(b)",
                         "12(5)(c)", "12(5)(d)", "12(5)(e)", "12(5)(f)", "12(5)(g)", "13"]
    assert not any(e.absolute for e in EIR.values())
    assert lookup("r13").data_protection and lookup("s40(2)").data_protection and not lookup("s31").data_protection
    assert len(ALL) == 38 and all(isinstance(e, Exemption) and e.summary.endswith(".") for e in ALL)
    assert lookup("s31").as_dict() == {
        "section": "31", "title": "Law enforcement", "kind": "qualified", "absolute": False,
        "summary": lookup("s31").summary, "regime": "foi", "ref": "section 31",
        "heading": "Section 31: Law enforcement", "data_protection": False}
    assert lookup("reg12(4)(b)").heading == "Regulation 12(4)(b): Manifestly unreasonable requests"

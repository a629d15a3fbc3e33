"""EIR and mixed FOI+EIR response drafts: each part under its own law, in one letter (policy 2.8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from responders.drafts import ANSWER_SLOT, build_draft
from tests.unit.responders.test_desk_cli import REFERENCE, case, config  # noqa: F401  (config: the fixture)

ORG: dict[str, Any] = {"name": "NHS Example ICB", "foi_address": "foi@example-icb.nhs.uk"}
MIXED: dict[str, Any] = {
    "reference": "FOI-2026-00050", "requester_name": "Jo Bloggs", "regime": "foi+eir", "received": date(2026, 11, 2),
    "questions": ["The electricity consumption in kWh of each site.", "The number of agency nurses employed.",
                  "The tonnes of clinical waste produced."]}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_mixed_letter_answers_each_part_under_its_own_law() -> None:
    text = build_draft(MIXED, ORG, outcome="part", exemptions=["s43", "reg12(5)(e)"], regime="foi+eir").text()
    words = flat(text)
    assert "RE: Freedom of Information and Environmental Information Request" in words
    assert "(question 2), I can confirm in accordance with section 1(1) of the Freedom of Information Act" in words
    assert ("(questions 1, 3), I can confirm in accordance with regulation 5(1) of the Environmental Information "
            "Regulations 2004") in words
    # The questions once, in the requester's order, each with its answer slot.
    assert words.count(ANSWER_SLOT) == 3 and words.index("1. The electricity") < words.index("2. The number")
    foi = text.index("\nOther information: the Freedom of Information Act 2000\n")
    eir = text.index("\nEnvironmental information: the Environmental Information Regulations 2004\n")
    assert foi < text.index("Section 43: Commercial interests") < eir
    assert eir < text.index("Regulation 12(5)(e): Confidentiality") < text.index("If you are unhappy")
    assert "section 17(1) of the Act" in flat(text[foi:eir]) and "regulation 14" not in text[foi:eir]
    eir_part = flat(text[eir:text.index("If you are unhappy")])
    assert "regulation 14 of the Regulations" in eir_part and "section 17" not in eir_part
    assert "presumption in favour of disclosure (regulation 12(2))" in eir_part and "regulation 12(1)(b)" in eir_part
    assert "representations under regulation 11" in words and "within 40 working days" in words
    assert "under the Act and the Regulations" in words


def test_a_mixed_refusal_naming_only_an_foi_exemption_answers_the_eir_part_in_full() -> None:
    words = flat(build_draft(MIXED, ORG, outcome="refused", exemptions=["s43"], regime="foi+eir").text())
    assert "Regulations 2004 that we do hold the information that you have requested. In the request" in words
    assert "Environmental information: the Environmental" not in words and "Section 43" in words


def test_a_mixed_letter_is_one_word_document(tmp_path: Path) -> None:
    draft = build_draft(MIXED, ORG, outcome="not-held", regime="foi+eir")
    paragraphs = [(p.style.name, p.text) for p in docx.Document(str(draft.write_docx(tmp_path / "m.docx"))).paragraphs]
    assert [t for s, t in paragraphs if s == "List Number"] == MIXED["questions"]
    body = flat("\n".join(t for _, t in paragraphs))
    assert "section 1(1) of the Freedom of Information Act 2000 that we do not hold" in body
    assert "regulation 5(1) of the Environmental Information Regulations 2004 that we do not hold" in body
    assert "Regulation 12(4)(a)" in body


def test_the_draft_command_writes_one_letter_for_a_mixed_case(config: Path, tmp_path: Path,  # noqa: F811
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "drafts"
    assert case(config, "draft", "--outcome", "refused", "--exemption", "reg 12(5)(a)", "--exemption", "s43",
                "--out", str(out)) == 0
    words = flat((out / f"{REFERENCE}-response-draft.txt").read_text())
    assert "Section 43: Commercial interests" in words and "Regulation 12(5)(a): International relations" in words
    assert "(question 1), I can confirm in accordance with section 1(1)" in words
    assert "(question 2), I can confirm in accordance with regulation 5(1)" in words
    assert "draft written to" in capsys.readouterr().out


def test_a_welsh_request_draft_tells_the_officer_to_reply_in_welsh() -> None:
    welsh = build_draft({**MIXED, "flags": ["eir", "welsh"]}, ORG, outcome="granted", regime="foi+eir")
    assert welsh.blocks[0].text.startswith("[Officer: this request was written in Welsh")
    assert "written in Welsh" not in build_draft(MIXED, ORG, outcome="granted", regime="foi+eir").text()

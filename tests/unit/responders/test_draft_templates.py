"""Response drafts are Jinja2 templates: the blocks they render to, the law a letter answers under, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.vocabulary import Regime
from responders.drafts import Block, build_draft, draft_regime, parse_blocks
from responders.errors import DraftRefused, Refused
from responders.exemptions import lookup
from responders.render import Renderer

CASE = {"reference": "FOI-2026-00042", "requester_name": "Jo Bloggs", "questions": ["How many?"]}
ORG = {"name": "NHS Example ICB", "foi_address": "foi@example-icb.nhs.uk"}


def test_prose_is_joined_and_lines_are_kept() -> None:
    text = "ignored\n::para\nOne sentence\n  wrapped for reading.\n\n::lines\nA\nB\n::answer\n[Answer]\n"
    assert parse_blocks(text) == [Block("para", "One sentence wrapped for reading."), Block("lines", "A\nB"),
                                  Block("answer", "[Answer]")]


@pytest.mark.parametrize(("case_regime", "codes", "asked", "expected"), [
    (Regime.FOI, [], None, Regime.FOI),
    (Regime.EIR, [], None, Regime.EIR),
    # A mixed case is one letter with a part under each law (policy 2.8), whatever its exemptions.
    (Regime.FOI_EIR, [], None, Regime.FOI_EIR),
    (Regime.FOI_EIR, ["reg12(5)(a)"], None, Regime.FOI_EIR),
    (Regime.FOI_EIR, ["s43"], None, Regime.FOI_EIR),
    (Regime.FOI_EIR, ["s43", "reg12(5)(a)"], None, Regime.FOI_EIR),
    (Regime.FOI_EIR, ["s43", "reg12(5)(a)"], "eir", Regime.EIR),
    (Regime.SAR, [], None, Regime.FOI),
])
def test_the_law_a_letter_answers_under(case_regime: str, codes: list[str], asked: str | None,
                                        expected: Regime) -> None:
    assert draft_regime(case_regime, [lookup(c) for c in codes], asked) == expected


def test_an_exemption_of_the_other_law_is_refused_in_one_line() -> None:
    with pytest.raises(DraftRefused, match="use the EIR exceptions") as caught:
        build_draft({**CASE, "regime": "eir"}, ORG, outcome="part", exemptions=["s43", "reg12(5)(a)"],
                    regime=draft_regime(Regime.EIR, [lookup("s43")]))
    assert isinstance(caught.value, Refused) and "\n" not in str(caught.value)


def test_an_organisation_may_override_a_part_of_the_letter(tmp_path: Path) -> None:
    (tmp_path / "_draft_rights.j2").write_text("::para\nWrite to {{ review_contact }}.\n")
    draft = build_draft(CASE, {**ORG, "review_contact": "the Governance Team"}, outcome="granted",
                        renderer=Renderer(tmp_path))
    assert draft.blocks[-1] == Block("para", "Write to the Governance Team.")
    assert Block("question", "How many?") in draft.blocks

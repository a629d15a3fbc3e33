"""Response-letter and refusal-notice drafts for the DSP team, shaped like the seed response letter.

A draft restates the request's questions one by one with an answer slot under each, gives the "we do / do not
hold" sentence (FOIA s.1(1); EIR reg 5(1)), explains each exemption or exception relied on (with a public
interest test to complete for a qualified one), and closes with the internal review route, the ICO and the
re-use terms. An officer completes the bracketed placeholders; nothing here is sent automatically.

A mixed FOI+EIR case is one letter (policy 2.8): the questions once, then a part under each law with its own
confirmation (s.1(1) / reg 5(1)), refusal notice (s.17 / reg 14) and exemptions or exceptions.

The words are Jinja2 templates (`templates/_draft.j2`, `_draft_confirm.j2`, `_draft_refusal.j2`,
`_draft_exemption.j2`, `_draft_rights.j2`), which an
organisation may override like any notice; this module checks what is asked, renders them and writes the result
as text or a Word document.

A refusal (outcome "refused" or "part") must name what it relies on, so that the letter is a refusal notice
(FOIA s.17(1), (7); EIR reg 14); refusals under s.12 (cost) or s.14 (vexatious, repeated) are not drafted here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from classifier.environment import environmental_questions
from classifier.lexicon import Lexicon
from intake.private import private_dir, write_private
from intake.vocabulary import Outcome, Regime
from responders.errors import DraftRefused
from responders.exemptions import Exemption, lookup
from responders.render import Renderer, strip_numbering, wrap

__all__ = ["ANSWER_SLOT", "TEMPLATE", "Block", "Draft", "build_draft", "draft_regime", "parse_blocks"]

REGIMES = (Regime.FOI, Regime.EIR, Regime.FOI_EIR)
ANSWER_SLOT = "[Answer]"

TEMPLATE = "_draft.j2"  # and the partials it includes; overridable like any notice template
# A line "::kind" starts each block of the rendered letter.
_MARKER = re.compile(r"^::(heading[1-4]|para|question|answer|lines)$")
# Blocks whose lines are one paragraph of prose (the template wraps them for reading).
_PROSE = ("para", "heading1", "heading2", "heading3", "heading4")
_PLACEHOLDER = re.compile(r"(\[[^\[\]]+\])")


@dataclass(frozen=True)
class Block:
    """One piece of the letter: `kind` is heading1-4, para, question, answer or lines (an address)."""

    kind: str
    text: str


@dataclass
class Draft:
    reference: str
    outcome: str
    regime: str
    title: str
    author: str
    blocks: list[Block] = field(default_factory=list)

    def text(self, width: int = 78) -> str:
        """The letter as plain text, wrapped at `width`; questions numbered, each answer slot under its question."""
        out: list[str] = []
        number = 0
        for block in self.blocks:
            if block.kind == "question":
                number += 1
                lines = block.text.split("\n")
                body = "\n".join([f"{number}. {lines[0]}", *(f"   {line}" for line in lines[1:])])
                out.append(("\n" if out else "") + wrap(body, width))
            elif block.kind == "answer":
                out.append(wrap("\n".join(f"   {line}" for line in block.text.split("\n")), width))
            else:
                out.append(("\n" if out else "") + wrap(block.text, width))
        return "\n".join(out) + "\n"

    def write_docx(self, path: str | Path) -> Path:
        """Write the letter as a Word document (python-docx, built-in styles only) and return its path.

        Placeholders in [square brackets] are highlighted for the officer to complete."""
        from docx import Document
        from docx.enum.text import WD_COLOR_INDEX
        from docx.shared import Cm, Pt

        path = Path(path)
        doc = Document()
        normal = doc.styles["Normal"]
        normal.font.name = "Arial"
        normal.font.size = Pt(11)
        props = doc.core_properties
        props.title = self.title
        props.subject = self.reference
        props.author = self.author
        props.comments = "Draft response prepared by foi-intake: complete the highlighted placeholders."

        def add_runs(paragraph: Any, text: str, *, bold: bool = False) -> None:
            for i, line in enumerate(text.split("\n")):
                if i:
                    paragraph.add_run().add_break()
                for piece in _PLACEHOLDER.split(line):
                    if not piece:
                        continue
                    run = paragraph.add_run(piece)
                    run.bold = bold or None
                    if _PLACEHOLDER.fullmatch(piece):
                        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

        for block in self.blocks:
            if block.kind.startswith("heading"):
                heading = doc.add_heading(level=int(block.kind[-1]))
                add_runs(heading, block.text)
            elif block.kind == "question":
                add_runs(doc.add_paragraph(style="List Number"), block.text)
            elif block.kind == "answer":
                answer = doc.add_paragraph()
                answer.paragraph_format.left_indent = Cm(0.63)
                add_runs(answer, block.text)
            elif block.kind == "lines":
                add_runs(doc.add_paragraph(), block.text)
            else:
                add_runs(doc.add_paragraph(), block.text)
        buffer = io.BytesIO()
        doc.save(buffer)
        private_dir(path.parent)
        return write_private(path, buffer.getvalue())  # a draft names the requester: owner-only


def _get(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    value = mapping.get(key, default)
    return default if value is None else value


def _questions(case: Mapping[str, Any]) -> list[str]:
    questions = [strip_numbering(str(q)) for q in (_get(case, "questions", ()) or ()) if str(q).strip()]
    if questions:
        return questions
    description = str(_get(case, "description", "")).strip()
    return [description or "[Restate the request]"]


def _exemptions(given: Iterable[Exemption | str], regime: str) -> list[Exemption]:
    found: list[Exemption] = []
    for item in given:
        exemption = item if isinstance(item, Exemption) else lookup(item)
        # FOIA s.39 sends environmental information to the EIR; the EIR's exceptions are not FOIA exemptions.
        if regime != Regime.FOI_EIR and exemption.regime != regime:
            raise DraftRefused(
                f"{exemption.heading} cannot be relied on for a request under "
                f"{'the EIR: use the EIR exceptions (FOIA s.39)' if regime == 'eir' else 'FOIA: use a FOIA exemption'}")
        if exemption not in found:
            found.append(exemption)
    return found


def draft_regime(case_regime: str | None, exemptions: Sequence[Exemption], asked: str | None = None) -> Regime:
    """The law a response letter answers under: `asked` if given; a mixed FOI+EIR case is answered in one letter
    with a part under each law (policy 2.8); otherwise the case's regime, FOIA for anything else."""
    if asked:
        return Regime(asked)
    if case_regime in (Regime.EIR, Regime.FOI_EIR):
        return Regime(case_regime)
    return Regime.FOI


def _parts(questions: Sequence[str], outcome: str, used: Sequence[Exemption]) -> list[dict[str, Any]]:
    """The FOI part and the EIR part of a mixed letter: which questions each answers, and what each relies on.

    A part that names nothing to withhold is answered in full; one question's law is the classifier's guess."""
    env = environmental_questions(Lexicon(), questions)
    parts: list[dict[str, Any]] = []
    for law in (Regime.FOI, Regime.EIR):
        mine = [e for e in used if e.regime == law]
        part_outcome = outcome if mine or not Outcome(outcome).refuses else Outcome.GRANTED
        numbers = [n for n, is_env in enumerate(env, start=1) if is_env == (law == Regime.EIR)]
        parts.append({"regime": law, "eir": law == Regime.EIR, "outcome": str(part_outcome), "exemptions": mine,
                      "numbers": numbers})
    return parts


def parse_blocks(text: str) -> list[Block]:
    """The blocks of a rendered draft template: prose joined into one line, the others kept line by line."""
    blocks: list[Block] = []
    kind: str | None = None
    lines: list[str] = []

    def close() -> None:
        if kind is not None:
            body = " ".join(line.strip() for line in lines if line.strip()) if kind in _PROSE else \
                "\n".join(lines).strip("\n")
            blocks.append(Block(kind, body))

    for line in text.split("\n"):
        marker = _MARKER.match(line.strip())
        if marker:
            close()
            kind, lines = marker.group(1), []
        elif kind is not None:
            lines.append(line)
    close()
    return blocks


@cache
def _default_renderer() -> Renderer:
    return Renderer()


def build_draft(case: Mapping[str, Any], org: Mapping[str, Any], *, outcome: str,
                exemptions: Sequence[Exemption | str] = (), answers: Mapping[int, str] | None = None,
                regime: str = "foi", on: date | None = None, renderer: Renderer | None = None) -> Draft:
    """The draft response to `case` for `outcome` (granted | part | refused | not-held) under `regime`.

    `answers` maps question numbers (1-based, as restated in the letter) to answer text; the others get an
    "[Answer]" slot. `exemptions` are Exemption objects or codes for `lookup` ("s31", "reg12(5)(e)"); a refusal
    ("refused", "part") needs at least one, the other outcomes none. `on` is the letter's date ("[Date]" if
    not given). The letter is the template `_draft.j2`, rendered by `renderer` (one with the organisation's
    template directory, if it overrides it)."""
    if outcome not in list(Outcome):
        raise DraftRefused(f"outcome must be one of {', '.join(Outcome)}, not {outcome!r}")
    if regime not in REGIMES:
        raise DraftRefused(f"regime must be 'foi', 'eir' or 'foi+eir', not {regime!r}")
    used = _exemptions(exemptions, regime)
    if Outcome(outcome).refuses and not used:
        raise DraftRefused(f"a {outcome!r} response must name the exemptions relied on (FOIA s.17(1); EIR reg 14)")
    if not Outcome(outcome).refuses and used:
        raise DraftRefused(f"a {outcome!r} response relies on no exemption; use 'part' or 'refused'")
    questions = _questions(case)
    answers = dict(answers or {})
    stray = sorted(k for k in answers if not 1 <= k <= len(questions))
    if stray:
        raise DraftRefused(f"answers for questions {stray} but the request has {len(questions)} question(s)")

    reference = str(case["reference"])
    org_name = str(org["name"])
    foi_address = str(org["foi_address"])
    received = _get(case, "received")
    context = {
        "reference": reference, "org_name": org_name, "foi_address": foi_address, "outcome": outcome,
        "eir": regime == Regime.EIR, "mixed": regime == Regime.FOI_EIR,
        "parts": _parts(questions, outcome, used) if regime == Regime.FOI_EIR else [],
        "welsh": bool(_get(case, "welsh", False)) or "welsh" in (_get(case, "flags", ()) or ()),
        "requester": _get(case, "requester_name", ""), "on": on,
        "received": received if isinstance(received, date) else None,
        "signature": str(_get(org, "signature", "") or "Freedom of Information Officer"),
        "review_contact": str(_get(org, "review_contact", "")
                              or f"the Freedom of Information Officer at {foi_address}"),
        "questions": questions, "answers": answers, "answer_slot": ANSWER_SLOT, "exemptions": used,
    }
    text = (renderer or _default_renderer()).env.get_template(TEMPLATE).render(context)
    blocks = parse_blocks(text)
    return Draft(reference=reference, outcome=outcome, regime=regime,
                 title=f"{reference}: draft response ({outcome})", author=org_name, blocks=blocks)

"""Response-letter and refusal-notice drafts for the DSP team, shaped like the seed response letter.

A draft restates the request's questions one by one with an answer slot under each, gives the "we do / do not
hold" sentence (FOIA s.1(1); EIR reg 5(1)), explains each exemption or exception relied on (with a public
interest test to complete for a qualified one), and closes with the internal review route, the ICO and the
re-use terms. An officer completes the bracketed placeholders; nothing here is sent automatically.

A refusal (outcome "refused" or "part") must name what it relies on, so that the letter is a refusal notice
(FOIA s.17(1), (7); EIR reg 14); refusals under s.12 (cost) or s.14 (vexatious, repeated) are not drafted here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from intake.vocabulary import Outcome, Regime
from responders.errors import DraftRefused
from responders.exemptions import Exemption, lookup
from responders.render import longdate, strip_numbering, wrap

__all__ = ["ANSWER_SLOT", "Block", "Draft", "build_draft", "draft_regime"]

REGIMES = (Regime.FOI, Regime.EIR)
ANSWER_SLOT = "[Answer]"

ICO_ADDRESS = (
    "FOI/EIR Complaints Resolution",
    "Information Commissioner's Office",
    "Wycliffe House",
    "Water Lane",
    "Wilmslow",
    "Cheshire",
    "SK9 5AF",
    "Telephone 0303 123 1113 or report a concern: https://ico.org.uk/concerns/",
)
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

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
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(path))
        return path


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
        if exemption.regime != regime:
            raise DraftRefused(
                f"{exemption.heading} cannot be relied on for a request under "
                f"{'the EIR: use the EIR exceptions (FOIA s.39)' if regime == 'eir' else 'FOIA: use a FOIA exemption'}")
        if exemption not in found:
            found.append(exemption)
    return found


def draft_regime(case_regime: str | None, exemptions: Sequence[Exemption], asked: str | None = None) -> Regime:
    """The law a response letter answers under. A mixed FOI+EIR case is answered in two letters, one per law:
    without `asked`, the law its exemptions (FOIA) or exceptions (EIR) belong to, FOIA when none is named."""
    if asked:
        return Regime(asked)
    if case_regime == Regime.EIR:
        return Regime.EIR
    if case_regime != Regime.FOI_EIR:
        return Regime.FOI
    laws = {Regime(e.regime) for e in exemptions}
    if len(laws) > 1:
        raise DraftRefused("one letter answers under one law: draft the FOIA part (--regime foi, with its "
                           "exemptions) and the EIR part (--regime eir, with its exceptions) separately")
    return laws.pop() if laws else Regime.FOI


def build_draft(case: Mapping[str, Any], org: Mapping[str, Any], *, outcome: str,
                exemptions: Sequence[Exemption | str] = (), answers: Mapping[int, str] | None = None,
                regime: str = "foi", on: date | None = None) -> Draft:
    """The draft response to `case` for `outcome` (granted | part | refused | not-held) under `regime`.

    `answers` maps question numbers (1-based, as restated in the letter) to answer text; the others get an
    "[Answer]" slot. `exemptions` are Exemption objects or codes for `lookup` ("s31", "reg12(5)(e)"); a refusal
    ("refused", "part") needs at least one, the other outcomes none. `on` is the letter's date ("[Date]" if
    not given)."""
    if outcome not in list(Outcome):
        raise DraftRefused(f"outcome must be one of {', '.join(Outcome)}, not {outcome!r}")
    if regime not in REGIMES:
        raise DraftRefused(f"regime must be 'foi' or 'eir', not {regime!r} (draft the parts of a mixed request "
                         "separately)")
    used = _exemptions(exemptions, regime)
    if outcome in ("refused", "part") and not used:
        raise DraftRefused(f"a {outcome!r} response must name the exemptions relied on (FOIA s.17(1); EIR reg 14)")
    if outcome in ("granted", "not-held") and used:
        raise DraftRefused(f"a {outcome!r} response relies on no exemption; use 'part' or 'refused'")
    questions = _questions(case)
    answers = dict(answers or {})
    stray = sorted(k for k in answers if not 1 <= k <= len(questions))
    if stray:
        raise DraftRefused(f"answers for questions {stray} but the request has {len(questions)} question(s)")

    reference = str(case["reference"])
    name = str(org["name"])
    foi_address = str(org["foi_address"])
    signature = str(_get(org, "signature", "") or "Freedom of Information Officer")
    review_contact = str(_get(org, "review_contact", "") or f"the Freedom of Information Officer at {foi_address}")
    requester = _get(case, "requester_name", "")
    received = _get(case, "received")
    eir = regime == "eir"
    law = "the Environmental Information Regulations 2004" if eir else "the Freedom of Information Act 2000"
    short = "the Regulations" if eir else "the Act"
    short_name = "EIR" if eir else "FOI Act"

    blocks: list[Block] = []

    def add(kind: str, text: str) -> None:
        blocks.append(Block(kind, text))

    add("lines", f"{name}\n{foi_address}")
    add("lines", f"Our reference: {reference}\nDate: {longdate(on) if on else '[Date]'}")
    add("para", f"Dear {requester or 'Sir or Madam'}")
    add("heading1", f"RE: {'Environmental Information' if eir else 'Freedom of Information'} Request {reference}")

    # FOIA s.1(1) / EIR reg 5(1): confirm or deny, then the answers.
    received_words = f", which we received on {longdate(received)}," if isinstance(received, date) else ""
    provision = "regulation 5(1) of the Environmental Information Regulations 2004" if eir else \
        "section 1(1) of the Freedom of Information Act 2000"
    held = {
        "granted": "we do hold the information that you have requested. A response to each part of your request "
                   "is below.",
        "part": "we do hold the information that you have requested. Some of it is exempt from disclosure, as "
                "explained below. A response to each part of your request is below.",
        "refused": "we do hold the information that you have requested. However, it is exempt from disclosure, "
                   "for the reasons explained below.",
        "not-held": "we do not hold the information that you have requested.",
    }[outcome]
    add("para", f"With reference to your request for information{received_words} I can confirm in accordance with "
                f"{provision} that {held}")
    if eir:
        add("para", "We have dealt with your request under the Environmental Information Regulations 2004 "
                    "because it is a request for environmental information.")
    if outcome == "not-held":
        if eir:
            add("para", "Regulation 12(4)(a) of the Regulations allows a public authority to refuse a request to the "
                        "extent that it does not hold the information when the request is received. This letter is "
                        "our refusal notice under regulation 14.")
        add("para", "[If another public authority holds the information, name it and say how to contact it "
                    "(advice and assistance; policy 19.1). Otherwise, explain briefly what searches were made.]")

    add("para", "In the request you asked:")
    for number, question in enumerate(questions, start=1):
        add("question", question)
        add("answer", answers.get(number) or ANSWER_SLOT)

    # The exemptions or exceptions relied on, each with its public interest test when qualified.
    if used:
        add("para", f"This letter is our refusal notice under "
                    f"{'regulation 14 of the Regulations' if eir else 'section 17(1) of the Act'} for the "
                    f"information withheld.")
    for ex in used:
        word = "exception" if eir else "exemption"
        ref = ex.ref[:1].upper() + ex.ref[1:]
        applies = (f"falls within the exception in {ex.ref} of the EIR" if eir
                   else f"is exempt under {ex.ref} of the FOI Act")
        add("para", f"It is our opinion that the information sought regarding [describe the information withheld, "
                    f"for example question 5c] {applies}. [Explain briefly why the {word} is engaged.]")
        add("heading2", ex.heading)
        add("para", f"This {word} covers {ex.summary[:1].lower()}{ex.summary[1:]}")
        if ex.data_protection:
            condition = "regulation 13(2A)(a)" if eir else "section 40(3A)(a)"
            add("para", f"[Officer: where disclosure would contravene the data protection principles ({condition}; "
                        "normally lawfulness and fairness, Article 5(1)(a) UK GDPR), no public interest test applies: "
                        "say which principle would be breached and delete the public interest test below.]")
        if eir:
            add("para", f"{ref} is an exception under the Environmental Information Regulations 2004. All the "
                        "exceptions are subject to the public interest test (regulation 12(1)(b)): we may withhold "
                        "the information only if, in all the circumstances of the case, the public interest in "
                        "maintaining the exception outweighs the public interest in disclosing it, and we must apply "
                        "a presumption in favour of disclosure (regulation 12(2)).")
        elif ex.absolute:
            add("para", f"{ref} is an absolute exemption. This means that if the information falls within it, we are "
                        "not required to consider whether the public interest favours disclosure.")
        else:
            add("para", f"{ref} is a qualified exemption and we are required to conduct a public interest test when "
                        "applying any qualified exemption. This means that after it has been decided that the "
                        "exemption is engaged, the public interest in releasing the information must be considered. "
                        "If the public interest in disclosing the information outweighs the public interest in "
                        "withholding it then the exemption does not apply and the information must be released. In "
                        "the FOI Act there is a presumption that information should be released unless there are "
                        "compelling reasons to withhold it.")
        if not ex.absolute:
            add("heading3", "Public Interest Test")
            add("para", f"The public interest test has now been concluded and the balance of the public interest has "
                        f"been found to fall in favour of withholding the information covered by the {ex.ref} "
                        f"{word}.")
            add("heading4", "Considerations in favour of disclosure")
            add("para", "[Considerations in favour of disclosure: for example, the general public interest in "
                        "transparency and accountability, and any particular interest in this information.]")
            add("heading4", "Considerations in favour of withholding")
            add("para", f"[Considerations in favour of withholding: the harm that disclosure would, or would be "
                        f"likely to, cause to the interests {ex.ref} protects, and why it matters.]")
            add("heading4", "Balance test")
            add("para", f"It is important to bear in mind that any disclosure under the {short_name} is a disclosure "
                        "to the public at large and not just to the applicant. [Weigh the considerations above and "
                        "explain why the public interest in withholding the information outweighs the public "
                        "interest in disclosing it.]")
            add("para", "It has therefore been decided that the balance of the public interest lies in favour of "
                        "withholding the information on this occasion.")
        add("para", f"[Optional: further guidance on {ex.ref} can be found on the Information Commissioner's "
                    "Office website, https://ico.org.uk/ (add the link to the guidance).]")

    # Internal review (s.45 Code; EIR reg 11), then the ICO (FOIA s.17(7), s.50; policy 16.3).
    add("heading2", "If you are unhappy with our response")
    if eir:
        add("para", f"If you are unhappy with the way in which your request has been handled, you may ask us to "
                    f"reconsider it under regulation 11 of the Environmental Information Regulations 2004. Please "
                    f"write to {review_contact} no later than 40 working days after the date of this letter, "
                    f"quoting {reference}. Your representations will be considered by someone who was not involved "
                    f"in the original decision, and we will tell you our decision within 40 working days of "
                    f"receiving them.")
    else:
        add("para", f"If you are unhappy with the way in which your request has been handled, {name} has an internal "
                    f"review procedure through which you can raise any concerns you might have. Further details of "
                    f"this procedure can be obtained by contacting {review_contact}. Please ask for a review within "
                    f"40 working days of the date of this letter, quoting {reference}.")
    add("para", f"If you remain dissatisfied with the outcome of the internal review, you can apply to the "
                f"Information Commissioner's Office, who will consider whether the organisation has complied with "
                f"its obligations under {short}, and can require the organisation to remedy any problems. Generally, "
                f"the ICO cannot make a decision unless you have exhausted the complaints procedure provided by "
                f"{name}. You can find out more about how to do this, and about {law} in general, on the Information "
                f"Commissioner's Office website at: https://ico.org.uk/for-the-public/")
    add("para", "Complaints to the Information Commissioner's Office should be sent to:")
    add("lines", "\n".join(ICO_ADDRESS))

    add("para", "Yours sincerely" if requester else "Yours faithfully")
    add("lines", f"{signature} on behalf of {name}\n{foi_address}")

    # Re-use (RPSI 2015; policy 23), as in the seed letter.
    add("para", f"All information we have provided is subject to the provisions of the Re-use of Public Sector "
                f"Information Regulations 2015. Accordingly, if the information has been made available for re-use "
                f"under the Open Government Licence (OGL, {OGL_URL}) a request to re-use is not required, but the "
                f"licence conditions must be met. You must not re-use any previously unreleased information without "
                f"having the consent of {name}. Should you wish to re-use previously unreleased information then you "
                f"must make your request in writing (email will suffice) to {foi_address}. All requests for re-use "
                f"will be responded to within 20 working days of receipt.")

    return Draft(reference=reference, outcome=outcome, regime=regime,
                 title=f"{reference}: draft response ({outcome})", author=name, blocks=blocks)

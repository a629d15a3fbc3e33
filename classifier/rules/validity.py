"""Validity of a request (FOIA s.8(1); policy 7.1): real name, address for correspondence, description."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from classifier.rules.base import Context, Rule
from classifier.triage import Triage
from intake.parse import ParsedMessage

# A capitalised word in any script ("Siân", "O'Connor", "Nguyễn"), or an initial ("J.").
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*(?:['’\-][^\W\d_]+)*\.?$")


def looks_like_name(text: str) -> bool:
    """Two to five capitalised words and no digits or @: a person's or organisation's name."""
    words = text.replace(",", " ").split()
    return 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) and w[0].isupper() for w in words)


def sign_off_name(text: str, sign_off: re.Pattern[str]) -> str | None:
    """The name on the line(s) after the last sign-off phrase ("Kind regards,\\nJo Bloggs")."""
    lines = [line.strip() for line in text.splitlines()]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].rstrip(",.!")
        if sign_off.fullmatch(line) or (sign_off.match(line) and len(line.split()) <= 4):
            for follow in lines[i + 1:i + 4]:
                if follow:
                    candidate = follow.strip(" ,.")
                    return candidate if looks_like_name(candidate) else None
    return None


class RequesterName(Rule):
    name = "requester_name"
    description = "The applicant's name: From display name, else the name under the sign-off (s.8(1)(b))."

    def check(self, msg: ParsedMessage, doc: Doc, triage: Triage, ctx: Context) -> None:
        if triage.name:
            return
        if looks_like_name(msg.from_name):
            triage.name, triage.name_source = msg.from_name, "from_display"
            triage.because(self.name, "name found", f"From: {msg.from_name}")
            return
        signed = sign_off_name(msg.text, self.lexicon.pattern("sign_offs.txt"))
        if signed:
            triage.name, triage.name_source = signed, "sign_off"
            triage.because(self.name, "name found", f"sign-off: {signed}")
            return
        triage.because(self.name, "no name", f"From display name {msg.from_name!r}, no signed name")


class CorrespondenceAddress(Rule):
    name = "correspondence_address"
    description = "An address for correspondence: an email address counts (s.8(1)(b), s.8(2))."

    def check(self, msg: ParsedMessage, doc: Doc, triage: Triage, ctx: Context) -> None:
        address = msg.reply_to or msg.from_address
        if address and "@" in address:
            triage.address = address
            triage.because(self.name, "address found", f"{'Reply-To' if msg.reply_to else 'From'}: {address}")
        else:
            triage.because(self.name, "no address", "no usable From or Reply-To address")


class Description(Rule):
    name = "description"
    description = "The message describes recorded information it asks for (s.8(1)(c))."

    def check(self, msg: ParsedMessage, doc: Doc, triage: Triage, ctx: Context) -> None:
        m = self.lexicon.pattern("request_phrases.txt").search(msg.text)
        if m:
            triage.description = True
            triage.because(self.name, "information described", m.group(0))
        elif "?" in msg.text:
            triage.description = True
            triage.because(self.name, "information described", "a question is asked")
        else:
            triage.description = False
            triage.because(self.name, "no description", "no request for information found")


class Validity(Rule):
    name = "validity"
    description = "A request is valid with a name, an address and a description (s.8; policy 7.1)."

    def check(self, msg: ParsedMessage, doc: Doc, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request"):
            triage.valid, triage.missing = None, []
            return
        missing = [part for part, ok in (("name", triage.name), ("address", triage.address),
                                         ("description", triage.description)) if not ok]
        triage.missing, triage.valid = missing, not missing
        triage.because(self.name, "valid" if not missing else "invalid",
                       "all of name, address, description" if not missing
                       else "missing: " + ", ".join(missing))

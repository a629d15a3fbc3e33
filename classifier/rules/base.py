"""A rule: a named spaCy component with a one-line description and a `check()`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from spacy.tokens import Doc

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.triage import Triage
from intake.mailbox.parse import ParsedMessage

for _ext in ("message", "triage", "context", "letter"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)

# Finds PERSON/ORG entities in a short span of text: (label, text) pairs; empty without a model.
EntityFinder = Callable[[str], list[tuple[str, str]]]


def _no_entities(_text: str) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the message itself: configuration, never the case log."""

    own_addresses: tuple[str, ...] = ()
    staff_domains: tuple[str, ...] = ()
    reference: re.Pattern[str] = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")
    entities: EntityFinder = field(default=_no_entities)


class Rule:
    """Base of every rule: subclasses set `name` and `description` and write `check()`."""

    name: ClassVar[str]
    description: ClassVar[str]
    # Rules that only make sense for mail a person wrote skip silent (auto-reply/bounce) messages.
    skip_silent: ClassVar[bool] = True

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        triage: Triage = doc._.triage
        if not (self.skip_silent and triage.silent):
            self.check(doc._.message, doc._.letter, triage, doc._.context)
        return doc


def first_match(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None

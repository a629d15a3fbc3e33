"""A rule: a named spaCy component with a one-line description and a `check()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from spacy.tokens import Doc

from classifier.lexicon import Lexicon
from classifier.triage import Triage
from intake.parse import ParsedMessage

for _ext in ("message", "triage", "context"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the message itself (configuration, never the case log)."""

    own_addresses: tuple[str, ...] = ()
    own_domains: tuple[str, ...] = field(default=())


class Rule:
    """Base of every rule: subclasses set `name` and `description` and write `check()`."""

    name: ClassVar[str]
    description: ClassVar[str]
    # Rules that only make sense for mail a person wrote skip silent (auto-reply/bounce) messages.
    skip_silent: ClassVar[bool] = True

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def check(self, msg: ParsedMessage, doc: Doc, triage: Triage, ctx: Context) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        triage: Triage = doc._.triage
        if not (self.skip_silent and triage.silent):
            self.check(doc._.message, doc, triage, doc._.context)
        return doc

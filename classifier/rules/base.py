"""A rule: a name, a one-line description naming its statute or policy section, and a `check()`.

`check()` reads the message, the requester's letter, what earlier rules decided and the
configuration, and returns a Decision: a hit or a miss, with its evidence. What a hit sets (a kind,
a flag, the end of the chain) is the chain table's business (config/chain.toml), not the rule's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.triage import Decision, Reason, Triage, short
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty, MessageKind

__all__ = ["REGISTRY", "Context", "EntityFinder", "Rule", "first_match"]

# Finds PERSON/ORG entities in a short span of text: (label, text) pairs; empty without a model.
EntityFinder = Callable[[str], list[tuple[str, str]]]


def _no_entities(_text: str) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class Context:
    """What a rule may know beyond the message itself: configuration, never the case log."""

    own_addresses: tuple[str, ...] = ()
    staff_domains: tuple[str, ...] = ()
    # Every address of the organisation's (FOI, DSP, Communications): never a requester's Reply-To.
    organisation_addresses: tuple[str, ...] = ()
    trusted_reply_to_domains: tuple[str, ...] = ()
    reference: re.Pattern[str] = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{3,6}\b")
    entities: EntityFinder = field(default=_no_entities)


# Every rule class with a `name`, by name: what a chain table may name.
REGISTRY: dict[str, type[Rule]] = {}


class Rule:
    """Base of every rule: subclasses set `name` and `description` and write `check()`."""

    name: ClassVar[str]
    description: ClassVar[str]
    # The kinds of message the rule looks at; any other kind is a miss without a check.
    applies_to: ClassVar[frozenset[MessageKind] | None] = None
    # Triage fields the rule reads, finds (its Decision's values), and may set on a hit (the table says which).
    reads: ClassVar[tuple[str, ...]] = ()
    writes: ClassVar[tuple[str, ...]] = ()
    decides: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:  # a helper base class without a name is no rule
            if cls.name in REGISTRY:
                raise TypeError(f"two rules named {cls.name!r}: {REGISTRY[cls.name].__qualname__}, {cls.__qualname__}")
            REGISTRY[cls.name] = cls

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        raise NotImplementedError

    def hit(self, decision: str, evidence: str, *, certainty: Certainty = Certainty.LIKELY,
            **values: Any) -> Decision:
        """A hit, explained to a person as `decision` with its evidence."""
        return self.decide(True, evidence, [(decision, evidence)], certainty=certainty, **values)

    def miss(self, evidence: str, *, certainty: Certainty = Certainty.SURE, **values: Any) -> Decision:
        """A miss: by default sure, as nothing pointed the other way; WEAK when a hint was seen and set aside."""
        return self.decide(False, evidence, [], certainty=certainty, **values)

    def decide(self, hit: bool, evidence: str, reasons: list[tuple[str, str]], *,
               certainty: Certainty = Certainty.LIKELY, **values: Any) -> Decision:
        return Decision(self.name, hit, short(evidence),
                        tuple(Reason(self.name, d, short(e)) for d, e in reasons), values, certainty)


def first_match(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None

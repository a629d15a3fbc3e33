"""The classifier: rules registered as spaCy components and run in a configured order (a chain)."""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from spacy.language import Language

from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule
from classifier.rules.loop import AutoReply, DeliveryFailure
from classifier.rules.validity import CorrespondenceAddress, Description, RequesterName, Validity
from classifier.triage import Triage
from intake.parse import ParsedMessage

log = logging.getLogger(__name__)

RULES: tuple[type[Rule], ...] = (
    DeliveryFailure,
    AutoReply,
    RequesterName,
    CorrespondenceAddress,
    Description,
    Validity,
)


def _register(rule: type[Rule]) -> None:
    # One spaCy factory per rule, named "foi_<rule name>", configured by the lexicon directory.
    factory = f"foi_{rule.name}"
    if Language.has_factory(factory):
        return

    def make(nlp: Language, name: str, lexicon_dir: str | None) -> Rule:
        return rule(Lexicon(Path(lexicon_dir) if lexicon_dir else None))

    Language.factory(factory, default_config={"lexicon_dir": None})(make)


for _rule in RULES:
    _register(_rule)


class Classifier:
    """Turns a parsed message into a Triage; every decision carries its reasons."""

    def __init__(self, own_addresses: tuple[str, ...] = (), lexicon_dir: Path | None = None,
                 chain: tuple[type[Rule], ...] = RULES) -> None:
        self.nlp = spacy.blank("en")
        for rule in chain:
            self.nlp.add_pipe(f"foi_{rule.name}", name=rule.name,
                              config={"lexicon_dir": str(lexicon_dir) if lexicon_dir else None})
        self.context = Context(own_addresses=tuple(a.lower() for a in own_addresses))

    def classify(self, msg: ParsedMessage) -> Triage:
        doc = self.nlp.make_doc(msg.text[:100_000])
        doc._.message, doc._.triage, doc._.context = msg, Triage(), self.context
        for _name, component in self.nlp.pipeline:
            doc = component(doc)
        return doc._.triage

    @property
    def rules(self) -> list[tuple[str, str]]:
        return [(name, type(comp).description) for name, comp in self.nlp.pipeline]

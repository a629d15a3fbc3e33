"""The classifier: the chain's rules run as spaCy components over each message, in the table's order.

Cheap rules read the whole message; the statistical model (when installed) only reads the few
signature lines where a name is sought, batched with `nlp.pipe`.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from classifier.chain import DEFAULT_CHAIN, Row, build_pipeline, load_chain
from classifier.confidence import Calibration, assess
from classifier.letter import Letter, read_letter
from classifier.lexicon import Lexicon
from classifier.names import Names, entity_window
from classifier.opinion import SecondOpinion, agreements, model_text
from classifier.policy import decide
from classifier.rules import REGISTRY, Context, Rule
from classifier.rules.loop import sender_is_automated
from classifier.triage import Triage
from config.classifier import DecisionPolicy
from config.settings import Settings
from intake.mailbox.parse import ParsedMessage

__all__ = ["RULES", "Classifier", "build_classifier", "load_model", "reference_pattern"]

log = logging.getLogger(__name__)

# The rules of the default chain (config/chain.toml), in order.
RULES: tuple[type[Rule], ...] = tuple(REGISTRY[row.rule] for row in load_chain(DEFAULT_CHAIN))


def reference_pattern(*reference_formats: str) -> re.Pattern[str]:
    """A regex for references in any configured format: FOI-{year}-{seq:05d} → FOI-\\d{4}-\\d{5}."""
    return re.compile("|".join(_one_format(f) for f in reference_formats), re.I)


def _one_format(reference_format: str) -> str:
    parts = re.split(r"(\{year\}|\{seq(?::0?(\d+)d)?\})", reference_format)
    out, i = [], 0
    while i < len(parts):
        part = parts[i]
        if part == "{year}":
            out.append(r"\d{4}")
            i += 2
        elif part and part.startswith("{seq"):
            width = parts[i + 1]
            out.append(rf"\d{{{width}}}" if width else r"\d+")
            i += 2
        else:
            out.append(re.escape(part))
            i += 1
    return r"(?<![\w-])" + "".join(out) + r"(?![\w])"


def load_model(name: str | None) -> Language | None:
    """The named spaCy package with only tok2vec and ner, or None when it is not installed."""
    if not name or importlib.util.find_spec(name) is None:
        if name:
            log.warning("spaCy model %s is not installed: names are found by rules only", name)
        return None
    nlp: Language = spacy.load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    return nlp


def build_classifier(settings: Settings) -> Classifier:
    """The classifier an organisation's configuration asks for."""
    org, cl = settings.organisation, settings.classifier
    return Classifier(own_addresses=(org.foi_address,), lexicon_dir=cl.lexicon_dir,
                      model=cl.model, staff_domains=org.staff_domains,
                      reference_formats=(org.reference_format, org.sar_reference_format),
                      chain=cl.chain, policy=cl.policy, opinion=cl.second_opinion,
                      organisation_addresses=(org.foi_address, org.dsp_address, org.comms_address),
                      trusted_reply_to_domains=settings.security.trusted_reply_to_domains)


class Classifier:
    """Turns a parsed message into a Triage; every decision carries its reasons, its confidence, and the policy's
    word on whether the intake may act on it alone.

    `opinion` is the learned second opinion: True loads the committed model (none if absent), False runs the
    rules alone; `calibration` defaults to the committed table (classifier/model/calibration.json)."""

    def __init__(self, own_addresses: tuple[str, ...] = (), lexicon_dir: Path | None = None,
                 model: str | None = None, staff_domains: tuple[str, ...] = (),
                 reference_formats: tuple[str, ...] = ("FOI-{year}-{seq:05d}", "SAR-{year}-{seq:05d}"),
                 chain: Path | None = None, organisation_addresses: tuple[str, ...] = (),
                 trusted_reply_to_domains: tuple[str, ...] = (), policy: DecisionPolicy | None = None,
                 opinion: SecondOpinion | bool | None = True, calibration: Calibration | None = None) -> None:
        self.policy = policy or DecisionPolicy()
        self.opinion = SecondOpinion.load() if opinion is True else opinion or None
        self.calibration = calibration or Calibration.load()
        chain_file = chain or DEFAULT_CHAIN
        self.chain: tuple[Row, ...] = load_chain(chain_file)
        self.nlp = build_pipeline(self.chain, lexicon_dir, chain_file.name)
        self.lexicon = Lexicon(lexicon_dir)
        self.names = Names(self.lexicon)
        self.model = load_model(model)
        self._entities: dict[str, list[tuple[str, str]]] = {}
        own = tuple(a.lower() for a in own_addresses)
        domains = staff_domains or tuple(sorted({a.rsplit("@", 1)[-1] for a in own}))
        self.context = Context(own_addresses=own, staff_domains=domains,
                               organisation_addresses=(*own, *(a.lower() for a in organisation_addresses)),
                               trusted_reply_to_domains=trusted_reply_to_domains,
                               reference=reference_pattern(*reference_formats), entities=self._find_entities)

    @property
    def model_name(self) -> str | None:
        return f"{self.model.meta['lang']}_{self.model.meta['name']}" if self.model else None

    def _find_entities(self, text: str) -> list[tuple[str, str]]:
        if self.model is None or not text.strip():
            return []
        if text not in self._entities:
            self._entities[text] = [(e.label_, e.text) for e in self.model(text).ents]
        return self._entities[text]

    def classify(self, msg: ParsedMessage) -> Triage:
        return self.classify_many([msg])[0]

    def letters(self, messages: Sequence[ParsedMessage]) -> list[Letter]:
        """The requester's own words in each message, and their layout."""
        automated = self.lexicon.words("automated_senders.txt")
        return [read_letter(m, self.context.staff_domains, self.lexicon,
                            relay=bool(sender_is_automated(m.from_address, automated)))
                for m in messages]

    def classify_many(self, messages: Sequence[ParsedMessage], batch_size: int = 64) -> list[Triage]:
        letters = self.letters(messages)
        if self.model is not None:
            # The model reads only the signature window, only where the From name is not a full
            # name already, and all such windows in one batch.
            windows = [entity_window(letter.text) for letter in letters if not self.names.without_model(letter)]
            todo = [w for w in dict.fromkeys(windows) if w.strip() and w not in self._entities]
            for window, doc in zip(todo, self.model.pipe(todo, batch_size=batch_size), strict=True):
                self._entities[window] = [(e.label_, e.text) for e in doc.ents]
        # Rules read the text with patterns, so a whitespace split is all the tokens they need;
        # the statistical model tokenises its own short spans.
        docs = (Doc(self.nlp.vocab, words=letter.text[:20_000].split()) for letter in letters)
        out = []
        for doc, msg, letter in zip(docs, messages, letters, strict=True):
            doc._.message, doc._.letter, doc._.triage, doc._.context = msg, letter, Triage(), self.context
            doc._.stopped = False
            for _name, component in self.nlp.pipeline:
                doc = component(doc)
            out.append(doc._.triage)
        self._entities.clear()
        self._judge(messages, letters, out, batch_size)
        return out

    def _judge(self, messages: Sequence[ParsedMessage], letters: Sequence[Letter], triages: Sequence[Triage],
               batch_size: int) -> None:
        """The second opinion, each decision's confidence, and the policy's handling."""
        opinions: list[dict[str, float]] = [{} for _ in triages]
        if self.opinion is not None:
            opinions = self.opinion.predict([model_text(m.subject, letter)
                                             for m, letter in zip(messages, letters, strict=True)], batch_size)
        for triage, opinion in zip(triages, opinions, strict=True):
            triage.opinion = opinion
            assess(triage, self.chain, self.calibration, agreements(triage, opinion) if opinion else None)
            decide(triage, self.policy)

    @property
    def rules(self) -> list[tuple[str, str]]:
        """Each rule of the chain, in order, with its description."""
        return [(row.rule, REGISTRY[row.rule].description) for row in self.chain]

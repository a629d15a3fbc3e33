"""Training the learned second opinion (classifier/opinion.py), and measuring it without fooling ourselves.

A spaCy `textcat_multilabel` with a bag-of-words-and-word-pairs model (`spacy.TextCatBOW.v3`, 2^16 hashed
features: about 2.5 MB of weights, thousands of messages a second), trained with a fixed seed, a fixed number of
epochs and a fixed order, so the same data gives the same weights. (A tok2vec ensemble was tried: no better on a
few hundred messages, and ten times slower.) Examples are our corpus and the public set, never
the blind corpus. Cross-validation folds are fixed too: each kind's examples, in name order, dealt round the folds.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, minibatch

from bench.calibrate import counts
from bench.corpora import Example
from classifier.chain import Row
from classifier.confidence import Calibration, assess
from classifier.opinion import FLAG_LABELS, KIND_GROUPS, LABELS, SecondOpinion, agreements, kind_group, model_text
from classifier.pipeline import Classifier
from classifier.policy import decide
from classifier.triage import Triage
from config.classifier import DecisionPolicy
from intake.mailbox.parse import ParsedMessage, ParseError, parse

__all__ = ["EPOCHS", "FEATURES", "SEED", "Held", "build", "cats_of", "cross_validate", "digest", "fold_of",
           "judge", "prepare", "train"]

SEED = 20261125
EPOCHS = 20
FEATURES = 2 ** 16
LEARN_RATE = 0.01  # a linear model over hashed word pairs learns slowly at Adam's default 0.001
L2 = 0.01  # weight decay: a few hundred messages are easily memorised


def cats_of(expected: Mapping[str, object]) -> dict[str, float]:
    """The model's labels for one example: its kind's group, and each flag it is labelled with (unlabelled: no)."""
    group = kind_group(str(expected.get("kind") or "foi_request"))
    cats = {f"kind_{g}": float(g == group) for g in KIND_GROUPS}
    cats.update({f"flag_{f}": float(bool(expected.get(f))) for f in FLAG_LABELS})
    return cats


def build() -> Language:
    """A blank English pipeline with an untrained multi-label text classifier."""
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False, "ngram_size": 2,
        "no_output_layer": False, "length": FEATURES}})
    for label in LABELS:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


def train(texts: Sequence[str], cats: Sequence[Mapping[str, float]], seed: int = SEED,
          epochs: int = EPOCHS) -> Language:
    """A model trained on these texts, deterministically: same data, same seed, same weights."""
    fix_random_seed(seed)
    nlp = build()
    examples = [SpacyExample.from_dict(nlp.make_doc(t), {"cats": dict(c)}) for t, c in zip(texts, cats, strict=True)]
    optimizer = nlp.initialize(lambda: examples)
    optimizer.learn_rate, optimizer.L2, optimizer.L2_is_weight_decay = LEARN_RATE, L2, True
    order = random.Random(seed)
    for _ in range(epochs):
        shuffled = list(examples)
        order.shuffle(shuffled)
        for batch in minibatch(shuffled, size=16):
            nlp.update(list(batch), sgd=optimizer, losses={})
    return nlp


def digest(texts: Sequence[str], cats: Sequence[Mapping[str, float]]) -> str:
    """A fingerprint of the training data: the committed weights say which data made them."""
    h = hashlib.sha256()
    for text, cat in zip(texts, cats, strict=True):
        h.update(text.encode("utf-8") + b"\0" + repr(sorted(cat.items())).encode() + b"\0")
    return h.hexdigest()[:16]


def fold_of(examples: Sequence[Example], folds: int) -> list[int]:
    """Each example's fold: each kind's examples, in name order, dealt round the folds (stratified, fixed)."""
    out = [0] * len(examples)
    dealt: dict[str, int] = {}
    for i in sorted(range(len(examples)), key=lambda i: (str(examples[i].expected.get("kind")), examples[i].name)):
        kind = str(examples[i].expected.get("kind"))
        out[i] = dealt.get(kind, 0) % folds
        dealt[kind] = dealt.get(kind, 0) + 1
    return out


@dataclass
class Held:
    """Labelled examples ready for the model: parsed, triaged by the rules alone, and the text the model reads."""

    examples: list[Example]
    triages: list[Triage | None]
    texts: list[str]
    cats: list[dict[str, float]]
    rows: tuple[Row, ...]


def prepare(rules: Classifier, examples: Sequence[Example]) -> Held:
    """Parse and triage each example with the rules alone (`rules` has no second opinion)."""
    parsed: list[ParsedMessage | None] = []
    for ex in examples:
        try:
            parsed.append(parse(ex.raw))
        except ParseError:
            parsed.append(None)
    ok = [p for p in parsed if p is not None]
    letters = iter(rules.letters(ok))
    triages = iter(rules.classify_many(ok))
    texts, out = [], []
    for p in parsed:
        if p is None:
            texts.append("")
            out.append(None)
            continue
        texts.append(model_text(p.subject, next(letters)))
        out.append(next(triages))
    return Held(list(examples), out, texts, [cats_of(ex.expected) for ex in examples], rules.chain)


def judge(held: Held, opinions: Sequence[Mapping[str, float]] | None, calibration: Calibration,
          policy: DecisionPolicy, only: Sequence[int] | None = None) -> None:
    """Give the rules' triages (those at `only`, or all) their confidence and handling, with these opinions."""
    for i in only if only is not None else range(len(held.triages)):
        triage = held.triages[i]
        if triage is None:
            continue
        opinion = dict(opinions[i]) if opinions is not None else {}
        triage.opinion = opinion
        assess(triage, held.rows, calibration, agreements(triage, opinion) if opinion else None)
        decide(triage, policy)


def cross_validate(held: Held, folds: int = 5, seed: int = SEED) -> list[dict[str, float]]:
    """Every example's opinion from a model trained on the other folds."""
    fold = fold_of(held.examples, folds)
    opinions: list[dict[str, float]] = [{} for _ in held.examples]
    for k in range(folds):
        train_at = [i for i in range(len(fold)) if fold[i] != k and held.triages[i] is not None]
        test_at = [i for i in range(len(fold)) if fold[i] == k]
        model = SecondOpinion(train([held.texts[i] for i in train_at], [held.cats[i] for i in train_at], seed))
        for i, opinion in zip(test_at, model.predict([held.texts[i] for i in test_at]), strict=True):
            opinions[i] = opinion
    return opinions


def fold_calibration(held: Held, opinions: Sequence[Mapping[str, float]] | None, skip: set[int]) -> Calibration:
    """The calibration table counted over every example but those in `skip` (the fold being measured)."""
    at = [i for i in range(len(held.examples)) if i not in skip]
    agree = None
    if opinions is not None:
        agree = [agreements(t, opinions[i]) if (t := held.triages[i]) is not None else {} for i in at]
    return Calibration(counts=counts([held.examples[i] for i in at], [held.triages[i] for i in at], agree))

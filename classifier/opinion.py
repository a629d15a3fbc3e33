"""A learned second opinion beside the rules: a small spaCy text classifier (`textcat_multilabel`, bag of words and
word pairs) trained on our corpus and the public set by `bench/train_textcat.py` (deterministic, seeded).

It reads only the text a person wrote (the subject and the letter, quotes stripped) and gives a probability for each
kind of message and for the flags that change what is sent (subject access, media, environmental). It never decides:
where it agrees with the rules the decision's confidence is high, where it disagrees a person looks
(classifier/confidence.py, classifier/policy.py). The weights are committed in `classifier/model/textcat/` (about
2 MB); without them the rules run alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from classifier.letter import Letter
from classifier.triage import Triage
from intake.vocabulary import MessageKind

__all__ = ["DEFAULT_MODEL_DIR", "FLAG_LABELS", "KIND_GROUPS", "LABELS", "SecondOpinion", "agreements", "kind_group",
           "model_text"]

log = logging.getLogger(__name__)

K = MessageKind
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "model" / "textcat"
# The kinds the model tells apart; auto-replies and bounces are one kind of machine mail to it.
KIND_GROUPS: Mapping[str, frozenset[MessageKind]] = {
    "request": frozenset({K.FOI_REQUEST}), "review": frozenset({K.INTERNAL_REVIEW}),
    "reply": frozenset({K.CLARIFICATION_REPLY}), "reuse": frozenset({K.REUSE_REQUEST}),
    "enquiry": frozenset({K.GENERAL_ENQUIRY}), "machine": frozenset({K.AUTO_REPLY, K.BOUNCE})}
FLAG_LABELS = ("subject_access", "media", "eir")
LABELS = (*(f"kind_{g}" for g in KIND_GROUPS), *(f"flag_{f}" for f in FLAG_LABELS))
_MAX_CHARS = 4000
_CONFIDENT = 0.9  # the model's probability that counts as a contrary opinion (it leans to the common kinds)
_DIGITS = re.compile(r"\d")


def kind_group(kind: str) -> str:
    return next(g for g, kinds in KIND_GROUPS.items() if kind in kinds)


def model_text(subject: str, letter: Letter) -> str:
    """What the model reads: the subject and the letter without its disclaimer (classifier/layout.py), lower case,
    digits as 0 (a date is not a cue)."""
    layout = letter.layout
    text = "\n".join((layout.greeting, layout.body, layout.signature_text)) if layout.body else letter.text
    return _DIGITS.sub("0", f"{subject}\n{text[:_MAX_CHARS]}".lower())


def agreements(triage: Triage, opinion: Mapping[str, float]) -> dict[str, str]:
    """For each decision the model has an opinion on: `agree`, `disagree` (it is confident of another answer), or
    `unsure`. Trained on a few hundred messages, the model misses much that the rules find, so its silence is no
    evidence: only its agreement, or its confident contrary opinion, counts."""
    kinds = {g: opinion.get(f"kind_{g}", 0.0) for g in KIND_GROUPS}
    top, ours = max(kinds, key=kinds.__getitem__), kind_group(triage.kind)
    # A contrary kind says which: the calibration learns how often the model was right to say it (a model trained
    # on mostly requests says "request" of much that is not).
    out = {"kind": "agree" if top == ours else
           f"disagree:{top}" if kinds[top] >= _CONFIDENT and kinds[ours] < 1 - _CONFIDENT else "unsure"}
    for flag in FLAG_LABELS:
        p = opinion.get(f"flag_{flag}", 0.0)
        if getattr(triage, flag):
            out[flag] = "agree" if p >= 0.5 else "unsure"
        else:
            out[flag] = "disagree" if p >= _CONFIDENT else "agree" if p < 0.5 else "unsure"
    parts = (out["subject_access"], out["eir"])
    out["regime"] = "disagree" if "disagree" in parts else "agree" if parts == ("agree", "agree") else "unsure"
    return out


class SecondOpinion:
    """The trained text classifier, loaded from its directory."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    @classmethod
    def load(cls, path: Path | None = None) -> SecondOpinion | None:
        """The model in `path` (default classifier/model/textcat), or None when it is not there."""
        path = path or DEFAULT_MODEL_DIR
        if not (path / "config.cfg").is_file():
            log.warning("no learned second opinion at %s: the rules decide alone", path)
            return None
        return cls(spacy.load(path))

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> list[dict[str, float]]:
        return [{label: round(float(p), 4) for label, p in doc.cats.items()}
                for doc in self.nlp.pipe(texts, batch_size=batch_size)]

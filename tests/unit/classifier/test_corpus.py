"""The classifier against labelled mail: our corpus must meet the targets, with the statistical model
and with the blank pipeline; bounces and auto-replies (ours and flanker's) must be silent; the public
requests must be mostly right. Throughput is measured by bench/classifier_eval.py, never asserted."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import classifier as classifier_package
from bench.corpora import FLANKER_DIR, PUBLIC_DIR, Example, load_corpus, load_public
from bench.evaluation import (
    DEFAULT_MODEL,
    KINDS,
    QUALITY_TARGETS,
    SILENT_KINDS,
    BinaryScore,
    Report,
    SupportsClassify,
    Target,
    build_classifier,
    check_targets,
    classify_all,
    evaluate,
    score,
)
from bench.notices import Figures, figures
from bench.synthetic import synthetic_request, synthetic_requests
from classifier import Triage
from intake.mailbox.parse import parse

# The model is a pinned requirement (requirements/model.txt), installed here and in CI: not skipped.
MODELS = [pytest.param(DEFAULT_MODEL, id="model"), pytest.param(None, id="blank")]


@pytest.fixture(scope="module", params=MODELS)
def clf(request: pytest.FixtureRequest) -> SupportsClassify:
    return build_classifier(request.param)


def test_the_model_is_really_loaded(clf: SupportsClassify, request: pytest.FixtureRequest) -> None:
    # The Classifier falls back to rules only when a model is missing: that must not pass unseen.
    wanted = request.node.callspec.params["clf"]
    loaded = getattr(clf, "model_name", None) or getattr(clf, "model", None)
    assert (loaded is not None) == (wanted is not None), f"asked for {wanted}, loaded {loaded}"


@pytest.fixture(scope="module")
def corpus() -> list[Example]:
    return load_corpus()


@pytest.fixture(scope="module")
def public() -> list[Example]:
    # The floors below were set on the first collection (036–069, WhatDoTheyKnow threads to a department);
    # the second (101–205) is measured by bench/classifier_eval.py and gets its own floors with issue 10.
    return [ex for ex in load_public() if int(ex.name[:3]) < 100]


@pytest.fixture(scope="module")
def corpus_report(clf: SupportsClassify, corpus: list[Example]) -> Report:
    return evaluate(clf, corpus)


@pytest.fixture(scope="module")
def public_report(clf: SupportsClassify, public: list[Example]) -> Report:
    return evaluate(clf, public)


def _show(report: Report, label: str, limit: int = 20) -> str:
    wrong = report.mistakes_for(label)
    lines = [f"{m.file}: expected {m.expected!r}, got {m.predicted!r}" for m in wrong[:limit]]
    more = f"\n  … and {len(wrong) - limit} more" if len(wrong) > limit else ""
    return "\n  " + "\n  ".join(lines) + more if lines else ""


# --- the targets, on our corpus ----------------------------------------------------------------


@pytest.mark.parametrize("target", QUALITY_TARGETS, ids=lambda t: t.name.replace(" ", "_"))
def test_corpus_target(corpus_report: Report, target: Target) -> None:
    (result,) = check_targets(corpus_report, targets=[target])
    label = "kind" if target.metric == "accuracy" else target.label
    assert result.passed, (f"{target.name} = {result.value} < {target.threshold}"
                           f"{_show(corpus_report, label)}")


def test_every_auto_reply_and_bounce_in_the_corpus_is_silent(corpus_report: Report,
                                                             corpus: list[Example]) -> None:
    loud = [(ex.name, t.kind if t else None) for ex in corpus if ex.expected["kind"] in SILENT_KINDS
            for t in [corpus_report.triages[ex.name]] if t is None or t.kind not in SILENT_KINDS]
    assert not loud, f"answerable, though automatic: {loud}"


def test_no_human_message_in_the_corpus_is_silent(corpus_report: Report, corpus: list[Example]) -> None:
    silenced = [(ex.name, ex.expected["kind"], t.kind) for ex in corpus
                if ex.expected["kind"] not in SILENT_KINDS
                for t in [corpus_report.triages[ex.name]] if t is not None and t.kind in SILENT_KINDS]
    assert not silenced, f"a person's message would never be answered: {silenced}"


def test_flanker_bounces_and_complaint_reports_are_silent(clf: SupportsClassify) -> None:
    files = sorted([*FLANKER_DIR.glob("bounce_*.eml"), *FLANKER_DIR.glob("complaints_*.eml")])
    assert len(files) >= 11, f"flanker corpus not found at {FLANKER_DIR}"
    triages = classify_all(clf, [parse(p.read_bytes()) for p in files])
    loud = [(p.name, t.kind) for p, t in zip(files, triages, strict=True) if t.kind not in SILENT_KINDS]
    assert not loud, f"would be answered: {loud}"


# --- the public requests: floors, not targets ---------------------------------------------------


def test_public_kind_accuracy(public_report: Report) -> None:
    kind = public_report.accuracy["kind"]
    assert kind.total == 34
    assert kind.accuracy is not None and kind.accuracy >= 0.85, (
        f"public kind accuracy {kind.correct}/{kind.total}{_show(public_report, 'kind')}")


def test_public_no_false_media_or_sar_flags(public_report: Report) -> None:
    # The public set has no media request and one SAR element (051, mixed into an EIR request), so
    # recall there is undefined or one example: what is asserted is that flags are not raised wrongly.
    media, sar = public_report.binary["media"], public_report.binary["subject_access"]
    assert media.support == 0 and sar.support == 1
    assert media.fp == 0, _show(public_report, "media")
    assert sar.fp <= 1, _show(public_report, "subject_access")


# --- the two figures that matter to people (issue 10), as deployed -------------------------------------------
# The committed second opinion was trained on these sets, so these are the optimistic side; bench/classifier_eval.py
# prints them cross-validated, and on the blind corpus (no floors here: it stays held out).


def _figures(report: Report, examples: list[Example]) -> Figures:
    return figures(examples, [report.triages[ex.name] for ex in examples])


def test_corpus_wrong_notices_and_messages_left_for_a_person(corpus_report: Report, corpus: list[Example]) -> None:
    figs = _figures(corpus_report, corpus)
    assert figs.wrong_per_100 <= 1.0, figs.wrong
    assert figs.person_per_100 <= 15.0, figs.person


def test_public_wrong_notices_and_messages_left_for_a_person(public_report: Report, public: list[Example]) -> None:
    # The first collection: replies, chasers and reviews on a department's cases, with real names.
    figs = _figures(public_report, public)
    assert figs.wrong == []
    assert figs.person_per_100 <= 21.0, figs.person  # 6 of 34 when set: doubtful names, replies, an enquiry


def test_the_committed_second_opinion_and_calibration_are_current() -> None:
    # Change the corpus, the public set or the lexicon, and `bench/train_textcat.py` must be run again.
    from bench.train_textcat import main as train_main

    assert train_main(["--check"]) == 0


# --- the measuring itself -----------------------------------------------------------------------


def test_corpus_is_fully_labelled(corpus: list[Example]) -> None:
    assert len(corpus) >= 200  # issue 3: at least 200 labelled messages
    for ex in corpus:
        assert ex.expected["kind"] in KINDS, ex.name
        assert set(ex.expected["missing"]) <= {"name", "address", "description"}, ex.name


def test_public_examples_become_messages(public: list[Example]) -> None:
    assert len(public) == 34 and PUBLIC_DIR.is_dir()
    assert {ex.expected["kind"] for ex in public} <= set(KINDS)  # "other" became general_enquiry
    first = next(ex for ex in public if ex.name == "036.json")
    msg = parse(first.raw)
    assert (msg.from_name, msg.from_address) == ("DMS Ltd", "request-036@whatdotheyknow.com")
    assert msg.subject == "PSL Schemes"
    assert b"\r\nTo: FOI Requests <foi.requests@example-icb.nhs.uk>\r\n" in first.raw
    assert msg.text.startswith("Dear Department for Communities") and msg.text.endswith("DMS Ltd")
    chaser = next(ex for ex in public if ex.name == "039.json")
    assert chaser.expected["kind"] == "general_enquiry" and "valid" not in chaser.expected
    assert parse(next(ex for ex in public if ex.name == "054.json").raw).from_name.startswith("[Name")


def test_binary_score_arithmetic() -> None:
    s = BinaryScore("x", tp=8, fp=2, fn=8, tn=82)
    assert (s.precision, s.recall, s.support, s.total) == (0.8, 0.5, 16, 100)
    assert s.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    nothing = BinaryScore("y", tn=5)
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)
    assert BinaryScore("z", fn=3).precision is None and BinaryScore("z", fn=3).recall == 0.0


def _ex(name: str, **labels: Any) -> Example:
    base: dict[str, Any] = {"kind": "foi_request", "regime": "foi", "valid": True, "missing": [],
                            "media": False, "subject_access": False, "eir": False,
                            "requester_name": "Ann Lee", "questions": 0}
    return Example(name, b"", {**base, **labels})


def test_score_counts_each_label_where_labelled() -> None:
    examples = [
        _ex("a", media=True, questions=2),
        _ex("b", valid=False, missing=["name"], requester_name=None),
        _ex("c", kind="auto_reply", regime=None, valid=None, requester_name=None),
        _ex("d", kind="general_enquiry", regime=None, valid=None, requester_name="Bo Chan"),
    ]
    triages: list[Triage | None] = [
        Triage(name="ann  LEE", media=True, valid=True, questions=["q1", "q2"]),
        Triage(name=None, valid=True),  # should be invalid, missing name
        Triage(kind="auto_reply", regime=None, valid=True),  # valid unlabelled here: not scored
        None,  # would not parse
    ]
    r = score(examples, triages)
    assert r.binary["valid"] == BinaryScore("valid", tp=1, fp=1, fn=0, tn=0)
    assert r.binary["invalid"] == BinaryScore("invalid", tp=0, fp=0, fn=1, tn=1)
    assert r.binary["missing_name"] == BinaryScore("missing_name", fn=1, tn=3)
    assert r.binary["media"] == BinaryScore("media", tp=1, tn=3)
    assert r.binary["auto_reply_or_bounce"] == BinaryScore("auto_reply_or_bounce", tp=1, tn=3)
    assert (r.accuracy["kind"].correct, r.accuracy["kind"].total) == (3, 4)
    assert (r.accuracy["regime"].correct, r.accuracy["regime"].total) == (3, 4)
    assert (r.accuracy["requester_name"].correct, r.accuracy["requester_name"].total) == (1, 1)
    assert (r.accuracy["questions"].correct, r.accuracy["questions"].total) == (1, 1)
    assert r.confusion.count("general_enquiry", "(parse error)") == 1
    assert r.confusion.kinds[: len(KINDS)] == KINDS and "(parse error)" in r.confusion.kinds
    assert {(m.file, m.label) for m in r.mistakes} == {
        ("b", "valid"), ("b", "invalid"), ("b", "missing_name"),
        ("d", "kind"), ("d", "regime")}


def test_accuracy_labels_compare_dates_and_references() -> None:
    ex = _ex("f", forwarded=True, original_received="2026-03-12", reference="FOI-2026-00091")
    good = Triage(forwarded=True, original_received=date(2026, 3, 12), reference="foi-2026-00091")
    r = score([ex, ex], [good, Triage()])
    assert (r.accuracy["original_received"].correct, r.accuracy["reference"].correct) == (1, 1)
    assert r.binary["forwarded"] == BinaryScore("forwarded", tp=1, fn=1)


class _Batched:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def classify(self, msg: Any) -> Triage:
        self.calls.append("one")
        return Triage()

    def classify_many(self, msgs: list[Any]) -> list[Triage]:
        self.calls.append(f"many:{len(msgs)}")
        return [Triage() for _ in msgs]


def test_classify_all_prefers_classify_many() -> None:
    batched = _Batched()
    assert len(classify_all(batched, [object(), object()])) == 2  # type: ignore[list-item]
    assert batched.calls == ["many:2"]


def test_build_classifier_passes_model_only_when_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class WithModel:
        def __init__(self, own_addresses: tuple[str, ...] = (), lexicon_dir: Any = None,
                     model: str | None = None) -> None:
            seen.update(model=model)

    class WithoutModel:
        def __init__(self, own_addresses: tuple[str, ...] = (), lexicon_dir: Any = None) -> None:
            seen.update(model="absent")

    monkeypatch.setattr(classifier_package, "Classifier", WithModel)
    build_classifier(None)
    assert seen == {"model": None}
    build_classifier("en_x")
    assert seen == {"model": "en_x"}
    monkeypatch.setattr(classifier_package, "Classifier", WithoutModel)
    build_classifier(None)
    assert seen == {"model": "absent"}
    with pytest.raises(TypeError):
        build_classifier("en_x")  # never measure the blank pipeline under a model's name


def test_synthetic_requests_are_deterministic_300_word_requests() -> None:
    assert synthetic_requests(3) == synthetic_requests(3)
    assert synthetic_request(0) != synthetic_request(1)
    messages = [parse(raw) for raw in synthetic_requests(30)]
    words = [len(m.text.split()) for m in messages]
    assert 270 <= sum(words) / len(words) <= 330 and min(words) >= 250
    assert len({m.subject for m in messages}) >= 10
    for m in messages:
        local = m.from_address.split("@")[0].rstrip("0123456789")
        first, last = local.split(".")[0], local.split(".")[-1]
        signed = m.text.lower().replace("'", "")
        assert first in signed and last in signed  # signed off with the sender's name
        assert "Freedom of Information" in m.text and "1. " in m.text
    assert 0 < sum(not m.from_name for m in messages) < len(messages)  # some with no display name

"""The learned second opinion (issue 10 item 3): trained deterministically, read beside the rules, never deciding."""

from __future__ import annotations

from bench.corpora import Example
from bench.textcat import cats_of, fold_of, train
from classifier import Triage
from classifier.opinion import LABELS, SecondOpinion, agreements
from intake.vocabulary import MessageKind

TEXTS = ["please provide the number of agency nurses employed in 0000", "out of office until monday",
         "i am a reporter at the evening gazette: how many ambulances waited?", "thanks, got it",
         "please send me a copy of my medical records", "how much was spent on waste collection?"] * 2
CATS = [cats_of({"kind": k, **flags}) for k, flags in (
    ("foi_request", {}), ("auto_reply", {}), ("foi_request", {"media": True}), ("general_enquiry", {}),
    ("foi_request", {"subject_access": True}), ("foi_request", {"eir": True}))] * 2


def test_training_is_deterministic_and_small() -> None:
    a, b = train(TEXTS, CATS, seed=7, epochs=3), train(TEXTS, CATS, seed=7, epochs=3)
    assert a.get_pipe("textcat_multilabel").to_bytes() == b.get_pipe("textcat_multilabel").to_bytes()
    assert sorted(a.get_pipe("textcat_multilabel").labels) == sorted(LABELS)  # type: ignore[attr-defined]


def test_folds_are_fixed_and_stratified_by_kind() -> None:
    examples = [Example(f"{i:03}", b"", {"kind": "foi_request" if i % 3 else "auto_reply"}) for i in range(30)]
    folds = fold_of(examples, 5)
    assert folds == fold_of(list(examples), 5)
    for k in range(5):
        machine = [ex for ex, f in zip(examples, folds, strict=True) if f == k and ex.expected["kind"] == "auto_reply"]
        assert len(machine) == 2


def test_agreement_counts_only_the_models_agreement_or_its_confident_contrary_opinion() -> None:
    request = Triage(kind=MessageKind.FOI_REQUEST, media=True)
    opinion = dict.fromkeys(LABELS, 0.0)
    assert agreements(request, {**opinion, "kind_request": 0.6, "flag_media": 0.7})["kind"] == "agree"
    assert agreements(request, {**opinion, "kind_machine": 0.95, "kind_request": 0.02})["kind"] == "disagree:machine"
    assert agreements(request, {**opinion, "kind_reply": 0.6, "kind_request": 0.3})["kind"] == "unsure"
    said = agreements(request, {**opinion, "kind_request": 0.9, "flag_subject_access": 0.95})
    assert said["media"] == "unsure"  # the model misses much the rules find: its silence is no evidence
    assert said["subject_access"] == said["regime"] == "disagree"


def test_the_committed_model_gives_every_label_a_probability() -> None:
    model = SecondOpinion.load()
    assert model is not None, "classifier/model/textcat is committed: run bench/train_textcat.py"
    [opinion] = model.predict(["dear foi team, please provide the number of beds in each ward in 0000."])
    assert set(opinion) == set(LABELS) and all(0.0 <= p <= 1.0 for p in opinion.values())
    assert max((p, label) for label, p in opinion.items() if label.startswith("kind_"))[1] == "kind_request"

"""The rules alone, the learned model alone, and both, on each labelled set — cross-validated where the model was
trained on the set (our corpus and the public set), with the committed model on the blind corpus.

- rules alone: the rules' decisions, confidence from the calibration's rules-alone counts, the policy;
- model alone: the model's kind (its most probable) and flags (probability ≥ 0.5): no validity, so no notices;
- both: the rules' decisions, confidence from the rules and the model's agreement, the policy — as deployed.

For a set the model was trained on, each fold is judged by a model trained on the other folds, and by a calibration
table counted on the other folds only, so no message is judged by anything that saw it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.corpora import Example
from bench.evaluation import Report, score
from bench.notices import Figures, figures
from bench.textcat import Held, cross_validate, fold_calibration, fold_of, judge, prepare
from classifier.confidence import Calibration
from classifier.opinion import FLAG_LABELS, KIND_GROUPS, SecondOpinion
from classifier.pipeline import Classifier
from classifier.triage import Triage
from config.classifier import DecisionPolicy

__all__ = ["CONFIGS", "Measured", "measure_sets", "model_triage"]

CONFIGS = ("rules", "model", "both")


@dataclass(frozen=True)
class Measured:
    report: Report
    figures: Figures | None  # None for the model alone: it sends nothing by itself


def model_triage(opinion: dict[str, float]) -> Triage:
    """What the model alone says: its most probable kind, and each flag it gives at least even odds."""
    groups = {g: opinion.get(f"kind_{g}", 0.0) for g in KIND_GROUPS}
    group = max(groups, key=groups.__getitem__)
    kind = min(KIND_GROUPS[group])  # machine mail: auto_reply (the alphabetically first of its kinds)
    flags = {f: opinion.get(f"flag_{f}", 0.0) >= 0.5 for f in FLAG_LABELS}
    return Triage(kind=kind, subject_access=flags["subject_access"], media=flags["media"], eir=flags["eir"])


def _copy(triages: Sequence[Triage | None]) -> list[Triage | None]:
    from dataclasses import replace

    return [replace(t, confidence=dict(t.confidence), certainty=dict(t.certainty)) if t is not None else None
            for t in triages]


def _measure(held: Held, triages: list[Triage | None]) -> Measured:
    report = score(held.examples, triages)
    return Measured(report, figures(held.examples, triages))


def _held_out(held: Held, policy: DecisionPolicy, folds: int) -> dict[str, Measured]:
    """Rules, model and both on a set the model trains on, each fold judged by what the other folds taught."""
    opinions = cross_validate(held, folds)
    fold = fold_of(held.examples, folds)
    out: dict[str, list[Triage | None]] = {}
    for config in ("rules", "both"):
        for k in range(folds):
            at = [i for i in range(len(fold)) if fold[i] == k]
            use = opinions if config == "both" else None
            judge(held, use, fold_calibration(held, use, set(at)), policy, only=at)
        out[config] = _copy(held.triages)
    model = [model_triage(o) if held.triages[i] is not None else None for i, o in enumerate(opinions)]
    return {"rules": _measure(held, out["rules"]), "both": _measure(held, out["both"]),
            "model": Measured(score(held.examples, model), None)}


def _committed(held: Held, policy: DecisionPolicy, opinion: SecondOpinion | None) -> dict[str, Measured]:
    """Rules, model and both on a set the model never saw: the committed model and calibration."""
    calibration = Calibration.load()
    judge(held, None, calibration, policy)
    rules = _copy(held.triages)
    out = {"rules": _measure(held, rules)}
    if opinion is not None:
        opinions = opinion.predict(held.texts)
        judge(held, opinions, calibration, policy)
        out["both"] = _measure(held, _copy(held.triages))
        model = [model_triage(o) if held.triages[i] is not None else None for i, o in enumerate(opinions)]
        out["model"] = Measured(score(held.examples, model), None)
    return out


def measure_sets(sets: Sequence[tuple[str, Sequence[Example], bool]], model: str | None,
                 policy: DecisionPolicy | None = None, folds: int = 5) -> dict[str, dict[str, Measured]]:
    """For each (key, examples, trained_on) set: the three configurations. Sets the model was trained on are
    cross-validated together (the folds span them all, as the training does)."""
    from bench.corpora import FOI_ADDRESS

    policy = policy or DecisionPolicy()
    rules = Classifier(own_addresses=(FOI_ADDRESS,), model=model, opinion=False)
    trained = [(key, list(examples)) for key, examples, on in sets if on]
    results: dict[str, dict[str, Measured]] = {}
    if trained:
        joint = prepare(rules, [ex for _, examples in trained for ex in examples])
        measured = _held_out(joint, policy, folds)
        start = 0
        for key, examples in trained:
            part = slice(start, start + len(examples))
            start += len(examples)
            results[key] = {c: _slice(m, joint, part) for c, m in measured.items()}
    opinion = SecondOpinion.load()
    for key, examples, on in sets:
        if not on:
            results[key] = _committed(prepare(rules, examples), policy, opinion)
    return results


def _slice(measured: Measured, held: Held, part: slice) -> Measured:
    """One set's share of a joint measurement."""
    examples = held.examples[part]
    triages = [measured.report.triages[ex.name] for ex in examples]
    report = score(examples, triages)
    return Measured(report, figures(examples, triages) if measured.figures is not None else None)

"""Calibrating the confidences: for each decision, how often it was right on labelled mail, counted by the
certainty of the rule that made it and whether the learned model (held back from that message) agreed.

`bench/train_textcat.py` counts over our corpus and the public set with the model's cross-validated opinions and
writes the table to classifier/model/calibration.json; `reliability` checks it on any set (the blind corpus too):
within each band of confidence, how often the decisions were right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.corpora import Example
from classifier.confidence import FIELDS
from classifier.triage import Triage

__all__ = ["Band", "counts", "reliability", "right"]


def _missing(part: str) -> Callable[[Mapping[str, Any], Triage], bool | None]:
    def check(e: Mapping[str, Any], t: Triage) -> bool | None:
        if e.get("missing") is None or e.get("kind") not in ("foi_request", "reuse_request"):
            return None
        return (part in e["missing"]) == (part in t.missing)
    return check


def _flag(name: str) -> Callable[[Mapping[str, Any], Triage], bool | None]:
    return lambda e, t: None if e.get(name) is None else bool(e[name]) == bool(getattr(t, name))


_RIGHT: dict[str, Callable[[Mapping[str, Any], Triage], bool | None]] = {
    "kind": lambda e, t: None if e.get("kind") is None else e["kind"] == t.kind,
    "regime": lambda e, t: None if "regime" not in e else e["regime"] == t.regime,
    **{f: _flag(f) for f in ("media", "subject_access", "eir", "third_party_personal_data", "forwarded", "welsh")},
    "name": _missing("name"), "address": _missing("address"), "description": _missing("description"),
    "valid": lambda e, t: None if e.get("valid") is None else (e["valid"] is True) == (t.valid is True),
}


def right(expected: Mapping[str, Any], triage: Triage, name: str) -> bool | None:
    """Whether the triage's decision `name` matches the labels; None where the labels do not say."""
    return _RIGHT[name](expected, triage)


def counts(examples: Sequence[Example], triages: Sequence[Triage | None],
           agreements: Sequence[Mapping[str, str]] | None = None) -> dict[str, dict[str, list[int]]]:
    """field → "certainty/agreement" → [decisions, right]; agreement "none" where the model gave no opinion."""
    table: dict[str, dict[str, list[int]]] = {name: {} for name in FIELDS}
    for i, (ex, triage) in enumerate(zip(examples, triages, strict=True)):
        if triage is None:
            continue
        agree = agreements[i] if agreements is not None else {}
        for name in FIELDS:
            ok = right(ex.expected, triage, name)
            if ok is None:
                continue
            key = f"{triage.certainty.get(name, 'likely')}/{agree.get(name, 'none')}"
            cell = table[name].setdefault(key, [0, 0])
            cell[0] += 1
            cell[1] += int(ok)
    return table


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    decisions: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.decisions if self.decisions else None


def reliability(examples: Sequence[Example], triages: Sequence[Triage | None],
                edges: Sequence[float] = (0.0, 0.6, 0.8, 0.9, 0.95, 0.99, 1.01)) -> list[Band]:
    """Within each band of stated confidence, how many decisions there were and how many were right."""
    cells = [[0, 0] for _ in edges[:-1]]
    for ex, triage in zip(examples, triages, strict=True):
        if triage is None:
            continue
        for name in FIELDS:
            ok = right(ex.expected, triage, name)
            if ok is None or name not in triage.confidence:
                continue
            c = triage.confidence[name]
            i = next(i for i in range(len(edges) - 1) if edges[i] <= c < edges[i + 1])
            cells[i][0] += 1
            cells[i][1] += int(ok)
    return [Band(edges[i], min(edges[i + 1], 1.0), n, r) for i, (n, r) in enumerate(cells)]

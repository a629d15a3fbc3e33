"""How sure each decision is: the strength of the rules' evidence, the learned model's second opinion, and a
calibration table measured on held-back data.

Every rule's Decision says how strong its evidence is (`Certainty`: certain, sure, likely, weak). For each decision
of the Triage — the kind, the regime, each flag, the name, the address, the description and validity — the
certainty of the rule that made it is paired with whether the learned model agrees (`agree`, `unsure`,
`disagree`, or `none` when it has no opinion on it), and the pair is looked up in the calibration table: how often
such decisions were right on messages held back from the model (`bench/train_textcat.py`, cross-validated over
our corpus and the public set), smoothed towards a prior for the certainty, so a pair seldom seen is trusted only
as far as its certainty says.
Structural evidence (`certain`: headers, a delivery report) is not second-guessed by a model that reads only text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from classifier.chain import Row
from classifier.triage import FLAG_FIELDS, Decision, Triage
from intake.vocabulary import Certainty, MessageKind

__all__ = ["AGREEMENTS", "DEFAULT_CALIBRATION", "FIELDS", "Calibration", "assess", "certainties", "weakest"]

C = Certainty
K = MessageKind
# The decisions that carry a confidence, in the order `classify --json` shows them.
FIELDS = ("kind", "regime", *FLAG_FIELDS, "name", "address", "description", "valid")
AGREEMENTS = ("agree", "unsure", "disagree", "none")  # a kind's disagreement names the model's kind
DEFAULT_CALIBRATION = Path(__file__).resolve().parent / "model" / "calibration.json"
_RANK = {C.WEAK: 0, C.LIKELY: 1, C.SURE: 2, C.CERTAIN: 3}
# Which rule's decision stands for each part of validity.
_PART_RULES = {"name": "requester_name", "address": "correspondence_address", "description": "description"}
_REQUESTS = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST})


def weakest(*tiers: Certainty) -> Certainty:
    return min(tiers, key=_RANK.__getitem__)


@dataclass(frozen=True)
class Calibration:
    """How often each (decision, certainty, agreement) was right on held-back data, with a prior per certainty."""

    prior: Mapping[str, float] = field(default_factory=lambda: {"certain": 0.995, "sure": 0.97, "likely": 0.92,
                                                                "weak": 0.6})
    disagree_factor: float = 0.6  # a disagreeing model lowers the prior: a person should look
    strength: float = 4.0  # how many examples the prior weighs
    counts: Mapping[str, Mapping[str, Sequence[int]]] = field(default_factory=dict)  # field → "tier/agree" → (n, right)

    def confidence(self, name: str, tier: Certainty, agreement: str) -> float:
        if tier == C.CERTAIN:
            agreement = "none"
        prior = self.prior[tier] * (self.disagree_factor if agreement.startswith("disagree") else 1.0)
        n, right = (self.counts.get(name, {}).get(f"{tier}/{agreement}") or (0, 0))[:2]
        return round((right + prior * self.strength) / (n + self.strength), 3)

    @classmethod
    def load(cls, path: Path | None = None) -> Calibration:
        """The table the training script wrote, or the priors alone when there is none."""
        path = path or DEFAULT_CALIBRATION
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(prior=data.get("prior") or cls().prior, disagree_factor=float(data.get("disagree_factor", 0.6)),
                   strength=float(data.get("strength", 4.0)), counts=data.get("counts") or {})

    def to_json(self) -> dict[str, object]:
        return {"prior": dict(self.prior), "disagree_factor": self.disagree_factor, "strength": self.strength,
                "counts": {f: dict(c) for f, c in self.counts.items()}}


def _by_rule(decisions: Sequence[Decision]) -> dict[str, Decision]:
    return {d.rule: d for d in decisions}


def _kind_tier(triage: Triage, rows: Sequence[Row], decisions: Mapping[str, Decision]) -> Certainty:
    """The certainty of the last rule whose hit set the kind; for a request no rule re-kinded, how plainly it asks
    (the `general_enquiry` rule's miss says)."""
    tier: Certainty | None = None
    for row in rows:
        d = decisions.get(row.rule)
        if d is not None and d.hit and row.kind is not None:
            tier = d.certainty
    if tier is not None:
        return tier
    fallback = decisions.get("general_enquiry")
    return fallback.certainty if fallback is not None else C.LIKELY


def certainties(triage: Triage, rows: Sequence[Row]) -> dict[str, Certainty]:
    """How strong the evidence is for each decision of the Triage."""
    decisions = _by_rule(triage.decisions)
    out: dict[str, Certainty] = {"kind": _kind_tier(triage, rows, decisions)}
    flag_rules = {row.flag: row.rule for row in rows if row.flag}
    for flag in FLAG_FIELDS:
        d = decisions.get(flag_rules.get(flag, ""))
        # A flag its rule did not look at (another kind of message, a chain that stopped) follows the kind.
        checked = d is not None and not d.evidence.startswith("not checked")
        out[flag] = d.certainty if checked and d is not None else out["kind"]
    for part, rule in _PART_RULES.items():
        d = decisions.get(rule)
        out[part] = d.certainty if d is not None else out["kind"]
    request = triage.kind in _REQUESTS
    out["valid"] = weakest(out["kind"], out["name"], out["address"], out["description"]) if request else out["kind"]
    out["regime"] = weakest(out["kind"], out["subject_access"], out["eir"]) if request else out["kind"]
    return out


def assess(triage: Triage, rows: Sequence[Row], calibration: Calibration,
           agreements: Mapping[str, str] | None = None) -> dict[str, Certainty]:
    """Set `triage.confidence` for every decision; returns the certainties it was computed from."""
    tiers = certainties(triage, rows)
    agreements = agreements or {}
    triage.confidence = {name: calibration.confidence(name, tiers[name], agreements.get(name, "none"))
                         for name in FIELDS}
    triage.certainty = {name: str(tiers[name]) for name in FIELDS}
    return tiers

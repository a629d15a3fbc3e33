"""The Triage: what the classifier decided about one message, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from intake.vocabulary import SILENT_KINDS, Certainty, Handling, MessageKind, Regime

__all__ = ["FLAG_FIELDS", "KINDS", "REGIMES", "SILENT_KINDS", "Decision", "Reason", "Triage", "short"]

KINDS = tuple(MessageKind)
REGIMES = (*Regime, None)
# The yes/no flags the DSP team routes by; a chain row may set one on a hit (`flag = "media"`).
FLAG_FIELDS = ("media", "subject_access", "eir", "third_party_personal_data", "forwarded", "welsh")


def short(evidence: str) -> str:
    """Evidence is a short span, never a whole body: triage JSON is stored and shown to staff."""
    return " ".join(evidence.split())[:200]


@dataclass(frozen=True)
class Reason:
    """One rule's decision and the evidence for it (a text span or a header)."""

    rule: str
    decision: str
    evidence: str


@dataclass(frozen=True)
class Decision:
    """What one rule's `check()` found: a hit or a miss, with its evidence.

    `reasons` are the decisions it explains to a person (stored on the case); `values` are the
    Triage fields it found (a name, an address, the questions), applied whether it hit or missed.
    """

    rule: str
    hit: bool
    evidence: str
    reasons: tuple[Reason, ...] = field(default=(), compare=False)
    values: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # How strong the evidence is, before calibration (classifier/confidence.py).
    certainty: Certainty = field(default=Certainty.LIKELY, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "hit": self.hit, "evidence": self.evidence, "certainty": self.certainty}

    def explain(self) -> str:
        """One line for a person: `hit   validity — name, address and description`."""
        return f"{'hit ' if self.hit else 'miss'}  {self.rule} — {self.evidence}"


@dataclass
class Triage:
    kind: MessageKind = MessageKind.FOI_REQUEST
    regime: Regime | None = Regime.FOI
    name: str | None = None
    name_source: str | None = None  # "from_display" | "sign_off" | "body" | "forwarded"
    name_suspect: bool = False
    address: str | None = None
    postal_address: str | None = None
    social_handle: str | None = None
    description: bool = True
    valid: bool | None = None
    missing: list[str] = field(default_factory=list)
    media: bool = False
    media_outlet: str | None = None
    subject_access: bool = False
    eir: bool = False
    third_party_personal_data: bool = False
    forwarded: bool = False
    welsh: bool = False  # written in Welsh, in whole or in part: reply in Welsh (Welsh Language Standards)
    original_received: date | None = None
    questions: list[str] = field(default_factory=list)
    reference: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    # Every rule that ran, hit or miss, in chain order.
    decisions: list[Decision] = field(default_factory=list)
    # Each decision's calibrated confidence (classifier/confidence.py): kind, regime, every flag, name, address,
    # description and valid.
    confidence: dict[str, float] = field(default_factory=dict)
    certainty: dict[str, str] = field(default_factory=dict)  # the strength of the evidence each confidence rests on
    # The learned model's second opinion: each of its labels' probability (classifier/opinion.py); empty without it.
    opinion: dict[str, float] = field(default_factory=dict)
    # What the intake may do on its own, and why a person is needed (classifier/policy.py).
    handling: Handling = Handling.AUTOMATIC
    person_reasons: list[str] = field(default_factory=list)

    def because(self, rule: str, decision: str, evidence: str) -> None:
        self.reasons.append(Reason(rule, decision, short(evidence)))

    @property
    def silent(self) -> bool:
        return self.kind in SILENT_KINDS

    @property
    def needs_person(self) -> bool:
        """Whether the policy leaves the message for a person (with or without a plain acknowledgement)."""
        return self.handling in (Handling.ACKNOWLEDGE, Handling.PERSON)

    @property
    def flags(self) -> list[str]:
        return [n for n in (*FLAG_FIELDS, "name_suspect") if getattr(self, n)]

    def case_reasons(self) -> list[dict[str, Any]]:
        """What the case keeps: the reasons, then every rule's hit or miss (entries with `hit`)."""
        return [*({"rule": r.rule, "decision": r.decision, "evidence": r.evidence} for r in self.reasons),
                *({**d.to_json(), "decision": "hit" if d.hit else "miss"} for d in self.decisions)]

    def to_json(self) -> dict[str, Any]:
        data = asdict(replace(self, decisions=[]))
        data["decisions"] = [d.to_json() for d in self.decisions]
        data["original_received"] = (self.original_received.isoformat()
                                     if self.original_received else None)
        data["flags"] = self.flags
        data["needs_person"] = self.needs_person
        return data

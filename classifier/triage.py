"""The Triage: what the classifier decided about one message, and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

KINDS = ("foi_request", "internal_review", "clarification_reply", "reuse_request",
         "general_enquiry", "auto_reply", "bounce")
REGIMES = ("foi", "eir", "foi+eir", "sar", None)
# Kinds that must never be answered (RFC 3834): filed, no notice, ever.
SILENT_KINDS = ("auto_reply", "bounce")


@dataclass(frozen=True)
class Reason:
    """One rule's decision and the evidence for it (a text span or a header)."""

    rule: str
    decision: str
    evidence: str


@dataclass
class Triage:
    kind: str = "foi_request"
    regime: str | None = "foi"
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
    original_received: date | None = None
    questions: list[str] = field(default_factory=list)
    reference: str | None = None
    reasons: list[Reason] = field(default_factory=list)

    def because(self, rule: str, decision: str, evidence: str) -> None:
        # Evidence is a short span, never a whole body: triage JSON is stored and shown to staff.
        self.reasons.append(Reason(rule, decision, " ".join(evidence.split())[:200]))

    @property
    def silent(self) -> bool:
        return self.kind in SILENT_KINDS

    @property
    def flags(self) -> list[str]:
        names = ("media", "subject_access", "eir", "third_party_personal_data", "forwarded",
                 "name_suspect")
        return [n for n in names if getattr(self, n)]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["original_received"] = (self.original_received.isoformat()
                                     if self.original_received else None)
        data["flags"] = self.flags
        return data

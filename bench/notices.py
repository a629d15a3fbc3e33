"""What the intake would do with each message, and the two figures that matter to people (issue 10):

- **wrong automatic notices per 100 messages**: a clarification to a valid request, an FOI or EIR acknowledgement
  (or clarification, which names an FOI reference) to a subject access request, any notice to machine mail, and a
  new case with its acknowledgement for a reply on a case (a clarification, a chaser) or for another body's
  automatic acknowledgement;
- **messages left for a person per 100**: the policy's `needs_person` (with or without a plain acknowledgement).

The action follows the intake pass and the desk (intake/app/intake_pass.py, responders/desk/arrivals.py) without a
case log: a reply is taken to find its case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.corpora import Example
from classifier.triage import Triage
from intake.vocabulary import SILENT_KINDS, Handling, MessageKind, Regime

__all__ = ["Figures", "action", "figures", "wrong_notice"]

K = MessageKind
ACK_REGIMES = (Regime.FOI, Regime.EIR, Regime.FOI_EIR)
# Notices that open a new case for the message.
NEW_CASE_NOTICES = frozenset({"acknowledgement", "clarification", "sar_notice", "review_acknowledgement",
                              "reuse_acknowledgement"})
# Notices that name an FOI reference or treat the message under FOI/EIR.
FOI_NOTICES = frozenset({"acknowledgement", "clarification", "reuse_acknowledgement"})


def action(triage: Triage | None) -> tuple[str | None, bool]:
    """The notice the intake would send (None for none) and whether the message is left for a person."""
    if triage is None:
        return None, True  # it would not parse: kept for a person
    if triage.handling in (Handling.SILENT, Handling.PERSON):
        return None, triage.handling == Handling.PERSON
    person = triage.handling == Handling.ACKNOWLEDGE
    kind = triage.kind
    if kind == K.INTERNAL_REVIEW:
        return "review_acknowledgement", person
    if kind == K.REUSE_REQUEST:
        return ("clarification" if triage.valid is False and not person else "reuse_acknowledgement"), person
    if kind == K.FOI_REQUEST:
        if triage.regime == Regime.SAR:
            return "sar_notice", person
        if triage.valid is False and not person:
            return "clarification", person
        return ("acknowledgement" if triage.regime in ACK_REGIMES else None), person
    return None, person  # replies attach to their case; routine business goes to its queue


def _follow_up(expected: Mapping[str, Any]) -> bool:
    return expected.get("kind") == K.CLARIFICATION_REPLY or bool(expected.get("follow_up"))


def wrong_notice(expected: Mapping[str, Any], notice: str | None) -> str | None:
    """Why `notice` is a wrong automatic notice for a message with these labels; None when it is not."""
    if notice is None:
        return None
    if expected.get("kind") in SILENT_KINDS:
        return f"{notice} to machine mail ({expected['kind']})"
    if notice in NEW_CASE_NOTICES and _follow_up(expected):
        return f"a new case and {notice} for a reply on a case"
    if notice in FOI_NOTICES and expected.get("subject_access"):
        return f"{notice} (an FOI reference) to a subject access request"
    if notice == "clarification" and expected.get("valid") is True:
        return "a clarification (the clock stopped) to a valid request"
    return None


@dataclass
class Figures:
    messages: int
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    person: list[tuple[str, str]] = field(default_factory=list)  # (file, first reason)

    @property
    def wrong_per_100(self) -> float:
        return 100 * len(self.wrong) / self.messages if self.messages else 0.0

    @property
    def person_per_100(self) -> float:
        return 100 * len(self.person) / self.messages if self.messages else 0.0


def figures(examples: Sequence[Example], triages: Sequence[Triage | None]) -> Figures:
    out = Figures(len(examples))
    for ex, triage in zip(examples, triages, strict=True):
        notice, person = action(triage)
        why = wrong_notice(ex.expected, notice)
        if why:
            out.wrong.append((ex.name, why))
        if person:
            reason = triage.person_reasons[0] if triage is not None and triage.person_reasons else "would not parse"
            out.person.append((ex.name, reason))
    return out

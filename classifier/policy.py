"""The decision policy: the one place that says whether the intake may act on a triage by itself, or must leave
the message for a person. Thresholds are configuration (`[classifier.policy]`, `config.classifier.DecisionPolicy`),
with safe defaults.

- Machine mail is filed unanswered only when the kind is sure (`silent`); machine-looking mail that is not sure
  gets no reply and goes to a person (RFC 3834: a reply to a robot may loop; a person's message must not be lost).
- A doubtful kind (a new request? a reply on a case? routine business?) goes to a person with nothing sent: an
  acknowledgement opening a new case for a reply, or for another body's acknowledgement, is a wrong notice.
- A doubtful subject access request goes to a person before anything naming an FOI reference is sent (policy 24.2).
- A clarification notice stops the clock (FOIA s.1(3)): it goes only when every missing part is certain — found
  nowhere (`sure` evidence) and at least `clarify` confident. Otherwise the request is acknowledged plainly (an
  acknowledgement starts the clock, it never stops one) and a person checks it.
- A doubtful flag the configuration names (`flags`: "eir" for a doubtful FOI/EIR regime, "media", …) is
  acknowledged and flagged for a person. FOI and EIR share the 20 working days, and the regime is checked when the
  response is drafted, so by default a doubtful EIR call does not hold anything back.
"""

from __future__ import annotations

from collections.abc import Mapping

from classifier.triage import Triage
from config.classifier import DecisionPolicy
from intake.vocabulary import SILENT_KINDS, Certainty, Handling, MessageKind

__all__ = ["DecisionPolicy", "decide", "verdict"]

K = MessageKind
_REQUEST_LIKE = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST})
_CERTAIN_MISSING = frozenset({Certainty.CERTAIN, Certainty.SURE})


def _below(confidence: Mapping[str, float], name: str, threshold: float) -> bool:
    return confidence.get(name, 0.0) < threshold


def verdict(triage: Triage, policy: DecisionPolicy) -> tuple[Handling, list[str]]:
    """What the intake may do with this triage by itself, and why a person is needed (empty when not)."""
    c = triage.confidence
    kind = triage.kind
    if kind in SILENT_KINDS:
        if not _below(c, "kind", policy.silent):
            return Handling.SILENT, []
        return Handling.PERSON, [f"looks automatic ({kind}) but not surely (confidence {c.get('kind', 0):.2f}): "
                                 "no reply; a person checks it is not a person's message"]
    person: list[str] = []
    if _below(c, "kind", policy.act):
        person.append(f"kind {kind} is doubtful (confidence {c.get('kind', 0):.2f}): nothing sent; a person decides "
                      "whether it is a new request, a reply on a case or routine business")
    if kind in _REQUEST_LIKE and _below(c, "subject_access", policy.act):
        said = "a subject access request" if triage.subject_access else "not a subject access request"
        person.append(f"{said}, doubtfully (confidence {c.get('subject_access', 0):.2f}): nothing naming an FOI "
                      "reference is sent before a person looks (policy 24.2)")
    if person:
        return Handling.PERSON, person
    acknowledge: list[str] = []
    if kind in _REQUEST_LIKE and triage.valid is False:
        for part in triage.missing:
            sure = triage.certainty.get(part) in _CERTAIN_MISSING and not _below(c, part, policy.clarify)
            if not sure:
                acknowledge.append(f"the {part} is doubtful, not certainly missing (confidence {c.get(part, 0):.2f}): "
                                   "acknowledged, not asked to clarify; a person checks (FOIA s.1(3), s.8)")
    for flag in policy.flags:
        if _below(c, flag, policy.act):
            acknowledge.append(f"{flag} is doubtful (confidence {c.get(flag, 0):.2f}): a person checks it")
    if acknowledge:
        return Handling.ACKNOWLEDGE, acknowledge
    return Handling.AUTOMATIC, []


def decide(triage: Triage, policy: DecisionPolicy) -> Triage:
    """Set the triage's handling and reasons from the policy; returns the triage."""
    triage.handling, triage.person_reasons = verdict(triage, policy)
    return triage

"""Queue routing: which queue (IMAP folder) a message is filed in. The folder names are configuration."""

from __future__ import annotations

from intake.caselog import Case, Message
from intake.vocabulary import CaseStatus, MessageKind, MessageStatus, Regime

__all__ = ["queue_name"]


def queue_name(case: Case | None, message: Message) -> str:
    """The queue a message belongs in: the first of these that fits, in this order."""
    triage = message.triage or {}
    if message.status == MessageStatus.NEEDS_PERSON:
        return "needs_person"
    if message.status == MessageStatus.IGNORED or case is None:
        return "not_foi"
    if case.kind == MessageKind.INTERNAL_REVIEW:
        return "internal_review"
    if case.regime == Regime.SAR:
        return "subject_access"
    if "media" in case.flags:
        return "media"
    if case.status == CaseStatus.AWAITING_CLARIFICATION or triage.get("kind") == MessageKind.CLARIFICATION_REPLY:
        return "awaiting_clarification"
    if case.regime in (Regime.EIR, Regime.FOI_EIR):
        return "eir"
    return "new"

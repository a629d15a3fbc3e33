"""Queue routing: which queue (IMAP folder) a message is filed in. The folder names are configuration.

A message on a case goes where its case is now; when the case changes state, the intake moves its messages."""

from __future__ import annotations

from intake.caselog import Case, Message
from intake.vocabulary import CaseStatus, MessageKind, MessageStatus, Regime

__all__ = ["queue_name"]


def queue_name(case: Case | None, message: Message) -> str:
    """The queue a message belongs in: the first of these that fits, in this order."""
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
    if case.status == CaseStatus.AWAITING_CLARIFICATION:  # the case's state, not the message's kind: a thank-you
        return "awaiting_clarification"  # on an open case stays with the case (issue 9 item 7)
    if case.regime in (Regime.EIR, Regime.FOI_EIR):
        return "eir"
    return "new"

"""One vocabulary: every message kind, regime, status, event type and notice purpose, listed once.

Values are the strings stored in the case log, so a StrEnum compares equal to what is on disk.
The case status is not stored freely: `status_after` derives it from the event log (as Alaveteli's
state follows its events), and the case log checks every write against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = [
    "CASE_KINDS",
    "LIVE_STATUSES",
    "ORAL_METHODS",
    "SILENT_KINDS",
    "WRITTEN_ONLY_REGIMES",
    "CaseStatus",
    "Certainty",
    "ClarificationRestart",
    "DeskRole",
    "EventType",
    "Handling",
    "MessageKind",
    "MessageStatus",
    "NoticePurpose",
    "NoticeStatus",
    "Outcome",
    "RefusalGround",
    "Regime",
    "RequestMethod",
    "ReviewOutcome",
    "plural",
    "status_after",
]


class MessageKind(StrEnum):
    """What the classifier decided a message is."""

    FOI_REQUEST = "foi_request"
    INTERNAL_REVIEW = "internal_review"  # s.45 Code; policy 17
    CLARIFICATION_REPLY = "clarification_reply"  # FOIA s.1(3)
    REUSE_REQUEST = "reuse_request"  # RPSI 2015; policy 23
    GENERAL_ENQUIRY = "general_enquiry"  # policy 2.6
    AUTO_REPLY = "auto_reply"  # RFC 3834
    BOUNCE = "bounce"  # RFC 3464


# Kinds that must never be answered (RFC 3834): filed, no notice, ever.
SILENT_KINDS = frozenset({MessageKind.AUTO_REPLY, MessageKind.BOUNCE})
# Kinds that open a case of their own; other kinds attach to one or go to a queue.
CASE_KINDS = frozenset({MessageKind.FOI_REQUEST, MessageKind.REUSE_REQUEST, MessageKind.INTERNAL_REVIEW})


class Handling(StrEnum):
    """What the intake may do with a message on its own; the decision policy (classifier/policy.py) says which."""

    AUTOMATIC = "automatic"  # act on the triage: acknowledge, clarify, attach, file
    ACKNOWLEDGE = "acknowledge"  # open the case and acknowledge it (a clock starts, none stops); a person checks it
    PERSON = "person"  # send nothing: a person decides first
    SILENT = "silent"  # machine mail, surely: filed, never answered (RFC 3834)


class Certainty(StrEnum):
    """How strong the evidence for one decision is, before calibration (classifier/confidence.py)."""

    CERTAIN = "certain"  # the mail's structure or headers: Auto-Submitted, a delivery report, a reply to our notice
    SURE = "sure"  # the writer says so plainly: "subject access request", "I am a journalist"
    LIKELY = "likely"  # a phrase or a shape that usually means it
    WEAK = "weak"  # a hint, or a default nothing contradicts


class Regime(StrEnum):
    """Which law a request is answered under (policy 2.8)."""

    FOI = "foi"
    EIR = "eir"
    FOI_EIR = "foi+eir"
    SAR = "sar"


class ClarificationRestart(StrEnum):
    """How a clarification moves the clock: afresh (FOIA s.1(3), s.10(1)) or resume (policy 14.2's variant)."""

    AFRESH = "afresh"
    RESUME = "resume"


class RequestMethod(StrEnum):
    """How a request reached the body (policy 7.5 records it)."""

    EMAIL = "email"
    POST = "post"
    PHONE = "phone"
    IN_PERSON = "in_person"
    HAND_DELIVERED = "hand_delivered"  # a letter handed in at reception
    SCANNED = "scanned"  # a letter scanned in, e.g. one too large to fetch from the mailbox


# FOIA s.8(1)(a): an FOI request is made in writing; EIR (reg 5) and subject access requests may be oral.
ORAL_METHODS = frozenset({RequestMethod.PHONE, RequestMethod.IN_PERSON})
WRITTEN_ONLY_REGIMES = frozenset({Regime.FOI, Regime.FOI_EIR})


class MessageStatus(StrEnum):
    RECEIVED = "received"  # raw bytes stored, not yet processed
    PROCESSED = "processed"  # classified; case opened or updated
    IGNORED = "ignored"  # auto-reply, bounce or our own mail: filed, never answered
    NEEDS_PERSON = "needs_person"  # could not be handled automatically; kept for the DSP team


class NoticeStatus(StrEnum):
    PENDING = "pending"  # committed, not yet handed to SMTP
    SENDING = "sending"  # SMTP DATA under way; if we die here the outcome is in doubt
    SENT = "sent"
    HELD = "held"  # gave up or in doubt: a person decides


class CaseStatus(StrEnum):
    OPEN = "open"
    AWAITING_CLARIFICATION = "awaiting_clarification"
    AWAITING_FEE = "awaiting_fee"
    AWAITING_ID = "awaiting_id"  # UK GDPR Art 12(6): a subject access request waits for identification
    RESPONDED = "responded"
    CLOSED = "closed"


# Statuses in which the clock may still run, so the daily jobs look at them.
LIVE_STATUSES = frozenset({CaseStatus.OPEN, CaseStatus.AWAITING_CLARIFICATION, CaseStatus.AWAITING_FEE,
                           CaseStatus.AWAITING_ID})


class EventType(StrEnum):
    """Every entry the audit trail can hold; the clock reads some, the status follows some."""

    RECEIVED = "received"
    CLARIFICATION_REQUESTED = "clarification_requested"  # FOIA s.1(3)
    CLARIFICATION_RECEIVED = "clarification_received"
    CORRESPONDENCE_RECEIVED = "correspondence_received"
    FEE_NOTICE = "fee_notice"  # FOIA s.9, s.10(2)
    FEE_PAID = "fee_paid"
    PIT_EXTENSION = "pit_extension"  # FOIA s.10(3)
    EIR_EXTENSION = "eir_extension"  # EIR reg 7
    SAR_EXTENSION = "sar_extension"  # UK GDPR Art 12(3)
    COMPLEX_REVIEW = "complex_review"  # s.45 Code
    REUSE_EXTENSION = "reuse_extension"  # RPSI reg 8(2)
    ID_REQUESTED = "id_requested"  # UK GDPR Art 12(6)
    ID_RECEIVED = "id_received"
    COMMS_SIGNOFF = "comms_signoff"  # policy 18.2
    RESPONDED = "responded"
    TRANSFERRED = "transferred"  # policy 19.1
    REVIEW_OPENED = "review_opened"
    CLOSED = "closed"
    REOPENED = "reopened"
    NOTE = "note"
    COST_ESTIMATE = "cost_estimate"  # FOIA s.12, Fees Regs 2004 reg 3-4; policy 12.5-12.10
    PUBLICATION_SCHEME = "publication_scheme"  # FOIA s.19, s.21; policy 6.10: pointed to the scheme
    ICO_COMMUNICATION = "ico_communication"  # policy 31.2
    NOTICE_QUEUED = "notice_queued"
    NOTICE_SUPPRESSED = "notice_suppressed"
    NOTICE_BOUNCED = "notice_bounced"
    RECLASSIFIED = "reclassified"  # a person corrected the kind, regime or flags
    PROMOTED = "promoted"  # a person made a message the bot set aside part of this case
    NOTICE_HELD = "notice_held"  # the outbox gave up or is in doubt: a person decides; the clock keeps running
    # A request similar to others within 60 working days, or to an earlier one (Fees Regs reg 5; s.14(2)).
    POSSIBLY_RELATED = "possibly_related"
    # Mail quoting the case from someone who is not its requester: kept on the case, changes nothing, a person looks.
    THIRD_PARTY_CORRESPONDENCE = "third_party_correspondence"
    DUPLICATE_RECEIVED = "duplicate_received"  # the same mail again under a new Message-ID: filed, no notice


class NoticePurpose(StrEnum):
    """Every notice the responders send; each is a template of the same name."""

    ACKNOWLEDGEMENT = "acknowledgement"
    CLARIFICATION = "clarification"
    FEES = "fees"
    EXTENSION = "extension"
    TRANSFER = "transfer"
    LAPSE = "lapse"
    SAR_NOTICE = "sar_notice"
    SAR_ID_REQUEST = "sar_id_request"  # UK GDPR Art 12(6)
    SAR_CLARIFICATION = "sar_clarification"  # UK GDPR Art 12A (DUAA 2025)
    SAR_EXTENSION = "sar_extension"  # UK GDPR Art 12(3)
    FEE_PAID = "fee_paid"  # policy 12.1: the new response date
    REVIEW_EXTENSION = "review_extension"  # s.45 Code; policy 17.8
    REUSE_EXTENSION = "reuse_extension"  # RPSI 2015 reg 8(2)
    PUBLICATION_SCHEME = "publication_scheme"  # FOIA s.21; policy 6.10
    REVIEW_ACKNOWLEDGEMENT = "review_acknowledgement"
    REUSE_ACKNOWLEDGEMENT = "reuse_acknowledgement"
    MEDIA_ALERT = "media_alert"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    DIGEST = "digest"
    MONTHLY_REPORT = "monthly_report"  # s.45 Code 8.5; policy 31.2: the figures, to the DSP team


class Outcome(StrEnum):
    """What a response decided (FOIA s.1(1), s.17(1); EIR reg 5(1), reg 14)."""

    GRANTED = "granted"
    PART = "part"  # part disclosed, part withheld: a refusal notice for the rest
    REFUSED = "refused"
    NOT_HELD = "not-held"

    @property
    def refuses(self) -> bool:
        """A refusal in whole or part names the exemptions it relies on (s.17(1))."""
        return self in (Outcome.PART, Outcome.REFUSED)


class RefusalGround(StrEnum):
    """A refusal that is not an exemption (the `section` of its `responded` event): the request is not complied with."""

    COST_LIMIT = "12"  # FOIA s.12; Fees Regulations 2004 reg 3-5; policy 12.5-13.3
    VEXATIOUS = "14(1)"  # FOIA s.14(1); policy 15.1-15.6
    REPEATED = "14(2)"  # FOIA s.14(2); policy 15.7-15.8


class DeskRole(StrEnum):
    """What a person may do at the web desk (roles from the configuration or the identity provider)."""

    DSP = "dsp"  # the DSP team: every case, every action
    COMMS = "comms"  # Communications: media cases only, to read and sign off (policy 18.2)
    VIEWER = "viewer"  # read-only


class ReviewOutcome(StrEnum):
    """What an internal review decided (s.45 Code; EIR reg 11)."""

    UPHELD = "upheld"
    REVERSED = "reversed"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`plural(3, "working day")` -> "3 working days"; 1 -> "1 working day"."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


# How each event moves the case status; an event not listed leaves it where it was.
_STATUS_AFTER: dict[str, CaseStatus] = {
    EventType.RECEIVED: CaseStatus.OPEN,
    EventType.CLARIFICATION_REQUESTED: CaseStatus.AWAITING_CLARIFICATION,
    EventType.CLARIFICATION_RECEIVED: CaseStatus.OPEN,
    EventType.FEE_NOTICE: CaseStatus.AWAITING_FEE,
    EventType.FEE_PAID: CaseStatus.OPEN,
    EventType.ID_REQUESTED: CaseStatus.AWAITING_ID,
    EventType.ID_RECEIVED: CaseStatus.OPEN,
    EventType.RESPONDED: CaseStatus.RESPONDED,
    EventType.CLOSED: CaseStatus.CLOSED,
    EventType.REOPENED: CaseStatus.OPEN,
}


def status_after(events: Iterable[tuple[str, dict[str, object]]]) -> CaseStatus:
    """The status a case's events give, in the order they were recorded.

    A clarification received returns the case to open only when it completed the request (the event
    says so with `complete`); an internal review's decision closes it.
    """
    status = CaseStatus.OPEN
    for type_, data in events:
        if type_ == EventType.CLARIFICATION_RECEIVED and not data.get("complete", True):
            continue
        if type_ == EventType.RESPONDED and data.get("closes"):
            status = CaseStatus.CLOSED
            continue
        status = _STATUS_AFTER.get(type_, status)
    return status

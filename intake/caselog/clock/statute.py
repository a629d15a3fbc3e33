"""The statute table: every limit the clock applies, each once, with the law or policy it comes from.

rules.md section 3 is the source for all of it; a limit changes here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from intake.vocabulary import ClarificationRestart, EventType

__all__ = [
    "CLARIFICATION_LAPSE_MONTHS",
    "EIR_DAYS",
    "EIR_EXTENDED_DAYS",
    "EIR_REVIEW_DAYS",
    "EXTENSIONS",
    "FEE_LAPSE_MONTHS",
    "FOI_DAYS",
    "KINDS",
    "PIT_USUAL_MAX_FURTHER_DAYS",
    "PUBLICATION_SCHEME_BACKSTOP_DAYS",
    "PUBLICATION_SCHEME_DAYS",
    "RESTART_MODES",
    "REUSE_ACK_DAYS",
    "REUSE_DAYS",
    "REVIEW_ACK_DAYS",
    "REVIEW_COMPLEX_DAYS",
    "REVIEW_DAYS",
    "REVIEW_WINDOW_DAYS",
    "RULES",
    "SAR_EVENTS",
    "SAR_EXTENDED_MONTHS",
    "SAR_KIND",
    "SAR_MONTHS",
    "Extension",
    "Rule",
]

FOI_DAYS = 20  # FOIA s.10(1): promptly and no later than the 20th working day after receipt.
EIR_DAYS = 20  # EIR reg 5(2): as soon as possible and no later than 20 working days.
EIR_EXTENDED_DAYS = 40  # EIR reg 7(1): 40 working days when complex and voluminous.
PIT_USUAL_MAX_FURTHER_DAYS = 20  # FOIA s.10(3) "reasonable"; ICO: normally <= 20 further days.
REVIEW_ACK_DAYS = 5  # s.45 Code of Practice; policy 17.8: acknowledge the complaint.
REVIEW_DAYS = 20  # s.45 Code of Practice; policy App. C: decide within 20 working days.
REVIEW_COMPLEX_DAYS = 40  # s.45 Code of Practice; policy App. C: 40 when complex.
REUSE_ACK_DAYS = 3  # policy 23.6: acknowledge a re-use request.
REUSE_DAYS = 20  # RPSI Regulations 2015 reg 8(1): respond within 20 working days.
PUBLICATION_SCHEME_DAYS = 5  # policy 6.10: local target for pointing to the scheme.
PUBLICATION_SCHEME_BACKSTOP_DAYS = 20  # FOIA s.10(1) still applies as the statutory backstop.
SAR_MONTHS = 1  # UK GDPR Art 12(3): one month, counted by the ICO's corresponding-date method.
SAR_EXTENDED_MONTHS = 3  # UK GDPR Art 12(3): extendable by two further months.
EIR_REVIEW_DAYS = 40  # EIR reg 11(4): decide on representations within 40 working days (statutory).
REVIEW_WINDOW_DAYS = 40  # s.45 Code / EIR reg 11(2): requester may ask for review within 40 days.
FEE_LAPSE_MONTHS = 3  # FOIA s.9(2): three months beginning with the day the fees notice is given.
CLARIFICATION_LAPSE_MONTHS = 3  # policy 14.1: close after 3 months without a reply (configurable).

# FOIA s.1(3)/s.10(6)(b), EIR reg 9(4): "afresh"; "resume" is policy 14.2's variant.
RESTART_MODES = tuple(ClarificationRestart)


@dataclass(frozen=True)
class Rule:
    """One working-day clock: its length and source, and the events that can change it."""

    label: str
    days: int
    source: str
    events: frozenset[EventType]
    ack_days: int | None = None
    ack_source: str = ""
    backstop_days: int | None = None
    review_window: bool = False


@dataclass(frozen=True)
class Extension:
    """An extension event: `further` days added to the limit, or a new limit `to`."""

    name: str
    source: str
    to: int | None = None  # None: adds further working days (the event's days/until, or the usual 20)


# Reopening undoes an ending, so every clock that can end understands it.
_ENDINGS = frozenset({EventType.RESPONDED, EventType.CLOSED, EventType.REOPENED})
_CLARIFY = frozenset({EventType.CLARIFICATION_REQUESTED, EventType.CLARIFICATION_RECEIVED})
_FEES = frozenset({EventType.FEE_NOTICE, EventType.FEE_PAID})

EXTENSIONS: dict[EventType, Extension] = {
    EventType.PIT_EXTENSION: Extension("public interest extension", "FOIA s.10(3)"),
    EventType.REUSE_EXTENSION: Extension("re-use extension", "RPSI 2015 reg 8"),
    EventType.EIR_EXTENSION: Extension("EIR extension", "EIR reg 7(1)", to=EIR_EXTENDED_DAYS),
    EventType.COMPLEX_REVIEW: Extension("complex review", "s.45 Code; policy App. C", to=REVIEW_COMPLEX_DAYS),
}

RULES: dict[str, Rule] = {
    "foi": Rule(
        "FOI request", FOI_DAYS, "FOIA s.10(1)",
        _ENDINGS | _CLARIFY | _FEES | {EventType.PIT_EXTENSION}, review_window=True,
    ),
    # EIR reg 8 advance payments are not modelled: fee events are flagged, not applied.
    "eir": Rule(
        "EIR request", EIR_DAYS, "EIR reg 5(2)",
        _ENDINGS | _CLARIFY | {EventType.EIR_EXTENSION}, review_window=True,
    ),
    "internal_review": Rule(
        "Internal review", REVIEW_DAYS, "s.45 Code; policy App. C",
        _ENDINGS | {EventType.COMPLEX_REVIEW}, ack_days=REVIEW_ACK_DAYS, ack_source="policy 17.8",
    ),
    "eir_internal_review": Rule(
        "EIR internal review", EIR_REVIEW_DAYS, "EIR reg 11(4)",
        _ENDINGS, ack_days=REVIEW_ACK_DAYS, ack_source="policy 17.8",
    ),
    "reuse": Rule(
        "Re-use request", REUSE_DAYS, "RPSI 2015 reg 8",
        _ENDINGS | {EventType.REUSE_EXTENSION}, ack_days=REUSE_ACK_DAYS, ack_source="policy 23.6",
    ),
    "publication_scheme": Rule(
        "Publication scheme request", PUBLICATION_SCHEME_DAYS, "policy 6.10",
        _ENDINGS, backstop_days=PUBLICATION_SCHEME_BACKSTOP_DAYS, review_window=True,
    ),
}

SAR_KIND = "sar"  # UK GDPR Art 12(3): calendar months, not working days, so not in RULES.
SAR_EVENTS = _ENDINGS | _CLARIFY | {EventType.SAR_EXTENSION, EventType.ID_REQUESTED, EventType.ID_RECEIVED}

# The public order: as the original tuple listed them (the CLI's help shows it).
KINDS = ("foi", "eir", SAR_KIND, "internal_review", "eir_internal_review", "reuse", "publication_scheme")
assert set(KINDS) == {*RULES, SAR_KIND}

"""The desk's actions as forms: for each action of `responders.desk` (the same classes the command line builds),
the fields a person fills in and how they become the action. The guards are the action's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from intake.caselog import Case
from intake.vocabulary import MessageKind, Outcome, Regime, ReviewOutcome
from responders.desk import (
    Action,
    Clarified,
    Clarify,
    CommsSignoff,
    CostLimit,
    Extend,
    Fee,
    FeePaid,
    IdReceived,
    IdRequest,
    Note,
    PublicationScheme,
    Reclassify,
    Refuse,
    Reopen,
    Respond,
    ReviewClose,
    ReviewOpen,
    Route,
    Transfer,
)
from responders.desk.corrections import CORRECTABLE_FLAGS
from responders.errors import ActionRefused
from responders.exemptions import ALL

__all__ = ["EXEMPTION_CHOICES", "FORMS", "ActionForm", "Field", "Values", "many", "one", "optional_date"]

Values = dict[str, list[str]]  # a posted form: every field's values, in order


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, select, multiselect, date, number, checkbox, url
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    hint: str = ""


@dataclass(frozen=True)
class ActionForm:
    """One action's form: the button, a line of help, its fields (a route may have its own), and its builder."""

    name: str
    button: str
    help: str
    fields: tuple[Field, ...]
    build: Callable[[Values, Case], Action]
    per_route: tuple[tuple[Route, tuple[Field, ...]], ...] = ()

    def fields_for(self, route: Route) -> tuple[Field, ...]:
        return dict(self.per_route).get(route, self.fields)


def one(values: Values, name: str) -> str:
    """The field's value, stripped; "" when it is missing."""
    return (values.get(name) or [""])[0].strip()


def many(values: Values, name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in values.get(name, []) if v.strip())


def _required(values: Values, name: str, label: str) -> str:
    value = one(values, name)
    if not value:
        raise ActionRefused(f"{label} is needed")
    return value


def optional_date(values: Values, name: str) -> date | None:
    value = one(values, name)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ActionRefused(f"not a date: {value!r} (YYYY-MM-DD)") from None


def _decimal(values: Values, name: str, what: str) -> Decimal | None:
    value = one(values, name).replace("£", "").replace(",", "")
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ActionRefused(f"not {what}: {value!r}") from None
    if not number.is_finite() or number < 0:
        raise ActionRefused(f"not {what}: {value!r}")
    return number


def _int(values: Values, name: str) -> int | None:
    value = one(values, name)
    if not value:
        return None
    if not value.isdigit():
        raise ActionRefused(f"not a whole number of days: {value!r}")
    return int(value)


def _choices(values: type[Outcome] | type[ReviewOutcome] | type[Regime]) -> tuple[tuple[str, str], ...]:
    return tuple((str(v), str(v)) for v in values)


EXEMPTION_CHOICES = tuple((("s" if e.regime == Regime.FOI else "reg ") + e.section, f"{e.ref}: {e.title}")
                          for e in ALL)
_EXEMPTIONS = Field("exemption", "Exemptions / exceptions", "multiselect", choices=EXEMPTION_CHOICES,
                    hint="hold Ctrl to choose more than one")
_KINDS = tuple((k, k) for k in (MessageKind.FOI_REQUEST, MessageKind.INTERNAL_REVIEW, MessageKind.REUSE_REQUEST))


def _fee(v: Values, c: Case) -> Action:
    amount = _decimal(v, "amount", "an amount of money")
    if amount is None:
        raise ActionRefused("the amount is needed")
    return Fee(amount.quantize(Decimal("0.01")), _required(v, "breakdown", "the breakdown"),
               hours=_decimal(v, "hours", "a number of hours"))


def _extend(v: Values, c: Case) -> Action:
    return Extend(_required(v, "reason", "the reason"), many(v, "exemption"), until=optional_date(v, "until"),
                  days=_int(v, "days"))


def _respond(v: Values, c: Case) -> Action:
    return Respond(_required(v, "outcome", "the outcome"), many(v, "exemption"), sent_on=optional_date(v, "sent_on"),
                   late_reason=one(v, "late_reason") or None)


def _reclassify(v: Values, c: Case) -> Action:
    kind, regime = one(v, "kind"), one(v, "regime")
    try:
        return Reclassify(_required(v, "reason", "the reason"), kind=MessageKind(kind) if kind else None,
                          regime=Regime(regime) if regime else None, flags_on=many(v, "flag"),
                          flags_off=many(v, "no_flag"))
    except ValueError:
        raise ActionRefused(f"unknown kind or regime: {kind!r}, {regime!r}") from None


_FLAGS = tuple((f, f) for f in CORRECTABLE_FLAGS)

FORMS: dict[str, ActionForm] = {f.name: f for f in (
    ActionForm("clarify", "Ask for clarification", "The clock stops when the notice is sent (FOIA s.1(3)).",
               (Field("ask", "The question, in your words", "textarea", required=True),),
               lambda v, c: Clarify(ask=_required(v, "ask", "the question"))),
    ActionForm("clarified", "Record a clarification", "It came by post, phone or in person; the clock runs again.",
               (Field("summary", "What the requester said", "textarea"),),
               lambda v, c: Clarified(one(v, "summary") or None)),
    ActionForm("fee", "Send a fees notice", "The clock pauses until payment (s.10(2)); an estimate over the cost "
               "limit proposes a s.12 refusal instead.",
               (Field("amount", "Disbursements (£)", required=True), Field("breakdown", "How it was worked out",
                "textarea", required=True), Field("hours", "Estimated staff hours (s.12 activities)", "number")),
               _fee),
    ActionForm("fee-paid", "Fee paid", "The clock runs again; the requester is told the new date.", (),
               lambda v, c: FeePaid()),
    ActionForm("cost-limit", "Confirm the s.12 refusal", "With advice and assistance (policy 13.3).",
               (Field("advice", "Advice and assistance", "textarea", required=True),),
               lambda v, c: CostLimit(_required(v, "advice", "the advice"))),
    ActionForm("refuse", "Refuse under s.14", "Vexatious (s.14(1)) or repeated (s.14(2)); the letter is yours, with "
               "the internal review and the ICO (policy 16.3).",
               (Field("ground", "Ground", "select", required=True,
                      choices=(("vexatious", "vexatious (FOIA s.14(1))"), ("repeated", "repeated (FOIA s.14(2))"))),
                Field("repeat_of", "The earlier request it repeats (FOI-…)"),
                Field("reason", "Why, for the record", "textarea")),
               lambda v, c: Refuse(_required(v, "ground", "the ground"), repeat_of=one(v, "repeat_of") or None,
                                   reason=one(v, "reason") or None)),
    ActionForm("extend", "Extend", "The requester is told the new date.",
               (Field("reason", "Reasons, as the requester will read them", "textarea", required=True),
                Field("until", "Estimated date", "date"), Field("days", "Further working days", "number")),
               _extend,
               per_route=((Route.REQUEST, (Field("reason", "Reason", "select", required=True,
                                                 choices=(("pit", "public interest test (FOIA s.10(3))"),
                                                          ("eir", "complex and voluminous (EIR reg 7)"))),
                                           _EXEMPTIONS)),
                          (Route.SAR, (Field("reason", "Reasons, as the requester will read them", "textarea",
                                             required=True),)))),
    ActionForm("id-request", "Ask for identification", "The month starts when it arrives (UK GDPR Art 12(6)).",
               (Field("ask", "What to send, if not the usual documents", "textarea"),),
               lambda v, c: IdRequest(one(v, "ask") or None)),
    ActionForm("id-received", "Identification received", "The month runs from the day it arrived.",
               (Field("on", "The day it arrived (default today)", "date"),),
               lambda v, c: IdReceived(optional_date(v, "on"))),
    ActionForm("comms-signoff", "Sign off (Communications)", "Communications agree the response (policy 18.2).",
               (Field("by", "Signed off by (default: you)"),),
               lambda v, c: CommsSignoff(by=one(v, "by") or None)),
    ActionForm("respond", "Record the response", "The response was sent; the clock ends.",
               (Field("outcome", "Outcome", "select", required=True, choices=_choices(Outcome)), _EXEMPTIONS,
                Field("sent_on", "Sent on (default today)", "date"),
                Field("late_reason", "Why it was late (for the monitoring figures)")),
               _respond),
    ActionForm("publication-scheme", "Point to the publication scheme", "FOIA s.21; policy 6.10.",
               (Field("url", "The page (default: the configured scheme)", "url"),),
               lambda v, c: PublicationScheme(one(v, "url") or None)),
    ActionForm("transfer", "Signpost and close", "To the body that holds it (policy 19.1).",
               (Field("to", "Body", required=True), Field("contact", "Their FOI address")),
               lambda v, c: Transfer(_required(v, "to", "the body"), one(v, "contact") or None)),
    ActionForm("review-open", "Open an internal review", "A case of its own (s.45 Code; EIR reg 11).",
               (Field("reason", "Reason", "select", choices=(("", "a review of the response"),
                                                              ("late", "late: no response came in time"))),),
               lambda v, c: ReviewOpen(one(v, "reason") or None)),
    ActionForm("review-close", "Decide the review", "The decision closes the review.",
               (Field("outcome", "Outcome", "select", required=True, choices=_choices(ReviewOutcome)),),
               lambda v, c: ReviewClose(_required(v, "outcome", "the outcome"))),
    ActionForm("reopen", "Reopen", "The response is undone; the clock runs to the same due date.", (),
               lambda v, c: Reopen()),
    ActionForm("note", "Add a note", "On the audit trail.",
               (Field("text", "Note", "textarea", required=True),
                Field("ico", "It records a communication from the ICO (policy 31.2)", "checkbox")),
               lambda v, c: Note(_required(v, "text", "the note"), ico=one(v, "ico") == "on")),
    ActionForm("reclassify", "Reclassify", "Correct the bot: the route and notices follow.",
               (Field("kind", "Kind", "select", choices=(("", "(unchanged)"), *_KINDS)),
                Field("regime", "Regime", "select", choices=(("", "(unchanged)"), *_choices(Regime))),
                Field("flag", "Set flags", "multiselect", choices=_FLAGS),
                Field("no_flag", "Clear flags", "multiselect", choices=_FLAGS),
                Field("reason", "Why the bot was wrong", "textarea", required=True)),
               _reclassify),
)}

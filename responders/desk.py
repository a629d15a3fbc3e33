"""The DSP team's desk: what happens to a case when it opens, when the requester replies, and when a
person acts on it. Every step is an event on the case; the clock and the notices follow from them.
The bot proposes and asks; people decide exemptions and refusals."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier import Triage
from config.settings import Settings
from intake.caselog import Case, Message, add_event, next_reference
from intake.caselog.clock import clarification_lapses_on, fee_lapses_on
from intake.caselog.clock.calendar import WorkingCalendar
from intake.caselog.views import case_clock
from intake.vocabulary import (
    LIVE_STATUSES,
    CaseStatus,
    EventType,
    MessageKind,
    MessageStatus,
    NoticePurpose,
    Regime,
)
from responders.exemptions import Exemption, lookup
from responders.notify import Notifier

log = logging.getLogger(__name__)

# FOIA s.8(1): what a valid request must contain, and why we ask for what is missing (policy 7.2).
MISSING_PARTS: dict[str, tuple[str, str]] = {
    "name": ("your real name",
             "The Freedom of Information Act 2000 (section 8(1)(b)) asks for the name of the person making "
             "the request; we cannot answer a request made under a pseudonym."),
    "address": ("an address for correspondence",
                "Section 8(1)(b) of the Act asks for an address we can send the answer to: an email or "
                "postal address."),
    "description": ("a description of the information you want",
                    "Section 8(1)(c) of the Act asks for a description of the recorded information you "
                    "want, so that we can find it."),
}
# Regimes acknowledged as FOI/EIR requests (a SAR gets its own notice, policy 24.2).
ACK_REGIMES = (Regime.FOI, Regime.EIR, Regime.FOI_EIR)
OUTCOMES = ("granted", "part", "refused", "not-held")
REVIEW_OUTCOMES = ("upheld", "reversed")


class ActionRefused(Exception):
    """A person asked for something the rules do not allow yet; the message says what is needed."""


@dataclass(frozen=True)
class Done:
    summary: str
    notices: tuple[int, ...] = ()


def missing_context(missing: list[str]) -> list[dict[str, str]]:
    return [{"part": p, "label": MISSING_PARTS[p][0], "why": MISSING_PARTS[p][1]} for p in missing
            if p in MISSING_PARTS]


class Desk:
    def __init__(self, settings: Settings, notifier: Notifier | None = None) -> None:
        self.settings = settings
        self.notifier = notifier or Notifier(settings)

    # -- from the intake ---------------------------------------------------------------------

    def opened(self, s: Session, case: Case, triage: Triage, now: datetime) -> int:
        """Queue what a new case calls for (acknowledgement, validity or SAR notice, media alert);
        returns how many notices were queued."""
        queued: list[Any] = []
        if case.kind == MessageKind.INTERNAL_REVIEW:
            clock = case_clock(case, self.settings, now.date())
            original = next((e.data.get("review_of") for e in case.events if e.type == "received"), None)
            queued.append(self.notifier.queue(s, case, NoticePurpose.REVIEW_ACKNOWLEDGEMENT, now=now,
                                              extra={"original_reference": original, "decide_by": clock.due}))
        elif case.kind == MessageKind.REUSE_REQUEST:
            clock = case_clock(case, self.settings, now.date())
            queued.append(self.notifier.queue(s, case, NoticePurpose.REUSE_ACKNOWLEDGEMENT, now=now,
                                              extra={"answer_by": clock.due}))
        elif case.regime == Regime.SAR:
            queued.append(self.notifier.queue(s, case, NoticePurpose.SAR_NOTICE, now=now))
        elif triage.valid is False:
            # The clock stops at receipt: the request was never complete (FOIA s.1(3), s.8).
            done = self._ask_for_clarification(s, case, now, ask=None, actor="foi-intake", at=case.received_at)
            return len(done.notices) + self._media_alert(s, case, triage, now)
        elif case.regime in ACK_REGIMES:
            queued.append(self.notifier.queue(s, case, NoticePurpose.ACKNOWLEDGEMENT, now=now))
        return sum(q.notice_id is not None for q in queued) + self._media_alert(s, case, triage, now)

    def _media_alert(self, s: Session, case: Case, triage: Triage, now: datetime) -> int:
        if not triage.media:
            return 0
        q = self.notifier.queue(s, case, NoticePurpose.MEDIA_ALERT, now=now, extra={"outlet": triage.media_outlet})
        return int(q.notice_id is not None)

    def reply_received(self, s: Session, case: Case, message: Message, triage: Triage, now: datetime) -> str:
        """A requester's message on an existing case; returns the event type recorded."""
        if case.status != CaseStatus.AWAITING_CLARIFICATION:
            add_event(s, case, EventType.CORRESPONDENCE_RECEIVED, message.arrived_at,
                      {"message": message.id, "kind": triage.kind})
            return EventType.CORRESPONDENCE_RECEIVED
        # What the reply supplies fills what the request lacked (FOIA s.8; policy 7.2).
        supplied = {"name": triage.name, "address": triage.address,
                    "description": triage.description and triage.kind != MessageKind.GENERAL_ENQUIRY}
        if "name" in case.missing and triage.name:
            case.requester_name = triage.name
        if "address" in case.missing and triage.address:
            case.requester_email = triage.address if "@" in triage.address else case.requester_email
            case.requester_address = triage.address
        still = [p for p in case.missing if not supplied.get(p)]
        complete = not (case.missing and still)
        event = add_event(s, case, EventType.CLARIFICATION_RECEIVED, message.arrived_at,
                          {"message": message.id, "kind": triage.kind, "complete": complete})
        if not complete:
            case.missing = still
            add_event(s, case, EventType.NOTE, now,
                      {"text": "clarification received; still missing: " + ", ".join(still)}, actor="foi-intake")
            log.info("%s: clarification received, still missing %s: left for a person", case.reference, still)
            return EventType.CLARIFICATION_RECEIVED
        case.missing, case.valid = [], True
        s.flush()
        if case.regime in ACK_REGIMES:
            # The 20 working days start again from the clarification (FOIA s.1(3), s.10(6)(b)).
            self.notifier.queue(s, case, NoticePurpose.ACKNOWLEDGEMENT, now=now,
                                key=f"acknowledgement:{case.reference}:{event.id}")
        return EventType.CLARIFICATION_RECEIVED

    # -- actions by the DSP team ---------------------------------------------------------------

    def _ask_for_clarification(self, s: Session, case: Case, now: datetime, ask: str | None, actor: str,
                               at: datetime | None = None) -> Done:
        at = at or now
        event = add_event(s, case, EventType.CLARIFICATION_REQUESTED, at, {"ask": ask, "missing": list(case.missing)},
                          actor=actor)
        s.flush()
        queued = self.notifier.queue(
            s, case, NoticePurpose.CLARIFICATION, now=now, key=f"clarification:{case.reference}:{event.id}",
            extra={"missing": missing_context(list(case.missing)), "ask": ask,
                   "restart": self.settings.clock.clarification_restart,
                   "lapse_on": last_day_before(clarification_lapses_on(at.date()))})
        return Done("clarification requested; the clock is stopped", _ids(queued))

    def clarify(self, s: Session, case: Case, ask: str, now: datetime, actor: str) -> Done:
        self._require_open(case)
        return self._ask_for_clarification(s, case, now, ask=ask, actor=actor)

    def fee(self, s: Session, case: Case, amount: Decimal, breakdown: str, now: datetime, actor: str) -> Done:
        self._require_open(case)
        if amount <= 0:
            raise ActionRefused("the fee must be more than £0")
        event = add_event(s, case, EventType.FEE_NOTICE, now, {"amount": str(amount), "breakdown": breakdown},
                          actor=actor)
        s.flush()
        queued = self.notifier.queue(s, case, NoticePurpose.FEES, now=now, key=f"fees:{case.reference}:{event.id}",
                                     extra={"amount": amount, "breakdown": breakdown,
                                            "lapse_on": last_day_before(fee_lapses_on(now.date()))})
        return Done(f"fees notice for £{amount:,.2f}; the clock is paused until payment (s.10(2))", _ids(queued))

    def fee_paid(self, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if case.status != CaseStatus.AWAITING_FEE:
            raise ActionRefused(f"{case.reference} is not waiting for a fee (status {case.status})")
        add_event(s, case, EventType.FEE_PAID, now, actor=actor)
        s.flush()
        return Done(f"fee paid; due {case_clock(case, self.settings, now.date()).due}")

    def extend(self, s: Session, case: Case, reason: str, exemptions: list[str], now: datetime, actor: str,
               until: date | None = None, days: int | None = None) -> Done:
        self._require_open(case)
        chosen = [lookup(code) for code in exemptions]
        before = case_clock(case, self.settings, now.date()).due
        data: dict[str, Any] = {"exemptions": [e.section for e in chosen]}
        if until:
            data["until"] = until.isoformat()
        if days:
            data["days"] = days
        if reason == "pit":
            if not chosen:
                raise ActionRefused("a public interest extension names the exemption considered (s.17(2)): "
                                    "--exemption s43")
            if any(e.absolute for e in chosen):
                raise ActionRefused("an absolute exemption has no public interest test to extend for")
            event_type = EventType.PIT_EXTENSION
        elif reason == "eir":
            if case.regime not in (Regime.EIR, Regime.FOI_EIR):
                raise ActionRefused("an EIR extension (reg 7) applies to environmental information only")
            event_type = EventType.EIR_EXTENSION
        else:
            raise ActionRefused(f"unknown extension reason {reason!r}: pit or eir")
        event = add_event(s, case, event_type, now, data, actor=actor)
        s.flush()
        after = case_clock(case, self.settings, now.date())
        if after.due == before:
            raise ActionRefused(f"the extension does not move the due date ({after.notes[-1] if after.notes else ''})")
        queued = self.notifier.queue(
            s, case, NoticePurpose.EXTENSION, now=now, key=f"extension:{case.reference}:{event.id}",
            extra={"reason": reason, "exemptions": [_exemption_context(e) for e in chosen],
                   "new_due": after.due, "original_due": before})
        return Done(f"extended from {before} to {after.due}", _ids(queued))

    def comms_signoff(self, s: Session, case: Case, now: datetime, actor: str, by: str | None) -> Done:
        if "media" not in case.flags:
            raise ActionRefused(f"{case.reference} is not a media request")
        add_event(s, case, EventType.COMMS_SIGNOFF, now, {"by": by or actor}, actor=actor)
        return Done("Communications sign-off recorded (policy 18.2)")

    def respond(self, s: Session, case: Case, outcome: str, exemptions: list[str], now: datetime, actor: str,
                sent_on: date | None = None, late_reason: str | None = None) -> Done:
        if outcome not in OUTCOMES:
            raise ActionRefused(f"outcome must be one of {', '.join(OUTCOMES)}")
        if case.status in (CaseStatus.RESPONDED, CaseStatus.CLOSED):
            raise ActionRefused(f"{case.reference} is already {case.status}; reopen it first")
        chosen = [lookup(code) for code in exemptions]
        if outcome in ("part", "refused") and not chosen:
            raise ActionRefused("a refusal names the exemptions it relies on (s.17(1)): --exemption s31")
        if "media" in case.flags and not any(e.type == EventType.COMMS_SIGNOFF for e in case.events):
            raise ActionRefused("a media request needs Communications' sign-off before the response goes "
                                f"(policy 18.2): foi-intake case {case.reference} comms-signoff")
        when = datetime.combine(sent_on, now.timetz()) if sent_on else now
        add_event(s, case, EventType.RESPONDED, when, {"outcome": outcome, "exemptions": [e.section for e in chosen],
                                               "late_reason": late_reason}, actor=actor)
        case.decision, case.exemptions = outcome, [e.section for e in chosen]
        case.completed_at, case.sent_at = now, when
        s.flush()
        clock = case_clock(case, self.settings, now.date())
        return Done(f"responded ({outcome}); {clock.state}: {clock.state_reason}")

    def transfer(self, s: Session, case: Case, authority: str, contact: str | None, now: datetime,
                 actor: str) -> Done:
        add_event(s, case, EventType.TRANSFERRED, now, {"to": authority, "contact": contact}, actor=actor)
        add_event(s, case, EventType.CLOSED, now, {"reason": f"transferred to {authority}"}, actor=actor)
        case.decision = "transferred"
        s.flush()
        queued = self.notifier.queue(s, case, NoticePurpose.TRANSFER, now=now,
                                     extra={"authority": authority, "authority_contact": contact})
        return Done(f"signposted to {authority} (policy 19.1)", _ids(queued))

    def review_open(self, s: Session, case: Case, now: datetime, actor: str) -> tuple[Case, Done]:
        review = Case(
            reference=next_reference(s, self.settings.organisation.reference_format, now.date()),
            kind=MessageKind.INTERNAL_REVIEW,
            regime=case.regime if case.regime in (Regime.FOI, Regime.EIR) else Regime.FOI,
            flags=[f for f in case.flags if f == "media"], initial_received_at=now, received_at=now,
            requester_name=case.requester_name, requester_email=case.requester_email,
            requester_address=case.requester_address, description=f"Internal review of {case.reference}",
            questions=[], method="email", valid=None, missing=[], reasons=[])
        s.add(review)
        s.flush()
        add_event(s, review, EventType.RECEIVED, now, {"review_of": case.reference}, actor=actor)
        add_event(s, case, EventType.REVIEW_OPENED, now, {"review": review.reference}, actor=actor)
        s.flush()
        clock = case_clock(review, self.settings, now.date())
        queued = self.notifier.queue(s, review, NoticePurpose.REVIEW_ACKNOWLEDGEMENT, now=now,
                                     extra={"original_reference": case.reference, "decide_by": clock.due})
        return review, Done(f"internal review {review.reference} opened, decide by {clock.due}", _ids(queued))

    def review_close(self, s: Session, case: Case, outcome: str, now: datetime, actor: str) -> Done:
        if case.kind != MessageKind.INTERNAL_REVIEW:
            raise ActionRefused(f"{case.reference} is not an internal review")
        if outcome not in REVIEW_OUTCOMES:
            raise ActionRefused(f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}")
        add_event(s, case, EventType.RESPONDED, now, {"outcome": outcome, "closes": True}, actor=actor)
        case.decision, case.completed_at, case.sent_at = outcome, now, now
        s.flush()
        return Done(f"internal review closed: {outcome}")

    def reopen(self, s: Session, case: Case, now: datetime, actor: str) -> Done:
        if case.status == CaseStatus.OPEN:
            raise ActionRefused(f"{case.reference} is already open")
        add_event(s, case, EventType.REOPENED, now, {"was": case.status}, actor=actor)
        return Done("reopened")

    def note(self, s: Session, case: Case, text: str, now: datetime, actor: str, ico: bool = False) -> Done:
        add_event(s, case, EventType.ICO_COMMUNICATION if ico else EventType.NOTE, now, {"text": text}, actor=actor)
        return Done("ICO communication recorded" if ico else "note added")

    def _require_open(self, case: Case) -> None:
        if case.status != CaseStatus.OPEN:
            raise ActionRefused(f"{case.reference} is {case.status}, not open")

    # -- every day --------------------------------------------------------------------------------

    def open_days_left(self, today: date, due: date, working_days_left: int) -> int:
        """Working days left on which the office is open: closure days count in law, not for the team."""
        closed = sum(1 for d in self.settings.clock.closure_days
                     if today < d <= due and _calendar(self.settings).is_working_day(d))
        return max(working_days_left - closed, 0)

    def daily(self, s: Session, now: datetime) -> dict[str, int]:
        """Lapses, reminders, overdue alerts and the digest; safe to run more than once a day."""
        today = now.date()
        counts = {"lapsed": 0, "reminders": 0, "overdue": 0, "digest": 0}
        for case in s.scalars(select(Case).where(Case.status.in_(LIVE_STATUSES))):
            clock = case_clock(case, self.settings, today)
            if clock.state == "lapsed":
                reason = "fee" if case.status == CaseStatus.AWAITING_FEE else "clarification"
                since = next((e.at.date() for e in reversed(case.events)
                              if e.type in (EventType.FEE_NOTICE, EventType.CLARIFICATION_REQUESTED)), today)
                add_event(s, case, EventType.CLOSED, now, {"reason": f"lapsed: no {reason}"}, actor="foi-intake")
                case.decision = f"lapsed ({reason})"
                s.flush()
                self.notifier.queue(s, case, NoticePurpose.LAPSE, now=now, extra={"reason": reason, "since": since})
                counts["lapsed"] += 1
            elif clock.state == "overdue" and clock.due:
                days_late = _calendar(self.settings).working_days_between(clock.due, today)
                q = self.notifier.queue(s, case, NoticePurpose.OVERDUE, now=now,
                                        key=f"overdue:{case.reference}:{clock.due}", extra={"days_late": days_late})
                counts["overdue"] += q.notice_id is not None
            elif clock.state == "running" and clock.working_days_remaining is not None and clock.due:
                left = self.open_days_left(today, clock.due, clock.working_days_remaining)
                for n in sorted(self.settings.responders.reminder_days):
                    if left <= n:
                        q = self.notifier.queue(s, case, NoticePurpose.REMINDER, now=now,
                                                key=f"reminder:{case.reference}:{clock.due}:{n}",
                                                extra={"days_left": left, "state": clock.state})
                        counts["reminders"] += q.notice_id is not None
                        break
        q = self.notifier.queue_digest(s, digest_context(s, self.settings, today), now=now)
        counts["digest"] = int(q.notice_id is not None)
        return counts


def last_day_before(lapses_on: date) -> date:
    """The clock reports the first day a request has lapsed; a notice names the last day to act."""
    return lapses_on - timedelta(days=1)


def _calendar(settings: Settings) -> WorkingCalendar:
    return WorkingCalendar(settings.clock.extra_non_working_days)


def _ids(q: Any) -> tuple[int, ...]:
    return (q.notice_id,) if q.notice_id else ()


def _exemption_context(e: Exemption) -> dict[str, Any]:
    return {"section": e.section, "title": e.title, "kind": "absolute" if e.absolute else "qualified",
            "summary": e.summary}


def queue_name(case: Case | None, message: Message) -> str:
    """Which queue (IMAP folder) a message belongs in (names are configuration)."""
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


def digest_context(s: Session, settings: Settings, today: date) -> dict[str, Any]:
    """The daily digest's sections: new cases by queue, due soon, overdue, stopped, lapsing, needs a person."""
    since = datetime.combine(today - timedelta(days=1), datetime.min.time()).astimezone()
    new_by_queue: dict[str, list[dict[str, Any]]] = {}
    due_soon, overdue, stopped, lapsing = [], [], [], []
    for case in s.scalars(select(Case).order_by(Case.id)):
        clock = case_clock(case, settings, today)
        row = {"reference": case.reference, "requester_name": case.requester_name, "kind": case.kind,
               "regime": case.regime, "due": clock.due, "state": clock.state, "note": ""}
        if case.created_at >= since:
            first = s.scalar(select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1))
            queue = settings.queues.folders[queue_name(case, first)] if first else "—"
            new_by_queue.setdefault(queue, []).append(row)
        if case.status not in LIVE_STATUSES:
            continue
        if clock.state == "overdue":
            overdue.append(row)
        elif clock.state == "stopped":
            stopped.append({**row, "note": clock.state_reason})
            if clock.lapses_on and clock.lapses_on <= _calendar(settings).add_working_days(today, 10):
                lapsing.append({**row, "note": f"lapses on {clock.lapses_on:%d %b %Y}"})
        elif clock.working_days_remaining is not None and clock.working_days_remaining <= 5:
            left = clock.working_days_remaining
            due_soon.append({**row, "note": f"{left} working day{'' if left == 1 else 's'} left"})
    people = [{"id": m.id, "subject": m.subject, "problem": m.problem, "received": m.arrived_at}
              for m in s.scalars(select(Message).where(Message.status == MessageStatus.NEEDS_PERSON)
                                 .order_by(Message.id))]
    return {"today": today, "new_by_queue": new_by_queue, "due_soon": due_soon, "overdue": overdue,
            "stopped": stopped, "lapsing": lapsing, "needs_person": people}



"""Queue notices into the outbox: threaded with the case, loop-safe, and in the organisation's words."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, Message, Notice, add_event
from intake.caselog.views import case_clock
from intake.vocabulary import EventType, MessageStatus, NoticePurpose, NoticeStatus
from responders.compose import compose, reply_subject, safe_header
from responders.render import Renderer

__all__ = ["INTERNAL_SUBJECTS", "PAUSED_BY", "REQUESTER_NOTICES", "Notifier", "Queued", "case_context",
           "organisation_context"]

log = logging.getLogger(__name__)

# Notices to the organisation's own teams, with their subjects; every other notice goes to the requester.
INTERNAL_SUBJECTS: dict[str, str] = {
    NoticePurpose.MEDIA_ALERT: "Media request {reference}: Communications sign-off needed",
    NoticePurpose.REMINDER: "Reminder: {reference} due {due}",
    NoticePurpose.OVERDUE: "OVERDUE: {reference} was due {due}",
    NoticePurpose.DIGEST: "FOI daily digest {today}",
    NoticePurpose.MONTHLY_REPORT: "FOI monthly report: {month}",  # composed by responders.reports.monthly
}
REQUESTER_NOTICES = frozenset(NoticePurpose) - frozenset(INTERNAL_SUBJECTS)
# The event each pausing notice announces: that event takes effect on the clock only once the notice is sent.
PAUSED_BY: dict[str, EventType] = {NoticePurpose.CLARIFICATION: EventType.CLARIFICATION_REQUESTED,
                                   NoticePurpose.FEES: EventType.FEE_NOTICE,
                                   NoticePurpose.SAR_ID_REQUEST: EventType.ID_REQUESTED,
                                   NoticePurpose.SAR_CLARIFICATION: EventType.CLARIFICATION_REQUESTED}


@dataclass(frozen=True)
class Queued:
    notice_id: int | None
    suppressed: str | None = None  # why no notice was queued
    held: str | None = None  # why the notice waits for a person (`foi-intake outbox retry ID` sends it)


def organisation_context(settings: Settings) -> dict[str, Any]:
    org, rs = settings.organisation, settings.responders
    return {
        "name": org.name, "foi_address": org.foi_address, "dsp_address": org.dsp_address,
        "comms_address": org.comms_address, "signature": rs.signature,
        "review_contact": rs.review_contact or f"the Freedom of Information team, {org.name}, {org.foi_address}",
        "how_to_pay": rs.how_to_pay or f"Please reply to {org.foi_address} and we will tell you how to pay.",
        "sar_contact": rs.sar_contact or org.dsp_address, "sar_identification": rs.sar_identification,
        "website": rs.website, "publication_scheme_url": rs.publication_scheme_url,
        "desk_url": settings.web.base_url,  # the web desk, for links in the team's own mail ("" for none)
    }


def case_context(case: Case, settings: Settings, today: date | None = None) -> dict[str, Any]:
    clock = case_clock(case, settings, today)
    return {
        "reference": case.reference, "requester_name": case.requester_name, "regime": case.regime,
        "received": clock.received, "due": clock.due, "description": case.description,
        "questions": list(case.questions), "kind": case.kind,
        "welsh": "welsh" in case.flags,  # Welsh Language Standards: answered in Welsh
    }


class Notifier:
    """Renders a notice and adds it to the outbox, once per purpose, within the loop limits."""

    def __init__(self, settings: Settings, renderer: Renderer | None = None) -> None:
        self.settings = settings
        self.renderer = renderer or Renderer(settings.responders.templates_dir)
        org = settings.organisation
        self.own = {org.foi_address.lower()}
        self.teams = {org.dsp_address.lower(), org.comms_address.lower()}  # never a requester's address

    def queue_digest(self, s: Session, context: dict[str, Any], *, now: datetime) -> Queued:
        """The daily digest to the DSP team: once a day, about no one case."""
        org = self.settings.organisation
        key = f"digest:{now.date().isoformat()}"
        if s.scalar(select(Notice.id).where(Notice.dedup_key == key)) is not None:
            return Queued(None, "already queued")
        composed = compose(self.renderer, NoticePurpose.DIGEST, {"org": organisation_context(self.settings), "now": now,
                                                     **context},
                           sender=org.foi_address, sender_name=f"{org.name} FOI", to=org.dsp_address,
                           subject=INTERNAL_SUBJECTS[NoticePurpose.DIGEST].format(today=now.date().isoformat()),
                           now=now)
        notice = Notice(case_id=None, dedup_key=key, kind=NoticePurpose.DIGEST, to_address=org.dsp_address,
                        subject=composed.subject, message_id=composed.message_id, raw=composed.raw)
        s.add(notice)
        s.flush()
        return Queued(notice.id)

    def queue(self, s: Session, case: Case, kind: NoticePurpose, *, now: datetime, key: str | None = None,
              to: str | None = None, extra: dict[str, Any] | None = None, pauses: int | None = None) -> Queued:
        """Queue notice `kind` about `case`; `key` makes it once-only (default: once per case).

        `pauses` is the id of the event this notice announces (a clarification, fee or ID request): the clock
        takes it into account only once this notice is sent. Clarification and fees notices find theirs."""
        org = self.settings.organisation
        internal = kind not in REQUESTER_NOTICES
        to = (to or (org.comms_address if kind == NoticePurpose.MEDIA_ALERT else
                     org.dsp_address if internal else case.requester_email) or "").lower()
        dedup_key = key or f"{kind}:{case.reference}"
        if s.scalar(select(Notice.id).where(Notice.dedup_key == dedup_key)) is not None:
            return Queued(None, "already queued")
        pauses = pauses if pauses is not None else self._announced_event(s, case, kind)
        link = {} if pauses is None else {"pauses": pauses}
        why_not = self._why_not(to, internal)
        if why_not:
            add_event(s, case, EventType.NOTICE_SUPPRESSED, now, {"notice": kind, "to": to, "why": why_not, **link})
            log.warning("%s for %s not queued: %s", kind, case.reference, why_not)
            return Queued(None, why_not)
        context = {"org": organisation_context(self.settings),
                   "case": case_context(case, self.settings, now.date()), "now": now, **(extra or {})}
        in_reply_to, references = (None, ()) if internal else self._thread(s, case)
        composed = compose(self.renderer, kind, context, sender=org.foi_address,
                           sender_name=f"{org.name} FOI", to=to, subject=self._subject(s, case, kind, now),
                           in_reply_to=in_reply_to, references=references, now=now)
        loop = None if internal else self._loop(s, case, to)
        notice = Notice(case=case, dedup_key=dedup_key, kind=kind, to_address=to, subject=composed.subject,
                        message_id=composed.message_id, raw=composed.raw, last_error=loop,
                        status=NoticeStatus.HELD if loop else NoticeStatus.PENDING)
        s.add(notice)
        s.flush()
        add_event(s, case, EventType.NOTICE_QUEUED, now, {"notice": kind, "to": to, "id": notice.id, **link})
        if loop:  # never dropped: held where the digest, `status` and `outbox list` show it, for a person to send
            add_event(s, case, EventType.NOTICE_HELD, now, {"notice": kind, "id": notice.id, "why": loop, **link})
            log.warning("%s %s for %s held for a person: %s", kind, notice.id, case.reference, loop)
        return Queued(notice.id, held=loop)

    @staticmethod
    def _announced_event(s: Session, case: Case, kind: NoticePurpose) -> int | None:
        """The latest event of the type this notice announces (the desk writes it just before queueing)."""
        wanted = PAUSED_BY.get(kind)
        if wanted is None:
            return None
        event = next((e for e in reversed(case.events) if e.type == wanted), None)
        if event is not None and event.id is None:
            s.flush()
        return event.id if event is not None else None

    def _why_not(self, to: str, internal: bool) -> str | None:
        if not to or "@" not in to:
            return "no email address to write to"
        if to in self.own:
            return "it would be addressed to our own mailbox"
        if not internal and to in self.teams:
            return "it would be addressed to the organisation's own team, not a requester"
        return None

    def _loop(self, s: Session, case: Case, to: str) -> str | None:
        """The loop guard (RFC 3834 section 2): how many automatic notices this sender had from us in the 24 hours
        before its message arrived. A robot answers what we sent; a flood of requests that arrive together is
        not a loop, each is acknowledged. The robot is known by its From, the thread it answers in and its
        words, not only by the address we would answer, which a robot may change with every ticket."""
        trigger = s.execute(select(Message.from_address, Message.body_shape, Message.thread, Message.stored_at)
                            .where(Message.case_id == case.id, Message.status == MessageStatus.PROCESSED)
                            .order_by(Message.id.desc()).limit(1)).first()
        if trigger is None:
            return None  # a case a person opened by hand: no message of a robot's to answer
        answered = s.scalar(_answered(to, trigger.from_address, trigger.body_shape, trigger.thread,
                                      trigger.stored_at)) or 0
        limit = self.settings.responders.notices_per_sender_per_day
        if answered < limit:
            return None
        return (f"loop guard: {answered} automatic notices went to this sender in the 24 hours before its message "
                f"(limit {limit}); it may be a robot answering us")

    def _thread(self, s: Session, case: Case) -> tuple[str | None, tuple[str, ...]]:
        """Reply to the requester's latest message; References carry the whole exchange."""
        theirs = [m for m in s.scalars(select(Message.message_id).where(Message.case_id == case.id)
                                       .order_by(Message.id)) if m]
        ours = [n.message_id for n in case.notices if n.kind in REQUESTER_NOTICES]
        chain = tuple(dict.fromkeys([*theirs[:1], *ours, *theirs[1:]]))
        return (theirs[-1] if theirs else None), chain

    def _subject(self, s: Session, case: Case, kind: NoticePurpose, now: datetime) -> str:
        if kind in INTERNAL_SUBJECTS:
            clock = case_clock(case, self.settings, now.date())
            return safe_header(INTERNAL_SUBJECTS[kind].format(
                reference=case.reference, due=clock.due.isoformat() if clock.due else "-",
                today=now.date().isoformat()))
        first = s.scalar(select(Message.subject).where(Message.case_id == case.id).order_by(Message.id).limit(1))
        return reply_subject(case.reference, first or case.description or "Your request")


def _answered(to: str, sender: str | None, shape: str | None, thread: str | None, at: datetime) -> Select[int]:
    """How many automatic notices, sent in the 24 hours before `at`, went to the same robot: to `to` or to the cases
    of messages from `sender`, for a message with the same words (`shape`), or in the same `thread`. Three lookups
    by index (the address, the words, the thread), never a scan of every notice: the log only grows."""
    window = (Notice.kind.in_(REQUESTER_NOTICES), Notice.sent_at.is_not(None), Notice.sent_at <= at,
              Notice.sent_at >= at - timedelta(days=1))
    processed = Message.status == MessageStatus.PROCESSED
    alike = select(Message.case_id).where(Message.body_shape == shape, processed)
    branches = [select(Notice.id).where(*window, Notice.to_address == to, Notice.case_id.in_(alike)),
                select(Notice.id).where(*window, Notice.case_id.in_(alike.where(Message.from_address == sender)))]
    if thread is not None:
        in_thread = select(Message.case_id).where(Message.thread == thread, processed)
        branches.append(select(Notice.id).where(*window, Notice.case_id.in_(in_thread)))
    return select(func.count()).select_from(union(*branches).subquery())

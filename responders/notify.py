"""Queue notices into the outbox: threaded with the case, loop-safe, and in the organisation's words."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, Message, Notice, add_event
from intake.caselog.views import case_clock
from intake.mailbox import ParseError, parse
from intake.vocabulary import EventType, NoticePurpose
from responders.compose import compose, reply_subject, safe_header
from responders.render import Renderer

__all__ = ["INTERNAL_SUBJECTS", "PAUSED_BY", "REQUESTER_NOTICES", "Notifier", "Queued", "case_context",
           "organisation_context", "request_fingerprint"]

log = logging.getLogger(__name__)

# Notices to the organisation's own teams, with their subjects; every other notice goes to the requester.
INTERNAL_SUBJECTS: dict[str, str] = {
    NoticePurpose.MEDIA_ALERT: "Media request {reference}: Communications sign-off needed",
    NoticePurpose.REMINDER: "Reminder: {reference} due {due}",
    NoticePurpose.OVERDUE: "OVERDUE: {reference} was due {due}",
    NoticePurpose.DIGEST: "FOI daily digest {today}",
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


def request_fingerprint(s: Session, case: Case) -> str:
    """What a case's request says with digits, quoted lines, case and punctuation gone: a robot's mail differs
    only in those (ticket numbers, our quoted notice), a person's distinct requests do not."""
    first = s.scalar(select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1))
    text = ""
    if first is not None and first.raw_is_complete:
        try:
            text = parse(first.raw).text
        except ParseError:
            text = ""
    if not text.strip():
        text = " ".join([case.description or "", *case.questions])
    kept = " ".join(line for line in text.lower().splitlines() if not line.lstrip().startswith(">"))
    return hashlib.sha256(re.sub(r"[^a-z]+", " ", kept).strip().encode()).hexdigest()


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
        self.own = {settings.organisation.foi_address.lower()}

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
        why_not = self._why_not(s, case, to, internal, now)
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
        notice = Notice(case=case, dedup_key=dedup_key, kind=kind, to_address=to,
                        subject=composed.subject, message_id=composed.message_id, raw=composed.raw)
        s.add(notice)
        s.flush()
        add_event(s, case, EventType.NOTICE_QUEUED, now, {"notice": kind, "to": to, "id": notice.id, **link})
        return Queued(notice.id)

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

    def _why_not(self, s: Session, case: Case, to: str, internal: bool, now: datetime) -> str | None:
        if not to or "@" not in to:
            return "no email address to write to"
        if to in self.own:
            return "it would be addressed to our own mailbox"
        if internal:
            return None
        limit = self.settings.responders.notices_per_sender_per_day
        # A robot repeats itself, a busy person does not: only notices answering near-identical requests count.
        recent_cases = s.scalars(select(Notice.case_id).where(
            Notice.to_address == to, Notice.kind.in_(REQUESTER_NOTICES), Notice.case_id.is_not(None),
            Notice.created_at >= now - timedelta(days=1))).all()
        fingerprints = {cid: request_fingerprint(s, c) for cid in set(recent_cases) | {case.id}
                        if (c := s.get(Case, cid)) is not None}
        recent = sum(fingerprints.get(cid) == fingerprints.get(case.id) for cid in recent_cases)
        if recent >= limit:
            return f"{recent} automatic notices to this address in the last 24 hours (limit {limit})"
        return None

    def _thread(self, s: Session, case: Case) -> tuple[str | None, tuple[str, ...]]:
        """Reply to the requester's latest message; References carry the whole exchange."""
        theirs = [m.message_id for m in s.scalars(select(Message).where(Message.case_id == case.id)
                                                   .order_by(Message.id)) if m.message_id]
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

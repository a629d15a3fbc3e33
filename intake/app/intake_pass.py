"""One intake pass: fetch → store raw → parse → classify → case log and clock → queue notices."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from classifier import Classifier, Triage, build_classifier
from config.settings import Settings
from intake.caselog import Case, Message, Notice, add_event, allocate_reference, find_case, utcnow
from intake.caselog.clock import WorkingCalendar
from intake.caselog.store import StoreCounts, fetch_and_store
from intake.mailbox import (
    TRANSIENT_ERRORS,
    ParsedMessage,
    ParseError,
    Source,
    open_source,
    parse,
    with_reconnect,
)
from intake.vocabulary import CASE_KINDS, CaseStatus, EventType, Handling, MessageKind, MessageStatus, Regime
from responders.desk import Desk
from responders.notify import Notifier
from responders.render import Renderer
from responders.routing import queue_name

log = logging.getLogger(__name__)


def describe(subject: str, questions: list[str]) -> str | None:
    """Policy 7.5's "description of the information": the subject and the questions asked."""
    text = "; ".join([subject, *questions]) if questions else subject
    return text[:2000] or None


_MESSAGE_IDS = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
# Requests from one person within 60 consecutive working days may be aggregated (Fees Regs reg 5; policy 13.1).
RELATED_WITHIN_WORKING_DAYS = 60


@dataclass
class PollReport(StoreCounts):
    processed: int = 0
    cases_opened: list[str] = field(default_factory=list)
    attached: int = 0
    ignored: int = 0
    needs_person: int = 0
    notices_queued: int = 0
    filed: int = 0
    refiled: int = 0  # moved after their case, which changed state since they were filed

    def summary(self) -> str:
        return (f"stored={self.stored} duplicates={self.duplicates} processed={self.processed} "
                f"cases_opened={len(self.cases_opened)} attached={self.attached} "
                f"ignored={self.ignored} needs_person={self.needs_person} "
                f"notices_queued={self.notices_queued} filed={self.filed} refiled={self.refiled}")


class Intake:
    def __init__(self, settings: Settings, sessions: sessionmaker[Session],
                 classifier: Classifier | None = None,
                 source: Source | None = None,
                 renderer: Renderer | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sessions = sessions
        self.classifier = classifier or build_classifier(settings)
        self.source = source or open_source(settings.mailbox)
        self.renderer = renderer or Renderer(settings.responders.templates_dir)
        self.desk = Desk(settings, Notifier(settings, self.renderer))
        self.sleep = sleep
        self.tz = ZoneInfo(settings.organisation.timezone)
        self.calendar = WorkingCalendar(settings.clock.extra_non_working_days)

    # -- fetch and store -------------------------------------------------------------------

    def poll_once(self) -> PollReport:
        report = PollReport()
        self.fetch_and_store(report)
        self.process_pending(report)
        if self.settings.queues.file_messages:
            self.file_pending(report)
        log.info("poll: %s", report.summary())
        return report

    def file_pending(self, report: PollReport) -> None:
        """Move handled messages into their case's folder, and earlier ones after their case, so the DSP team
        works from folders; a move that fails is retried at the next poll (filed_in changes only after it)."""
        self._file_new(report)
        self._follow_cases(report)

    def _follow_cases(self, report: PollReport) -> None:
        """Messages whose case has changed state since they were filed move to the case's folder now."""
        folders = self.settings.queues.folders
        with self.sessions() as s:
            rows = s.scalars(select(Message).where(
                Message.source == self.source.key, Message.filed_in.is_not(None), Message.case_id.is_not(None),
                Message.message_id.is_not(None)).order_by(Message.id)).all()
            moves: dict[tuple[str, str], list[Message]] = {}
            for m in rows:
                folder = folders[queue_name(m.case, m)]
                if m.filed_in is not None and folder != m.filed_in:
                    moves.setdefault((m.filed_in, folder), []).append(m)
            for (old, new), messages in moves.items():
                try:
                    self.source.refile(old, new, [m.message_id for m in messages if m.message_id])
                except TRANSIENT_ERRORS as exc:
                    self.source.reset()
                    log.warning("moving %d message(s) from %s to %s failed, will retry at the next poll: %s",
                                len(messages), old, new, type(exc).__name__)
                    return
                for m in messages:
                    m.filed_in = new
                s.commit()
                report.refiled += len(messages)

    def _file_new(self, report: PollReport) -> None:
        """Move newly handled messages from the polled folder into their queue's folder."""
        with self.sessions() as s:
            rows = s.scalars(select(Message).where(Message.source == self.source.key, Message.filed_in.is_(None),
                                                   Message.status != MessageStatus.RECEIVED)
                             .order_by(Message.id)).all()
            by_folder: dict[str, list[Message]] = {}
            for m in rows:
                by_folder.setdefault(self.settings.queues.folders[queue_name(m.case, m)], []).append(m)
            for folder, messages in by_folder.items():
                try:
                    self.source.file(folder, [(m.source_uid, m.uidvalidity, m.message_id) for m in messages])
                except TRANSIENT_ERRORS as exc:
                    self.source.reset()
                    log.warning("filing into %s failed, will retry at the next poll: %s: %s", folder,
                                type(exc).__name__, exc)
                    return
                for m in messages:
                    m.filed_in = folder
                s.commit()
                report.filed += len(messages)

    def fetch_and_store(self, report: PollReport) -> None:
        with_reconnect(self.source, self.settings.mailbox,
                       lambda: fetch_and_store(self.source, self.sessions, report), self.sleep)

    # -- process ---------------------------------------------------------------------------

    def process_pending(self, report: PollReport) -> None:
        with self.sessions() as s:
            ids = s.scalars(select(Message.id).where(Message.status == MessageStatus.RECEIVED)
                            .order_by(Message.id)).all()
        for message_id in ids:
            try:
                with self.sessions() as s:
                    msg = s.get(Message, message_id)
                    if msg is None or msg.status != MessageStatus.RECEIVED:
                        continue
                    self._process(s, msg, report)
                    s.commit()
                report.processed += 1
            except Exception as exc:  # one bad message must not stop the queue behind it
                log.error("message %s could not be processed: %s", message_id,
                          type(exc).__name__, exc_info=True)
                with self.sessions() as s:
                    msg = s.get(Message, message_id)
                    if msg is not None:
                        self._needs_person(msg, f"internal error: {type(exc).__name__}", report)
                        self._fill_headers(msg)  # so `messages list` shows whose message it is
                        s.commit()

    def _needs_person(self, msg: Message, problem: str, report: PollReport) -> None:
        msg.status, msg.problem = MessageStatus.NEEDS_PERSON, problem
        report.needs_person += 1
        log.warning("message %s (uid %s, %d bytes) needs a person: %s", msg.id, msg.source_uid,
                    msg.size, problem)

    def _process(self, s: Session, msg: Message, report: PollReport) -> None:
        if not msg.raw_is_complete:
            limit = self.settings.mailbox.max_message_bytes
            self._needs_person(msg, f"too large: {msg.size} bytes, limit {limit}; "
                                    "kept on the server, headers stored", report)
            self._fill_headers(msg)
            return
        try:
            parsed = parse(msg.raw)
        except ParseError as exc:
            self._needs_person(msg, f"unparseable: {exc}", report)
            return
        msg.from_address = parsed.from_address[:320] or None
        msg.from_name = parsed.from_name[:320] or None
        msg.subject = parsed.subject
        triage = self.classifier.classify(parsed)
        msg.triage = triage.to_json()
        if triage.handling == Handling.PERSON:  # the decision policy (classifier/policy.py): nothing is sent
            self._needs_person(msg, "; ".join(triage.person_reasons), report)
            return
        if triage.silent:
            msg.status = MessageStatus.IGNORED
            report.ignored += 1
            log.info("message %s is %s: filed, no reply", msg.id, triage.kind)
            if triage.kind == MessageKind.BOUNCE:
                self._record_bounce(s, msg)
            return
        linked = self._linked_case(s, parsed, triage)
        # On a case, a reply attaches; a review, a re-use request or a new request opens its own case,
        # except that whatever answers our request for clarification is the answer (s.1(3)).
        answers_us = (linked is not None and linked.status == CaseStatus.AWAITING_CLARIFICATION
                      and triage.kind == MessageKind.FOI_REQUEST)
        if linked is not None and (triage.kind not in CASE_KINDS or answers_us):
            self.attach(s, msg, linked, triage, report)
            return
        if triage.kind == MessageKind.CLARIFICATION_REPLY:
            self._needs_person(msg, "a reply to a case we cannot find", report)
            return
        if triage.kind not in CASE_KINDS:
            msg.status = MessageStatus.PROCESSED  # routine business: general enquiries queue
            return
        self.open_case(s, msg, parsed, triage, linked, report)

    def _record_bounce(self, s: Session, msg: Message) -> None:
        """A bounce of one of our notices goes on its case: the requester's address may not work."""
        ids = set(_MESSAGE_IDS.findall(msg.raw.decode("ascii", "replace")))
        if not ids:
            return
        for notice in s.scalars(select(Notice).where(Notice.message_id.in_(ids))):
            if notice.case is not None:
                add_event(s, notice.case, EventType.NOTICE_BOUNCED, msg.arrived_at,
                          {"notice": notice.kind, "to": notice.to_address, "message": msg.id, "id": notice.id})
                log.warning("notice %s (%s) bounced; recorded on %s", notice.id, notice.kind,
                            notice.case.reference)

    def _fill_headers(self, msg: Message) -> None:
        try:
            parsed = parse(msg.raw)
        except ParseError:
            return
        msg.from_address, msg.subject = parsed.from_address[:320] or None, parsed.subject

    def _linked_case(self, s: Session, parsed: ParsedMessage, triage: Triage) -> Case | None:
        """The case a message belongs to: our reference, else a reply to one of our notices, else
        (for a clarification) the same sender's case that is waiting for one."""
        if triage.reference:
            case = find_case(s, triage.reference)
            if case is not None:
                return case
        ids = [*parsed.in_reply_to, *parsed.references]
        if ids:
            notice = s.scalar(select(Notice).where(Notice.message_id.in_(ids)))
            if notice is not None and notice.case is not None:
                return notice.case
        if triage.kind == MessageKind.CLARIFICATION_REPLY and triage.address:
            return s.scalar(select(Case).where(Case.requester_email == triage.address,
                                               Case.status == CaseStatus.AWAITING_CLARIFICATION)
                            .order_by(Case.id.desc()).limit(1))
        return None

    def attach(self, s: Session, msg: Message, case: Case, triage: Triage,
               report: PollReport) -> None:
        msg.case, msg.status = case, MessageStatus.PROCESSED
        s.flush()
        event = self.desk.reply_received(s, case, msg, triage, utcnow())
        report.attached += 1
        log.info("message %s attached to %s as %s", msg.id, case.reference, event)

    def open_case(self, s: Session, msg: Message, parsed: ParsedMessage, triage: Triage,
                  linked: Case | None, report: PollReport) -> Case:
        initial = self._initial_received(msg, triage)
        received_local = msg.arrived_at.astimezone(self.tz).date()
        case = Case(
            reference=allocate_reference(s, self.settings.organisation, triage.regime,
                                         initial.astimezone(self.tz).date()),
            kind=triage.kind, regime=triage.regime, flags=triage.flags,
            initial_received_at=initial, received_at=msg.arrived_at,
            requester_name=triage.name,
            requester_email=triage.address if triage.address and "@" in triage.address else None,
            requester_address=triage.address, requester_postal_address=triage.postal_address,
            requester_social_handle=triage.social_handle,
            description=describe(parsed.subject, triage.questions), questions=triage.questions,
            method="email", valid=triage.valid, missing=triage.missing,
            reasons=triage.case_reasons(),
        )
        s.add(case)
        msg.case, msg.status = case, MessageStatus.PROCESSED
        data = {"message": msg.id, "received_by_dsp": received_local.isoformat()}
        if linked is not None:
            data["review_of" if triage.kind == MessageKind.INTERNAL_REVIEW else "related_to"] = linked.reference
        add_event(s, case, EventType.RECEIVED, initial, data)
        s.flush()
        report.cases_opened.append(case.reference)
        log.info("message %s opened %s (%s, %s)", msg.id, case.reference, case.kind, case.regime)
        self._flag_related(s, case)
        report.notices_queued += self.desk.opened(s, case, triage, utcnow())
        if triage.handling == Handling.ACKNOWLEDGE:  # acknowledged, never clarified: a person checks it
            self._needs_person(msg, "; ".join(triage.person_reasons), report)
        return case

    def _flag_related(self, s: Session, case: Case) -> None:
        """Flag a request as possibly related to the same person's recent ones (rules.md section 4): an event
        for the DSP team, who decide on aggregation or s.14(2); never a refusal, never fewer acknowledgements."""
        if case.requester_email is None or case.kind != MessageKind.FOI_REQUEST or case.regime == Regime.SAR:
            return
        received = case.initial_received_at.astimezone(self.tz).date()
        earlier = s.scalars(select(Case).where(
            Case.requester_email == case.requester_email, Case.id != case.id, Case.kind == MessageKind.FOI_REQUEST,
            Case.regime != Regime.SAR, Case.initial_received_at >= case.initial_received_at - timedelta(days=120))
            .order_by(Case.id)).all()
        related = [c.reference for c in earlier if self.calendar.working_days_between(
            c.initial_received_at.astimezone(self.tz).date(), received) <= RELATED_WITHIN_WORKING_DAYS]
        if related:
            add_event(s, case, EventType.POSSIBLY_RELATED, utcnow(), {"related_to": related})
            log.info("%s possibly related to %d earlier request(s) from the same requester", case.reference,
                     len(related))

    def _initial_received(self, msg: Message, triage: Triage) -> datetime:
        # Policy 5.10/7.5: a request forwarded by staff was received by the body on its own date.
        if triage.forwarded and isinstance(triage.original_received, date):
            original = datetime.combine(triage.original_received, dtime(12, 0), self.tz)
            if original.astimezone(UTC) < msg.arrived_at:
                return original.astimezone(UTC)
        return msg.arrived_at

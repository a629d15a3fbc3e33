"""One intake pass: fetch → store raw → parse → classify → case log and clock → queue notices."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from classifier import Classifier, Triage, build_classifier
from config.settings import Settings
from intake.app.filing import FilingCounts, Follower, file_pending
from intake.app.senders import find_duplicate, from_requester, note_identity, screen
from intake.caselog import Case, Message, Notice, add_event, allocate_reference, find_case, utcnow
from intake.caselog.clock import WorkingCalendar
from intake.caselog.faults import is_transient, temporary
from intake.caselog.store import StoreCounts, fetch_and_store
from intake.errors import fault_trace
from intake.mailbox import (
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
from responders.related import event_data as related_event_data
from responders.related import flood_data, related_requests
from responders.render import Renderer

log = logging.getLogger(__name__)


def describe(subject: str, questions: list[str]) -> str | None:
    """Policy 7.5's "description of the information": the subject and the questions asked."""
    text = "; ".join([subject, *questions]) if questions else subject
    return text[:2000] or None


# What may answer our request for clarification (FOIA s.1(3)).
_ANSWERS = frozenset({MessageKind.FOI_REQUEST, MessageKind.CLARIFICATION_REPLY})
_MESSAGE_IDS = re.compile(r"<[^<>\s@]+@[^<>\s]+>")


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
        self._classifier = classifier
        self.source = source or open_source(settings.mailbox)
        self.renderer = renderer or Renderer(settings.responders.templates_dir)
        self.desk = Desk(settings, Notifier(settings, self.renderer))
        self.sleep = sleep
        self.tz = ZoneInfo(settings.organisation.timezone)
        self.calendar = WorkingCalendar(settings.clock.extra_non_working_days)
        self.follower = Follower()  # after the first pass, filing looks again only at the cases changed since

    @property
    def classifier(self) -> Classifier:
        """Built at its first use: loading the statistical model is for the commands that classify, never for
        `cases`, `report`, `status` or `daily`."""
        if self._classifier is None:
            self._classifier = build_classifier(self.settings)
        return self._classifier

    @classifier.setter
    def classifier(self, value: Classifier) -> None:
        self._classifier = value

    # -- fetch and store -------------------------------------------------------------------

    def poll_once(self) -> PollReport:
        report = PollReport()
        self.fetch_and_store(report)
        self.process_pending(report)
        if self.settings.queues.file_messages:
            self.file_pending(report)
        # An empty pass is not an event: at INFO, one line a minute saying nothing would bury the ones that do.
        quiet = not (report.stored or report.duplicates or report.processed or report.refiled or report.filed)
        log.log(logging.DEBUG if quiet else logging.INFO, "poll: %s", report.summary())
        return report

    def file_pending(self, report: PollReport) -> None:
        """Move handled messages into their case's folder, and earlier ones after their case (intake/app/filing.py)."""
        counts = FilingCounts()
        try:
            file_pending(self.settings, self.sessions, self.source, counts, self.follower)
        finally:
            report.filed, report.refiled = report.filed + counts.filed, report.refiled + counts.refiled

    def fetch_and_store(self, report: PollReport) -> None:
        with_reconnect(self.source, self.settings.mailbox,
                       lambda: fetch_and_store(self.source, self.sessions, report), self.sleep)

    # -- process ---------------------------------------------------------------------------

    def process_pending(self, report: PollReport) -> None:
        try:
            with self.sessions() as s:
                ids = s.scalars(select(Message.id).where(Message.status == MessageStatus.RECEIVED)
                                .order_by(Message.id)).all()
        except Exception as exc:
            if is_transient(exc):
                raise temporary(exc, "reading the messages to process") from exc
            raise
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
                if is_transient(exc):  # a lock, a full disk: not the message's fault, so it waits for the next pass
                    raise temporary(exc, f"processing message {message_id}") from exc
                log.error("message %s could not be processed: %s", message_id, fault_trace(exc))
                self._set_aside(message_id, exc, report)

    def _set_aside(self, message_id: int, exc: Exception, report: PollReport) -> None:
        """The message itself failed: it needs a person, with the reason (a fault of the moment here stops the pass;
        any other failure leaves it to be tried again at the next pass, and the messages behind it go on)."""
        try:
            with self.sessions() as s:
                msg = s.get(Message, message_id)
                if msg is not None:
                    self._needs_person(msg, f"internal error: {type(exc).__name__}", report)
                    try:
                        self._fill_headers(msg)  # so `messages list` shows whose message it is
                    except Exception as unread:
                        if is_transient(unread):
                            raise
                    s.commit()
        except Exception as again:
            if is_transient(again):
                raise temporary(again, f"setting message {message_id} aside") from again
            log.error("message %s could not be set aside either: %s", message_id, fault_trace(again))

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
        if triage.silent and triage.handling != Handling.PERSON:
            msg.status = MessageStatus.IGNORED
            report.ignored += 1
            log.info("message %s is %s: filed, no reply", msg.id, triage.kind)
            if triage.kind == MessageKind.BOUNCE:
                self._record_bounce(s, msg)
            return
        with s.no_autoflush:  # lookups only: the message's new values are written once, with what it becomes
            note_identity(s, msg, parsed)
            problem = screen(parsed, triage, self.settings, msg.arrived_at)
            original = None if problem else find_duplicate(s, msg, self.settings.security.duplicate_window_days)
            linked = None if problem or original else self._linked_case(s, parsed, triage)
            # On a case, a reply attaches; a review, a re-use request or a new request opens its own case,
            # except that whatever answers our request for clarification is the answer (s.1(3)).
            waiting = linked is not None and linked.status == CaseStatus.AWAITING_CLARIFICATION
            answers_us = waiting and triage.kind == MessageKind.FOI_REQUEST
            attaches = linked is not None and (triage.kind not in CASE_KINDS or answers_us)
            ours = attaches and linked is not None and from_requester(s, linked, parsed)
        if problem:
            self._needs_person(msg, problem, report)
            return
        if original is not None:
            self._copy_of(s, msg, original, report)
            return
        # The decision policy (classifier/policy.py) leaves it for a person, nothing sent; an answer to our
        # request for clarification is still its case's, however doubtful its kind looked alone.
        if triage.handling == Handling.PERSON and not (waiting and triage.kind in _ANSWERS):
            self._needs_person(msg, "; ".join(triage.person_reasons), report)
            return
        if attaches and linked is not None:
            if not ours:
                self._third_party(s, msg, linked, triage, report)
                return
            self.attach(s, msg, linked, triage, report)
            return
        if triage.kind == MessageKind.CLARIFICATION_REPLY:
            self._needs_person(msg, "a reply to a case we cannot find", report)
            return
        if triage.kind not in CASE_KINDS:
            msg.status = MessageStatus.PROCESSED  # routine business: general enquiries queue
            log.info("message %s is %s: no case, no reply", msg.id, triage.kind)
            return
        self.open_case(s, msg, parsed, triage, linked, report)

    def _copy_of(self, s: Session, msg: Message, original: Message, report: PollReport) -> None:
        """The same mail again under a new Message-ID: filed where the first went, no new case, no notice."""
        msg.case = original.case
        if original.status == MessageStatus.NEEDS_PERSON:
            self._needs_person(msg, f"a copy of message {original.id}, which needs a person", report)
        elif original.case is not None:
            msg.status = MessageStatus.PROCESSED
            add_event(s, original.case, EventType.DUPLICATE_RECEIVED, msg.arrived_at,
                      {"message": msg.id, "copy_of": original.id})
            report.attached += 1
        else:
            msg.status = original.status
        log.info("message %s is a copy of message %s: no new case, no notice", msg.id, original.id)

    def _third_party(self, s: Session, msg: Message, case: Case, triage: Triage, report: PollReport) -> None:
        """Someone other than the requester quotes the case: kept on it, and it changes nothing (no requester,
        status or clock change, no notice) until a person has read it."""
        msg.case = case
        add_event(s, case, EventType.THIRD_PARTY_CORRESPONDENCE, msg.arrived_at,
                  {"message": msg.id, "kind": triage.kind})
        self._needs_person(msg, f"from someone other than the requester of {case.reference}: kept on the case "
                                "as third-party correspondence, nothing changed", report)

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
        # The case and its message are written (above); the rest reads them, and each notice is flushed for its id.
        with s.no_autoflush:
            self._flag_related(s, case)
            report.notices_queued += self.desk.opened(s, case, triage, utcnow())
        if triage.handling == Handling.ACKNOWLEDGE:  # acknowledged, never clarified: a person checks it
            self._needs_person(msg, "; ".join(triage.person_reasons), report)
        return case

    def _flag_related(self, s: Session, case: Case) -> None:
        """Flag a request similar to others within 60 working days, or to its requester's earlier ones (rules.md
        section 4): an event for the DSP team, who decide on aggregation or s.14(2); never a refusal, never fewer
        acknowledgements."""
        if case.kind != MessageKind.FOI_REQUEST or case.regime == Regime.SAR:
            return
        data = related_event_data(related_requests(s, case, self.settings))
        data.update(flood_data(s, case, self.settings.responders.notices_per_sender_per_day))
        if data["related_to"] or "flood" in data:
            add_event(s, case, EventType.POSSIBLY_RELATED, utcnow(), data)
            log.info("%s possibly related to %d earlier request(s)%s", case.reference, len(data["related_to"]),
                     f", one of {data['flood']} from its sender in 24 hours" if "flood" in data else "")

    def _initial_received(self, msg: Message, triage: Triage) -> datetime:
        # Policy 5.10/7.5: a request forwarded by staff was received by the body on its own date.
        if triage.forwarded and isinstance(triage.original_received, date):
            original = datetime.combine(triage.original_received, dtime(12, 0), self.tz)
            if original.astimezone(UTC) < msg.arrived_at:
                return original.astimezone(UTC)
        return msg.arrived_at

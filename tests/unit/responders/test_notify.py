"""The notifier: who a notice goes to, once, threaded with the case, and never in a loop."""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Case, Message, add_event
from intake.vocabulary import EventType, NoticePurpose, NoticeStatus
from responders.notify import Notifier
from tests.unit.responders.conftest import (
    COMMS,
    DSP,
    FOI,
    NOW,
    REQUESTER,
    NewCase,
    add_message,
    events,
    notices,
    settings_in,
)


def test_each_notice_goes_to_its_reader(settings: Settings, session: Session, new_case: NewCase) -> None:
    notifier, case = Notifier(settings), new_case()
    notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW)
    notifier.queue(session, case, NoticePurpose.REMINDER, now=NOW, extra={"days_left": 5, "state": "running"})
    notifier.queue(session, case, NoticePurpose.MEDIA_ALERT, now=NOW, extra={"outlet": "The Gazette"})
    assert [(n.kind, n.to_address) for n in notices(session, case)] == [
        ("acknowledgement", REQUESTER), ("reminder", DSP), ("media_alert", COMMS)]
    assert events(case).count(EventType.NOTICE_QUEUED) == 3


def test_a_notice_is_queued_once_per_key(settings: Settings, session: Session, new_case: NewCase) -> None:
    notifier, case = Notifier(settings), new_case()
    first = notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW)
    again = notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW)
    other = notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW, key="acknowledgement:again")
    assert first.notice_id and again.notice_id is None and again.suppressed == "already queued"
    assert other.notice_id and len(notices(session, case)) == 2


def test_no_notice_without_an_address_or_to_our_own_mailbox(settings: Settings, session: Session,
                                                            new_case: NewCase) -> None:
    notifier = Notifier(settings)
    nowhere, ourselves, team = new_case(email=None), new_case(email=FOI.upper()), new_case(email=DSP)
    assert notifier.queue(session, nowhere, NoticePurpose.ACKNOWLEDGEMENT, now=NOW).suppressed == \
        "no email address to write to"
    assert notifier.queue(session, ourselves, NoticePurpose.ACKNOWLEDGEMENT, now=NOW).suppressed == \
        "it would be addressed to our own mailbox"
    assert notifier.queue(session, team, NoticePurpose.ACKNOWLEDGEMENT, now=NOW).suppressed == \
        "it would be addressed to the organisation's own team, not a requester"
    assert notices(session) == []
    assert nowhere.events[-1].type == EventType.NOTICE_SUPPRESSED
    assert nowhere.events[-1].data["why"] == "no email address to write to"


def robot_case(s: Session, new_case: NewCase, *, sender: str, to: str, stored: datetime, shape: str = "robot",
               thread: str | None = None) -> Case:
    """A case opened by a message from `sender` stored at `stored`, to be answered at `to`."""
    case = new_case(email=to)
    s.add(Message(source="test", source_uid=f"{case.id}", fingerprint=f"fp{case.id}", message_id=f"<{case.id}@x>",
                  size=1, raw=b"x", arrived_at=stored, stored_at=stored, status="processed", from_address=sender,
                  body_shape=shape, thread=thread, case=case))
    s.flush()
    return case


def send_all(s: Session, at: datetime) -> None:
    for n in notices(s):
        if n.status == NoticeStatus.PENDING:
            n.status, n.sent_at = NoticeStatus.SENT, at


def test_a_robot_with_a_fresh_reply_to_each_time_is_held_after_the_limit(tmp_path: Path, session: Session,
                                                                         new_case: NewCase) -> None:
    # Issue 11 item 5: a fixed From, a new per-ticket address each time; each message answers our last notice.
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    results = []
    for i in range(4):
        at = NOW + timedelta(minutes=10 * i)
        case = robot_case(session, new_case, sender="support@helpdesk.example", to=f"ticket-{i}@helpdesk.example",
                          stored=at)
        results.append(notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=at))
        send_all(session, at + timedelta(minutes=1))
    assert [r.held for r in results][:2] == [None, None]
    assert results[2].held == ("loop guard: 2 automatic notices went to this sender in the 24 hours before its "
                               "message (limit 2); it may be a robot answering us")
    held = [n for n in notices(session) if n.status == NoticeStatus.HELD]
    assert len(held) == 2 and all(n.last_error and "loop guard" in n.last_error for n in held)  # never dropped
    [event] = [e for e in held[0].case.events if e.type == EventType.NOTICE_HELD]
    assert event.data["id"] == held[0].id and "loop guard" in event.data["why"]
    internal = notifier.queue(session, held[0].case, NoticePurpose.REMINDER, now=NOW,
                              extra={"days_left": 1, "state": "running"})
    assert internal.notice_id and internal.held is None  # the team's own alerts are not rate-limited


def test_a_robot_answering_in_one_thread_is_held_whatever_it_writes(tmp_path: Path, session: Session,
                                                                    new_case: NewCase) -> None:
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    results = []
    for i in range(3):
        at = NOW + timedelta(minutes=10 * i)
        case = robot_case(session, new_case, sender=f"agent{i}@desk.example", to=f"t{i}@desk.example", stored=at,
                          shape=f"words {i}", thread="thread-1")
        results.append(notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=at))
        send_all(session, at + timedelta(minutes=1))
    assert [bool(r.held) for r in results] == [False, False, True]


def test_a_flood_that_arrives_together_is_acknowledged(tmp_path: Path, session: Session, new_case: NewCase) -> None:
    # Issue 11 item 14: requests that differ only in their numbers, all stored before any notice went.
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    cases = [robot_case(session, new_case, sender="flood@example.org", to="flood@example.org", stored=NOW)
             for _ in range(6)]
    results = []
    for i, case in enumerate(cases):
        results.append(notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW))
        send_all(session, NOW + timedelta(minutes=i + 1))
    assert all(r.notice_id and r.held is None for r in results)


def test_a_requester_notice_replies_in_the_thread(settings: Settings, session: Session, new_case: NewCase) -> None:
    notifier, case = Notifier(settings), new_case()
    add_message(session, case, message_id="<first@example.org>", subject="Re: Waiting times")
    add_message(session, case, message_id="<second@example.org>")
    notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW)
    sent = message_from_bytes(notices(session, case)[0].raw, policy=default)
    assert sent["In-Reply-To"] == "<second@example.org>"
    assert sent["References"].split() == ["<first@example.org>", "<second@example.org>"]
    assert sent["Subject"] == f"[{case.reference}] Re: Waiting times"
    assert sent["Auto-Submitted"] == "auto-replied"


def test_an_internal_alert_is_not_threaded_and_says_what_it_is(settings: Settings, session: Session,
                                                               new_case: NewCase) -> None:
    notifier, case = Notifier(settings), new_case()
    add_message(session, case, message_id="<first@example.org>")
    notifier.queue(session, case, NoticePurpose.OVERDUE, now=NOW, extra={"days_late": 2})
    sent = message_from_bytes(notices(session, case)[0].raw, policy=default)
    assert sent["In-Reply-To"] is None and sent["Subject"].startswith(f"OVERDUE: {case.reference} was due 2026-12-")


def test_the_digest_is_about_no_case(settings: Settings, session: Session) -> None:
    context = {"today": NOW.date(), "new_by_queue": {}, "due_soon": [], "overdue": [], "stopped": [],
               "lapsing": [], "needs_person": []}
    queued = Notifier(settings).queue_digest(session, context, now=NOW)
    assert queued.notice_id and Notifier(settings).queue_digest(session, context, now=NOW).notice_id is None
    (digest,) = notices(session)
    assert digest.case_id is None and digest.to_address == DSP and digest.subject == "FOI daily digest 2026-11-16"


def test_a_busy_person_is_not_a_robot(tmp_path: Path, session: Session, new_case: NewCase) -> None:
    # Six distinct requests from one address in a day: six notices, though the limit is 2 (issue 9 item 6).
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    cases = [new_case() for _ in range(6)]
    for i, case in enumerate(cases):
        case.description, case.questions = f"Topic {'abcdef'[i]}", [f"What about {'abcdef'[i]}?"]
    results = [notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW) for case in cases]
    assert all(r.notice_id for r in results)


def test_a_pausing_notice_names_the_event_it_announces(settings: Settings, session: Session,
                                                       new_case: NewCase) -> None:
    notifier, case = Notifier(settings), new_case()
    asked = add_event(session, case, EventType.CLARIFICATION_REQUESTED, NOW)
    session.flush()
    queued = notifier.queue(session, case, NoticePurpose.CLARIFICATION, now=NOW,
                            extra={"missing": [], "ask": "Which?", "restart": "afresh", "lapse_on": NOW.date()})
    assert queued.notice_id
    [event] = [e for e in case.events if e.type == EventType.NOTICE_QUEUED]
    assert event.data["pauses"] == asked.id and event.data["id"] == queued.notice_id
    other = new_case(email=None)  # a notice that cannot go still names its pause: the clock keeps running
    given = add_event(session, other, EventType.ID_REQUESTED, NOW)
    session.flush()
    notifier.queue(session, other, NoticePurpose.SAR_NOTICE, now=NOW, pauses=given.id)
    assert other.events[-1].type == EventType.NOTICE_SUPPRESSED and other.events[-1].data["pauses"] == given.id

"""The notifier: who a notice goes to, once, threaded with the case, and never in a loop."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import add_event
from intake.vocabulary import EventType, NoticePurpose
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
    nowhere, ourselves = new_case(email=None), new_case(email=FOI.upper())
    assert notifier.queue(session, nowhere, NoticePurpose.ACKNOWLEDGEMENT, now=NOW).suppressed == \
        "no email address to write to"
    assert notifier.queue(session, ourselves, NoticePurpose.ACKNOWLEDGEMENT, now=NOW).suppressed == \
        "it would be addressed to our own mailbox"
    assert notices(session) == []
    assert nowhere.events[-1].type == EventType.NOTICE_SUPPRESSED
    assert nowhere.events[-1].data["why"] == "no email address to write to"


def test_at_most_the_daily_limit_of_notices_to_one_requester(tmp_path: Path, session: Session,
                                                             new_case: NewCase) -> None:
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    results = [notifier.queue(session, new_case(), NoticePurpose.ACKNOWLEDGEMENT, now=NOW) for _ in range(3)]
    assert [bool(r.notice_id) for r in results] == [True, True, False]
    assert results[2].suppressed == "2 automatic notices to this address in the last 24 hours (limit 2)"
    internal = notifier.queue(session, new_case(), NoticePurpose.REMINDER, now=NOW,
                              extra={"days_left": 1, "state": "running"})
    assert internal.notice_id  # the team's own alerts are not rate-limited


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


def test_requests_differing_only_in_numbers_count_together(tmp_path: Path, session: Session,
                                                           new_case: NewCase) -> None:
    notifier = Notifier(settings_in(tmp_path, responders={"notices_per_sender_per_day": 2}))
    cases = [new_case() for _ in range(3)]
    for i, case in enumerate(cases):  # a ticketing robot: the same words, a fresh number each time
        case.description, case.questions = f"Ticket {i}", [f"Status of ticket {1000 + i}?"]
    results = [notifier.queue(session, case, NoticePurpose.ACKNOWLEDGEMENT, now=NOW) for case in cases]
    assert [bool(r.notice_id) for r in results] == [True, True, False]


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

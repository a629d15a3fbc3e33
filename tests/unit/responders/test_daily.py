"""The daily jobs: lapses, reminders, overdue alerts and the digest, each queued once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import add_event
from intake.vocabulary import CaseStatus, EventType, NoticePurpose, NoticeStatus, Outcome
from responders.desk import Clarify, Desk, Fee, Reopen, Respond
from responders.digest import DIGEST_LISTED, digest_context
from responders.notify import organisation_context
from responders.outbox import record_sent
from tests.unit.responders.conftest import NOW, NewCase, kinds, notices


def on(day: int, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, 8, 0, tzinfo=UTC)


def test_a_running_case_is_reminded_then_alerted_once_each(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    assert desk.daily(session, on(17, 11)) == {"lapsed": 0, "reminders": 0, "overdue": 0, "digest": 1}
    assert desk.daily(session, on(9))["reminders"] == 1  # 5 working days or fewer left
    assert desk.daily(session, on(9))["reminders"] == 0  # the same reminder is not queued twice
    assert desk.daily(session, on(14))["reminders"] == 1  # and one more at 1 day left
    assert desk.daily(session, on(17))["overdue"] == 1
    assert desk.daily(session, on(18))["overdue"] == 0
    assert kinds(session, case) == ["reminder", "reminder", "overdue"]
    assert all(n.to_address == "dsp@example-icb.nhs.uk" for n in notices(session, case))


def test_an_unanswered_clarification_lapses_and_closes(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    desk.act(session, case, Clarify(ask="Which sites?"), NOW, "officer")
    record_sent(notices(session, case)[0], NOW)  # the clock stops when the notice is sent
    counts = desk.daily(session, NOW + timedelta(days=100))
    assert counts["lapsed"] == 1 and case.status == CaseStatus.CLOSED and case.decision == "lapsed (clarification)"
    assert kinds(session, case) == ["clarification", "lapse"]


def test_a_clarification_that_never_went_does_not_lapse(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case()
    desk.act(session, case, Clarify(ask="Which sites?"), NOW, "officer")
    counts = desk.daily(session, NOW + timedelta(days=100))  # the notice is still in the outbox
    assert counts["lapsed"] == 0 and counts["overdue"] == 1
    assert case.status == CaseStatus.AWAITING_CLARIFICATION


def test_the_digest_goes_once_a_day(desk: Desk, session: Session, new_case: NewCase) -> None:
    new_case()
    assert desk.daily(session, on(1))["digest"] == 1
    assert desk.daily(session, on(1) + timedelta(hours=3))["digest"] == 0
    assert desk.daily(session, on(2))["digest"] == 1
    assert [n.kind for n in notices(session) if n.case_id is None] == [NoticePurpose.DIGEST] * 2


def test_a_reopened_case_gets_its_reminders_and_overdue_alert(desk: Desk, session: Session,
                                                              new_case: NewCase) -> None:
    # The response went on 18 November; the requester shows a part was missed, and the case is reopened the
    # next day. It is open again, and its clock runs: the daily job reminds the team and then alerts it.
    case = new_case()
    desk.act(session, case, Respond(Outcome.GRANTED), NOW + timedelta(days=2), "officer")
    assert desk.daily(session, on(9))["reminders"] == 0  # answered: nothing to remind
    desk.act(session, case, Reopen(), NOW + timedelta(days=3), "officer")
    session.flush()
    assert case.status == CaseStatus.OPEN
    reminded = desk.daily(session, on(10))
    alerted = desk.daily(session, on(21))
    assert reminded["reminders"] == 1, desk.tools.clock(case, on(10).date())
    assert alerted["overdue"] == 1, desk.tools.clock(case, on(21).date())
    assert kinds(session, case) == ["reminder", "overdue"]


def test_delivery_problems_head_the_digest(settings: Settings, desk: Desk, session: Session,
                                           new_case: NewCase) -> None:
    held, bounced, nowhere = new_case(), new_case(), new_case(email=None)
    desk.act(session, held, Clarify(ask="Which sites?"), NOW, "officer")
    [clarification] = notices(session, held)
    clarification.status, clarification.last_error = NoticeStatus.HELD, "RCPT TO refused: 550"
    desk.act(session, bounced, Fee(amount=Decimal("10"), breakdown="photocopying"), NOW, "officer")
    [fees] = notices(session, bounced)
    record_sent(fees, NOW)
    add_event(session, bounced, EventType.NOTICE_BOUNCED, NOW, {"notice": "fees", "id": fees.id})
    desk.notifier.queue(session, nowhere, NoticePurpose.ACKNOWLEDGEMENT, now=NOW)
    session.flush()
    rows = digest_context(session, settings, NOW.date())["delivery"]
    assert [(r["reference"], r["problem"]) for r in rows] == [
        (held.reference, "held"), (bounced.reference, "bounced"), (nowhere.reference, "suppressed"),
        (bounced.reference, "clock_running")]
    assert rows[0]["note"].endswith("the clock keeps running until it is sent")
    assert "no email address" in rows[2]["note"]
    assert all(r["state"] == "running" for r in rows if r["reference"] != nowhere.reference)
    text = desk.notifier.renderer.render("digest", {"org": organisation_context(settings), "now": NOW,
                                                    **digest_context(session, settings, NOW.date())})[0]
    assert text.index("DELIVERY PROBLEMS (4)") < text.index("New cases")


def test_the_digest_counts_every_case_that_needs_action_and_lists_the_first(settings: Settings, desk: Desk,
                                                                           session: Session,
                                                                           new_case: NewCase) -> None:
    # Issue 12 item 4: at 20,000 cases the digest listed every one (9 MB); a person needs the count and the first.
    late = [new_case() for _ in range(DIGEST_LISTED + 5)]
    answered = new_case()
    desk.act(session, answered, Respond(Outcome.GRANTED), NOW + timedelta(days=2), "officer")
    session.flush()
    context = digest_context(session, settings, on(21).date())
    assert context["totals"]["overdue"] == len(late)
    assert [r["reference"] for r in context["overdue"]] == [c.reference for c in late[:DIGEST_LISTED]]
    assert answered.reference not in {r["reference"] for r in context["overdue"]}
    text, html = desk.notifier.renderer.render("digest", {"org": organisation_context(settings), "now": NOW,
                                                           **context})
    assert f"Overdue ({len(late)})" in text and "... and 5 more: foi-intake cases list --overdue" in text
    assert late[-1].reference not in text and "… and 5 more" in html

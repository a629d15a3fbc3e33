"""Subject access as its own route: identification, the stop-the-clock clarification, the two-month extension,
data protection wording, and its own lines in the report."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from sqlalchemy.orm import Session

from intake.caselog.views import case_clock
from intake.vocabulary import CaseStatus, EventType, NoticePurpose, Outcome, Regime
from responders.desk import Clarified, Clarify, Desk, Extend, IdReceived, IdRequest, Respond
from responders.outbox import record_sent
from responders.reports import Period, build_report, render_text
from tests.unit.responders.conftest import NOW, REQUESTER, NewCase, kinds, notices


def text_of(raw: bytes) -> str:
    msg = message_from_bytes(raw, policy=default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body(("plain",))
    assert body is not None
    return " ".join(body.get_content().split())


def test_a_sar_waits_for_id_pauses_for_clarification_and_extends(desk: Desk, session: Session,
                                                                  new_case: NewCase) -> None:
    case = new_case(regime=Regime.SAR)  # received Monday 16 November 2026
    desk.act(session, case, IdRequest(), NOW + timedelta(days=1), "officer")
    record_sent(notices(session, case)[-1], NOW + timedelta(days=1))  # a pause starts when its notice is sent
    assert case.status == CaseStatus.AWAITING_ID and case_clock(case, desk.settings).due is None
    desk.act(session, case, IdReceived(), NOW + timedelta(days=3), "officer")  # Thursday 19 November
    assert case.status == CaseStatus.OPEN and case_clock(case, desk.settings).due == date(2026, 12, 21)
    desk.act(session, case, Clarify(ask="Which years of your records?"), NOW + timedelta(days=4), "officer")
    record_sent(notices(session, case)[-1], NOW + timedelta(days=4))
    assert case.status == CaseStatus.AWAITING_CLARIFICATION
    assert case_clock(case, desk.settings, date(2026, 11, 25)).state == "stopped"
    desk.act(session, case, Clarified("2019 to 2024"), NOW + timedelta(days=11), "officer")  # 7 days paused
    clock = case_clock(case, desk.settings)
    assert clock.due == date(2026, 12, 29), clock.explanation  # 19 Dec + 7 = 26 Dec (Sat) -> Tue 29 Dec
    desk.act(session, case, Extend("your records span several systems"), NOW + timedelta(days=12), "officer")
    assert case_clock(case, desk.settings).due == date(2027, 2, 26)  # 19 Feb + 7 days
    desk.act(session, case, Respond(Outcome.GRANTED), NOW + timedelta(days=30), "officer")
    assert case.status == CaseStatus.RESPONDED and case_clock(case, desk.settings).state == "met"
    assert kinds(session, case) == [NoticePurpose.SAR_ID_REQUEST, NoticePurpose.SAR_CLARIFICATION,
                                    NoticePurpose.SAR_EXTENSION]
    assert [e.type for e in case.events if e.type in (EventType.ID_REQUESTED, EventType.ID_RECEIVED)] == [
        EventType.ID_REQUESTED, EventType.ID_RECEIVED]


def test_sar_notices_use_data_protection_wording_only(desk: Desk, session: Session, new_case: NewCase) -> None:
    case = new_case(regime=Regime.SAR)
    desk.act(session, case, Clarify(ask="Which years?"), NOW, "officer")
    desk.act(session, case, Clarified(), NOW + timedelta(days=2), "officer")
    desk.act(session, case, IdRequest(), NOW + timedelta(days=2), "officer")
    desk.act(session, case, IdReceived(), NOW + timedelta(days=3), "officer")
    desk.act(session, case, Extend("your records span several systems"), NOW + timedelta(days=3), "officer")
    sent = notices(session, case)
    assert len(sent) == 3 and all(n.to_address == REQUESTER for n in sent)
    for notice in sent:
        text = text_of(notice.raw)
        assert "Freedom of Information" not in text and "working days" not in text, notice.kind
        assert "UK General Data Protection Regulation" in text and "Data Protection Team" in text, notice.kind
    assert "Article 12A" in text_of(sent[0].raw) and "Article 12(6)" in text_of(sent[1].raw)
    assert "your records span several systems" in text_of(sent[2].raw)


def test_the_report_counts_sars_on_their_own_lines(desk: Desk, session: Session, new_case: NewCase) -> None:
    foi = new_case()
    desk.act(session, foi, Respond(Outcome.GRANTED), NOW + timedelta(days=1), "officer")
    on_time, extended, late = (new_case(regime=Regime.SAR) for _ in range(3))
    desk.act(session, on_time, Respond(Outcome.GRANTED), NOW + timedelta(days=5), "officer")
    desk.act(session, extended, Extend("many records in many places"), NOW + timedelta(days=5), "officer")
    desk.act(session, late, Respond(Outcome.GRANTED), NOW + timedelta(days=45), "officer")
    session.flush()
    result = build_report(session, desk.settings, Period(date(2026, 11, 1), date(2026, 11, 30), ""), date(2027, 1, 5))
    assert result.code.received == 1 and result.by_regime == {"foi": 1} and result.code.within_deadline == 1
    assert (result.sar.received, result.sar.within_one_month, result.sar.extended) == (3, 1, 1)
    # the extended one is still open on 5 Jan 2027: its three months run to 16 Feb 2027
    assert (result.sar.late, result.sar.overdue, result.sar.open) == (1, 0, 1)
    assert [r["reference"] for r in result.sar.late_cases] == [late.reference]
    text = render_text(result)
    assert "Subject access requests" in text and "SAR 3" not in text
    assert result.to_json()["sar"]["received"] == 3

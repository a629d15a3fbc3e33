"""Each report's figures against the hand-built Q3 log (`report_log`): the expected numbers are worked out here
from the list of cases in its docstring, one law at a time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from intake.caselog import Case
from intake.vocabulary import CaseStatus, Outcome, Regime
from responders.desk import Desk, Refuse, Respond
from responders.errors import ActionRefused
from responders.reports import Period, PeriodError, Report, build_report, financial_year, quarter, render_text
from responders.reports.facts import Category, Timeliness, case_facts
from tests.unit.responders.conftest import NOW, NewCase
from tests.unit.responders.report_log import AS_OF, build_q3_log

Q3 = quarter("2026Q3")
# The Q3 FOI/EIR requests by what happened to them (report_log's docstring).
ANSWERED_IN_TIME = ["granted", "part", "s12", "vexatious", "repeated", "scheme", "s21", "not_held"]
FEE_PAUSED = ["fee"]
EXTENDED = ["pit", "eir"]
LATE = ["late"]
NOT_YET = ["overdue", "stopped"]
CLOSED = ["transfer", "lapsed"]
REQUESTS = ANSWERED_IN_TIME + FEE_PAUSED + EXTENDED + LATE + NOT_YET + CLOSED


@pytest.fixture
def q3(desk: Desk, session: Session, new_case: NewCase) -> tuple[Report, dict[str, Case]]:
    cases = build_q3_log(desk, session, new_case)
    return build_report(session, desk.settings, Q3, AS_OF), cases


def test_each_case_is_counted_as_what_happened_to_it(q3: tuple[Report, dict[str, Case]], desk: Desk) -> None:
    _, cases = q3
    facts = {name: case_facts(c, desk.settings, AS_OF) for name, c in cases.items()}
    assert {n for n, f in facts.items() if f.timeliness == Timeliness.IN_TIME and n in REQUESTS} == set(
        ANSWERED_IN_TIME)
    assert [facts[n].timeliness for n in ("fee", "pit", "eir", "late", "overdue", "stopped", "transfer", "lapsed")] \
        == [Timeliness.FEE_PAUSED, Timeliness.EXTENDED, Timeliness.EXTENDED, Timeliness.LATE, Timeliness.OVERDUE,
            Timeliness.OPEN, Timeliness.CLOSED, Timeliness.CLOSED]
    assert {n: facts[n].category for n in ("s12", "vexatious", "repeated", "scheme", "s21", "transfer", "lapsed")} \
        == {"s12": Category.COST_LIMIT, "vexatious": Category.VEXATIOUS, "repeated": Category.REPEATED,
            "scheme": Category.S21_ONLY, "s21": Category.S21_ONLY, "transfer": Category.TRANSFERRED,
            "lapsed": Category.LAPSED}
    # Policy 7.5's time taken: 1 Jul to 8 Jul is 5 working days; 2 Jul to 20 Jul is 11, since Mon 13 Jul is
    # Northern Ireland's Battle of the Boyne holiday (12 Jul is a Sunday) and a holiday anywhere in the UK counts.
    assert (facts["granted"].working_days, facts["part"].working_days) == (5, 11)


def test_the_s45_code_figures(q3: tuple[Report, dict[str, Case]]) -> None:
    code = q3[0].code
    assert code.received == len(REQUESTS) == 16
    assert code.not_yet_processed == len(NOT_YET)
    assert code.processed_in_full == len(ANSWERED_IN_TIME + FEE_PAUSED + EXTENDED + LATE) == 12
    assert code.within_deadline == len(ANSWERED_IN_TIME + FEE_PAUSED)  # the fee's days are disregarded (s.10(2))
    assert (code.with_lawful_extension, code.late, code.closed_without_response) == (2, 1, 2)
    assert code.granted_in_full == len(["granted", "eir", "fee"])
    assert code.refused_in_full == len(["late", "pit", "s12", "vexatious", "repeated", "scheme", "s21"])
    assert (code.granted_in_part, code.not_held) == (1, 1)
    assert code.referred_for_internal_review == len(["part", "pit", "late", "not_held"])
    assert q3[0].by_regime == {"foi": 15, "eir": 1} and q3[0].media == 1 and q3[0].reuse_received == 1


def test_internal_reviews_their_outcomes_and_timeliness(q3: tuple[Report, dict[str, Case]]) -> None:
    r = q3[0].reviews
    assert (r.received, r.upheld, r.reversed, r.pending) == (4, 2, 1, 1)
    assert (r.decided_within_20, r.decided_within_40, r.decided_late, r.pending_overdue) == (1, 1, 1, 1)


def test_the_policy_31_2_figures(q3: tuple[Report, dict[str, Case]]) -> None:
    report, cases = q3
    p = report.policy
    assert p.received == 16 and p.closed_within_20_days == len(ANSWERED_IN_TIME + FEE_PAUSED)
    why = {x["reference"]: x["reason"] for x in p.not_within_20_days}
    assert why == {cases["late"].reference: "waiting for the police",
                   cases["pit"].reference: "answered within a lawful extension of the time limit",
                   cases["eir"].reference: "answered within a lawful extension of the time limit",
                   cases["overdue"].reference: "still open, past its due date"}
    assert p.reviews_received == 4 and p.review_outcomes == {"upheld": 2, "reversed": 1, "pending": 1}
    # Both letters about `late`, a Q3 request, count: 20 Aug and 5 Oct (before the as-of date).
    assert p.ico_communications == 2 and p.ico_cases == [cases["late"].reference]


def test_the_cabinet_office_categories(q3: tuple[Report, dict[str, Case]]) -> None:
    co = q3[0].cabinet_office
    assert co.timeliness == {"in_time": 8, "permitted_extension": 2, "fee_paused": 1, "late": 1,
                             "not_yet_processed": 2}
    assert co.in_time_percent == round(100 * 11 / 12, 1)
    assert co.outcomes == {"granted": 3, "part": 1, "refused": 2, "s21_only": 2, "not_held": 1, "s12": 1,
                           "s14_1": 1, "s14_2": 1, "lapsed_withdrawn_transferred": 2, "not_yet_processed": 2}
    # Resolvable: all but not held, lapsed, transferred and the two not yet processed.
    assert co.resolvable == 16 - 5 and co.granted_in_full_percent == round(100 * 3 / 11, 1)
    assert co.exemptions == {"43": 2, "21": 1, "31": 1, "40(2)": 1}  # requests citing each, most used first
    assert co.s21_only == 2


def test_subject_access_requests_on_their_own_lines(q3: tuple[Report, dict[str, Case]]) -> None:
    report, cases = q3
    sar = report.sar
    assert (sar.received, sar.within_one_month, sar.extended, sar.within_extension) == (4, 1, 1, 1)
    assert (sar.late, sar.open, sar.overdue) == (1, 0, 1)
    assert [x["reference"] for x in sar.late_cases] == [cases["sar_late"].reference, cases["sar_overdue"].reference]
    assert all(not r.startswith("SAR") for r in [x["reference"] for x in report.policy.not_within_20_days])


def test_the_monthly_series(q3: tuple[Report, dict[str, Case]]) -> None:
    monthly = {m.month: m for m in q3[0].monthly}
    assert list(monthly) == ["2026-07", "2026-08", "2026-09"]
    july = monthly["2026-07"]
    assert (july.foi, july.eir, july.sar) == (13, 1, 3)
    assert (july.in_time, july.extended, july.late, july.open) == (9, 2, 1, 0)
    assert (monthly["2026-08"].foi, monthly["2026-08"].open, monthly["2026-08"].sar) == (1, 1, 1)
    assert monthly["2026-09"].open == 1 and monthly["2026-09"].median_days is None


def test_the_median_is_of_working_days_taken(desk: Desk, session: Session, new_case: NewCase) -> None:
    # Mon 16 Nov 2026: answered after 5 working days (Mon 23 Nov), 11 (Wed 2 Dec: St Andrew's Day, Mon 30 Nov, is
    # a Scottish holiday) and 15 (Tue 8 Dec).
    for days in (7, 16, 22):
        desk.act(session, new_case(email=f"{days}@example.org"), Respond(Outcome.GRANTED), NOW + timedelta(days=days),
                 "officer")
    session.flush()
    report = build_report(session, desk.settings, quarter("2026Q4"), date(2026, 12, 31))
    assert [m.median_days for m in report.monthly] == [None, 11, None]


def test_the_text_report_reads_each_law_apart(q3: tuple[Report, dict[str, Case]]) -> None:
    text = render_text(q3[0])
    assert "2026 Q3, 1 Jul 2026 to 30 Sep 2026" in text
    for heading in ("s.45 Code of Practice", "policy 31.2", "Cabinet Office", "UK GDPR Art 12(3)"):
        assert heading in text
    assert "refused: s.14(2) repeated" in text and "s.43 ×2" in text and "waiting for the police" in text
    assert q3[0].to_json()["code"]["received"] == 16


def test_periods() -> None:
    assert (Q3.start, Q3.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (quarter("2026q4").end, quarter("2027Q1").start) == (date(2026, 12, 31), date(2027, 1, 1))
    fy = financial_year(2026)
    assert (fy.start, fy.end) == (date(2026, 4, 1), date(2027, 3, 31))
    with pytest.raises(PeriodError, match="--from 2026-10-01 is after --to 2026-09-30"):
        Period(date(2026, 10, 1), date(2026, 9, 30), "")
    with pytest.raises(PeriodError, match="expected YEARQn"):
        quarter("2026Q5")


def test_a_s14_refusal_is_recorded_by_a_person_and_names_what_it_repeats(desk: Desk, session: Session,
                                                                         new_case: NewCase) -> None:
    eir = new_case(regime=Regime.EIR)
    with pytest.raises(ActionRefused, match=r"reg 12\(4\)\(b\)"):
        desk.act(session, eir, Refuse("vexatious"), NOW, "officer")
    case = new_case(email="other@example.org")
    with pytest.raises(ActionRefused, match="--repeat-of"):
        desk.act(session, case, Refuse("repeated"), NOW, "officer")
    desk.act(session, case, Refuse("repeated", repeat_of=eir.reference), NOW, "officer")
    assert case.status == CaseStatus.RESPONDED and case.events[-1].data["repeat_of"] == eir.reference
    assert case_facts(case, desk.settings, NOW.date()).category == Category.REPEATED

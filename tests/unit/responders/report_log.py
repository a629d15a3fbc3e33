"""A hand-built case log for 2026 Q3 with every outcome and every kind of lateness, made through the desk's own
actions (so the events are the ones a team's work writes). Read on `AS_OF` (1 December 2026).

FOI/EIR requests received in Q3, by name (answered on, in calendar days after receipt where it matters):
  granted    1 Jul, granted 8 Jul (5 working days), a media request
  part       2 Jul, part 20 Jul (12 working days), s.43 and s.40(2)
  late       3 Jul, refused s.31 on 15 Sep, late ("waiting for the police"); the ICO wrote about it on 20 Aug
  pit        6 Jul, public interest extension 27 Jul (s.43), refused s.43 on 20 Aug: within the extension
  eir        7 Jul (EIR), reg 7 extension 20 Jul, granted 25 Aug: within the extension
  fee        8 Jul, fees notice sent 10 Jul, paid 3 Aug, granted 14 Aug: in time once the pause is disregarded
  s12        9 Jul, estimate over the cost limit, refused under s.12 on 15 Jul
  vexatious 10 Jul, refused under s.14(1) on 17 Jul
  repeated  13 Jul, refused under s.14(2) on 20 Jul, a repeat of `granted`
  scheme    14 Jul, pointed to the publication scheme on 15 Jul
  s21       15 Jul, refused with s.21 only on 22 Jul
  not_held  16 Jul, not held on 23 Jul
  transfer  17 Jul, transferred on 20 Jul
  lapsed    20 Jul, clarification asked 21 Jul, never answered (lapsed by 21 Oct)
  overdue    3 Aug, never answered
  stopped   29 Sep, clarification asked 30 Sep, not yet answered (lapses 30 Dec)
Internal reviews opened in Q3: of `part` on 3 Aug (reversed 30 Oct: late), of `pit` on 1 Sep (complex, upheld
20 Oct: within 40), of `late` on 16 Sep (upheld 25 Sep: within 20), of `not_held` on 28 Sep (pending, overdue).
Subject access: in time (1 Jul, answered 20 Jul), extended (2 Jul, extended 10 Jul, answered 1 Sep), late (3 Jul,
answered 1 Sep), overdue (3 Aug, never answered). One re-use request (21 Jul). Outside Q3: `june` (30 Jun,
granted). The ICO wrote again about `late` on 5 Oct: about a Q3 request, so counted.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from config.settings import load
from intake.app import build
from intake.caselog import Case, add_event, allocate_reference, find_case
from intake.vocabulary import EventType, MessageKind, Outcome, Regime
from responders.desk import (
    Action,
    Clarify,
    CommsSignoff,
    CostLimit,
    Desk,
    Extend,
    Fee,
    FeePaid,
    Note,
    PublicationScheme,
    Refuse,
    Respond,
    ReviewClose,
    ReviewOpen,
    Transfer,
)
from responders.outbox import record_sent
from tests.conftest import write_maildir_config
from tests.unit.responders.conftest import NewCase, notices

AS_OF = date(2026, 12, 1)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def build_q3_log(desk: Desk, s: Session, new_case: NewCase) -> dict[str, Case]:
    cases: dict[str, Case] = {}

    def case(name: str, month: int, day: int, **kw: object) -> Case:
        cases[name] = new_case(at=at(month, day), email=f"{name}@example.org", **kw)
        return cases[name]

    def act(c: Case, action: Action, month: int, day: int) -> None:
        desk.act(s, c, action, at(month, day), "officer")

    def sent(c: Case, month: int, day: int) -> None:
        record_sent(notices(s, c)[-1], at(month, day))  # a pausing notice counts once it is sent

    act(case("june", 6, 30), Respond(Outcome.GRANTED), 7, 2)
    act(case("granted", 7, 1, flags=("media",)), CommsSignoff(by="Head of Communications"), 7, 7)
    act(cases["granted"], Respond(Outcome.GRANTED), 7, 8)
    act(case("part", 7, 2), Respond(Outcome.PART, ("s43", "s40(2)")), 7, 20)
    late = case("late", 7, 3)
    act(late, Note("ICO asked why it is late", ico=True), 8, 20)
    act(late, Respond(Outcome.REFUSED, ("s31",), late_reason="waiting for the police"), 9, 15)
    act(late, Note("ICO closed its file", ico=True), 10, 5)
    act(case("pit", 7, 6), Extend("pit", ("s43",)), 7, 27)
    act(cases["pit"], Respond(Outcome.REFUSED, ("s43",)), 8, 20)
    act(case("eir", 7, 7, regime=Regime.EIR), Extend("eir"), 7, 20)
    act(cases["eir"], Respond(Outcome.GRANTED), 8, 25)
    act(case("fee", 7, 8), Fee(Decimal("25"), "photocopying 200 pages"), 7, 10)
    sent(cases["fee"], 7, 10)
    act(cases["fee"], FeePaid(), 8, 3)
    act(cases["fee"], Respond(Outcome.GRANTED), 8, 14)
    act(case("s12", 7, 9), Fee(Decimal("0"), "locating the records", hours=Decimal("30")), 7, 14)
    act(cases["s12"], CostLimit("Ask for one year rather than ten"), 7, 15)
    act(case("vexatious", 7, 10), Refuse("vexatious"), 7, 17)
    act(case("repeated", 7, 13), Refuse("repeated", repeat_of=cases["granted"].reference), 7, 20)
    act(case("scheme", 7, 14), PublicationScheme("https://example.nhs.uk/foi/published"), 7, 15)
    act(case("s21", 7, 15), Respond(Outcome.REFUSED, ("s21",)), 7, 22)
    act(case("not_held", 7, 16), Respond(Outcome.NOT_HELD), 7, 23)
    act(case("transfer", 7, 17), Transfer("NHS England"), 7, 20)
    act(case("lapsed", 7, 20), Clarify(ask="Which years?"), 7, 21)
    sent(cases["lapsed"], 7, 21)
    case("overdue", 8, 3)
    act(case("stopped", 9, 29), Clarify(ask="Which sites?"), 9, 30)
    sent(cases["stopped"], 9, 30)
    _reviews(desk, s, cases)
    sar = {"regime": Regime.SAR}
    act(case("sar_in_time", 7, 1, **sar), Respond(Outcome.GRANTED), 7, 20)
    act(case("sar_extended", 7, 2, **sar), Extend("your records are held in three systems"), 7, 10)
    act(cases["sar_extended"], Respond(Outcome.GRANTED), 9, 1)
    act(case("sar_late", 7, 3, **sar), Respond(Outcome.GRANTED), 9, 1)
    case("sar_overdue", 8, 3, **sar)
    case("reuse", 7, 21, kind=MessageKind.REUSE_REQUEST, regime=None)
    s.flush()
    return cases


def _reviews(desk: Desk, s: Session, cases: dict[str, Case]) -> None:
    def review_of(name: str, month: int, day: int) -> Case:
        done = desk.act(s, cases[name], ReviewOpen(), at(month, day), "officer")
        review = find_case(s, done.opened or "")
        assert review is not None
        cases[f"review_{name}"] = review
        return review

    desk.act(s, review_of("part", 8, 3), ReviewClose("reversed"), at(10, 30), "officer")
    pit = review_of("pit", 9, 1)
    desk.act(s, pit, Extend("the records are held in three archives"), at(9, 10), "officer")
    desk.act(s, pit, ReviewClose("upheld"), at(10, 20), "officer")
    desk.act(s, review_of("late", 9, 16), ReviewClose("upheld"), at(9, 25), "officer")
    review_of("not_held", 9, 28)


NAMES = ("Ada Lovelace", "Mary Seacole", "Florence Nightingale", "Aneurin Bevan", "Grace Hopper", "Alan Turing")
SUBJECTS = ("Agency nurse spend 2025/26", "Car parking income", "Waiting times for hip operations",
            "Mental health beds", "Consultants' private practice", "Air quality near the hospital",
            "Energy use of the estate", "Ambulance handover delays", "IT contracts", "Interpreter costs",
            "Cancer referrals", "Board papers", "Staff sickness absence", "Complaints about maternity",
            "Use of management consultants", "Cyber incidents", "Agency spend again")


def write_q3_case_log(root: Path) -> Path:
    """The Q3 log in a case log of its own, behind a configuration file (the embedded default, or this test
    run's PostgreSQL database): for the command-line tests and a sample report. Returns the configuration."""
    root.mkdir(parents=True, exist_ok=True)
    config = write_maildir_config(root)
    settings = load(config)
    app = build(settings, create=True)
    count = itertools.count()
    try:
        with app.sessions() as s:
            def new_case(*, regime: str | None = Regime.FOI, kind: str = MessageKind.FOI_REQUEST,
                         flags: tuple[str, ...] = (), email: str | None = None, at: datetime) -> Case:
                n = next(count)
                name = NAMES[n % len(NAMES)]
                reference = allocate_reference(s, settings.organisation, regime, at.date())
                case = Case(reference=reference, kind=kind, regime=regime, flags=list(flags), initial_received_at=at,
                            received_at=at, requester_name=name, requester_email=email, requester_address=email,
                            description=f"FOI request: {SUBJECTS[n % len(SUBJECTS)]}", questions=[], valid=True,
                            missing=[], reasons=[])
                s.add(case)
                add_event(s, case, EventType.RECEIVED, at)
                s.flush()
                return case

            build_q3_log(app.intake.desk, s, new_case)
            s.commit()
    finally:
        app.close()
    return config

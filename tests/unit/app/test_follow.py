"""Filing follows the case, and one person's requests are flagged as possibly related (issue 9 items 6 and 7).

The embedded default (Maildir, SQLite, file outbox) with a scripted classifier, as in test_routing."""

from __future__ import annotations

import mailbox
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from classifier import Triage
from intake.app import App, build
from intake.caselog import Case, utcnow
from intake.cli import demo_settings
from intake.mailbox import ParsedMessage
from intake.vocabulary import EventType, MessageKind
from responders.desk import Clarify
from tests.unit.app.test_routing import ScriptedClassifier, cases, deliver, messages, valid_request


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def related(app: App) -> list[list[str]]:
    with app.sessions() as s:
        return [[r for e in c.events if e.type == EventType.POSSIBLY_RELATED for r in e.data["related_to"]]
                for c in s.scalars(select(Case).order_by(Case.id))]


def sar(parsed: ParsedMessage) -> Triage:
    return Triage(kind=MessageKind.FOI_REQUEST, regime="sar", name="Priya Natarajan", address=parsed.from_address,
                  valid=True)


def asking(question: str) -> Callable[[ParsedMessage], Triage]:
    def triage(parsed: ParsedMessage) -> Triage:
        return Triage(kind=MessageKind.FOI_REQUEST, regime="foi", name="Priya Natarajan",
                      address=parsed.from_address, valid=True, questions=[question])
    return triage


def test_similar_requests_are_flagged_as_possibly_related_and_others_are_not(app: App) -> None:
    deliver(app, "Hip operations", asking("How long do patients wait for a hip replacement operation?"))
    deliver(app, "Parking income", asking("What was your car parking income in 2025?"))
    deliver(app, "Hip replacement waits", asking("What is the waiting time for hip replacement operations?"),
            sender="Sam Jones <sam@example.org>")
    deliver(app, "My records", sar)
    app.intake.poll_once()
    first = min(c.reference for c in cases(app))
    # Sam's request is Priya's reworded (a campaign or a round robin may be aggregated: Fees Regs reg 5); her
    # parking question is about something else, and a subject access request is never FOI.
    assert related(app) == [[], [], [first], []]


def folder(app: App, name: str) -> int:
    path = Path(str(app.settings.mailbox.path))
    return len(mailbox.Maildir(path, create=False).get_folder(name.replace("/", ".")))


def test_messages_follow_their_case_to_its_new_folder(app: App) -> None:
    deliver(app, "Waiting times", valid_request)
    app.intake.poll_once()
    [case] = cases(app)
    deliver(app, "Thanks", lambda p: Triage(kind=MessageKind.CLARIFICATION_REPLY, regime=None,
                                            reference=case.reference))
    app.intake.poll_once()
    assert [m.filed_in for m in messages(app)] == ["FOI/New", "FOI/New"]  # a thank-you stays with its open case
    with app.sessions() as s:
        again = s.get(Case, case.id)
        assert again is not None
        app.intake.desk.act(s, again, Clarify(ask="Which sites?"), utcnow(), "officer")
        s.commit()
    report = app.intake.poll_once()
    assert report.refiled == 2 and [m.filed_in for m in messages(app)] == ["FOI/Awaiting clarification"] * 2
    assert folder(app, "FOI/Awaiting clarification") == 2 and folder(app, "FOI/New") == 0
    assert app.intake.poll_once().refiled == 0  # moved once


def test_a_move_that_fails_is_retried_at_the_next_poll(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    deliver(app, "Waiting times", valid_request)
    app.intake.poll_once()
    [case] = cases(app)
    with app.sessions() as s:
        again = s.get(Case, case.id)
        assert again is not None
        app.intake.desk.act(s, again, Clarify(ask="Which sites?"), utcnow(), "officer")
        s.commit()

    def down(*args: object) -> list[str]:
        raise OSError("mailbox down")

    with monkeypatch.context() as m:
        m.setattr(app.intake.source, "refile", down)
        assert app.intake.poll_once().refiled == 0
    assert [m.filed_in for m in messages(app)] == ["FOI/New"] and folder(app, "FOI/New") == 1
    assert app.intake.poll_once().refiled == 1 and folder(app, "FOI/Awaiting clarification") == 1

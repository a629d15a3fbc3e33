"""No subject, name or address in any log line at any level, errors included (issue 11 item 11): a subject with a
broken encoded word, a message whose classification fails and a notice whose sending fails are logged by their
numbers only. The embedded default, every logger at DEBUG."""

from __future__ import annotations

import logging
import mailbox
from pathlib import Path

import pytest

from intake.app import App, build
from intake.cli import demo_settings
from intake.mailbox import ParsedMessage
from tests.mail import request
from tests.unit.app.test_routing import ScriptedClassifier, valid_request

PRIVATE = ("Jones", "psychiatric", "margaret.jones@example.org", "Margaret")
BROKEN_SUBJECT = "=?utf-8?B?QUJDR?= Mrs Jones psychiatric records"


@pytest.fixture
def app(tmp_path: Path) -> App:
    app = build(demo_settings(tmp_path), create=True)
    app.intake.classifier = ScriptedClassifier()  # type: ignore[assignment]
    return app


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


def fails(parsed: ParsedMessage) -> None:
    raise ValueError(f"cannot classify {parsed.subject} from {parsed.from_address}")


def test_a_broken_subject_and_a_failed_classification_are_logged_by_number_only(
        app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = mailbox.Maildir(app.settings.mailbox.path, create=True)
    box.add(request(sender="Margaret Jones <margaret.jones@example.org>", subject="Waiting times").replace(
        b"Subject: Waiting times", f"Subject: {BROKEN_SUBJECT}".encode()))
    box.add(request(sender="Margaret Jones <margaret.jones@example.org>", subject="Jones psychiatric file"))
    classifier = app.intake.classifier
    classifier.by_subject[BROKEN_SUBJECT] = valid_request  # type: ignore[attr-defined]
    classifier.by_subject["Jones psychiatric file"] = fails  # type: ignore[attr-defined,assignment]
    report, flushed = app.poll_and_flush()
    assert report.needs_person == 1 and len(report.cases_opened) == 1 and flushed.sent == 1
    text = logged(caplog)
    assert "needs a person" in text and "ValueError" in text  # the failure is logged, by the message's number
    for word in PRIVATE:
        assert word not in text


def test_a_failed_notice_is_logged_by_number_only(app: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    box = mailbox.Maildir(app.settings.mailbox.path, create=True)
    box.add(request(sender="Margaret Jones <margaret.jones@example.org>", subject="Waiting times"))
    app.intake.classifier.by_subject["Waiting times"] = valid_request  # type: ignore[attr-defined]

    class Refusing:
        def send(self, sender: str, recipient: str, raw: bytes, name: str) -> None:
            raise KeyError(recipient)

    app.outbox.transport = Refusing()
    _, flushed = app.poll_and_flush()
    assert flushed.held == 1
    text = logged(caplog)
    assert "held for a person" in text and "KeyError" in text
    for word in PRIVATE:
        assert word not in text

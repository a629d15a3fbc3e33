"""Log lines a machine reads: one per event, JSON when configured, no scheduler chatter, no personal data."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config.running import Logging
from intake.app.logs import JsonFormatter, TextFormatter, configure, describe_exception

SUBJECT = "My son's appointment at the Riverside clinic"


def record(message: str, *args: object, exc: BaseException | None = None, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("intake.app.intake_pass", logging.ERROR, __file__, 1, message, args,
                            (type(exc), exc, exc.__traceback__) if exc is not None else None)
    rec.__dict__.update(extra)
    return rec


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_json_is_one_object_per_line_with_only_the_message_fields() -> None:
    # An extra field (as a careless caller might pass) and a message spanning lines: still one object, one line.
    line = JsonFormatter().format(record("message %s could not be processed:\nsee %s", 7, "FOI-2026-00042",
                                         subject=SUBJECT, from_address="priya@example.org"))
    assert "\n" not in line
    data = json.loads(line)
    assert set(data) == {"time", "level", "logger", "message"}
    assert data["message"] == "message 7 could not be processed:\nsee FOI-2026-00042"
    assert data["level"] == "ERROR" and data["logger"] == "intake.app.intake_pass"
    assert data["time"].endswith("+00:00")
    assert "priya" not in line and "Riverside" not in line


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_an_exception_is_named_by_type_and_place_never_by_its_text(formatter: logging.Formatter) -> None:
    # A library's exception may quote its input: a subject, a header, a line of a body.
    try:
        try:
            raise KeyError(f"priya@example.org {SUBJECT}")
        except KeyError as inner:
            raise ValueError(f"cannot read {SUBJECT!r}") from inner
    except ValueError as exc:
        line = formatter.format(record("message %s could not be processed", 7, exc=exc))
    assert "\n" not in line
    assert "Riverside" not in line and "priya" not in line
    assert "ValueError at " in line and "KeyError at " in line and "test_logs.py:" in line


def test_text_is_one_line_per_event() -> None:
    line = TextFormatter().format(record("poll failed: %s", "line one\nline two"))
    assert line.count("\n") == 0 and line.endswith("ERROR intake.app.intake_pass: poll failed: line one\\nline two")


def test_describe_exception_without_a_traceback_is_its_type() -> None:
    assert describe_exception(OSError("secret")) == "OSError"
    assert describe_exception(raised(OSError("secret"))).startswith("OSError at app/test_logs.py:")


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], str]]:
    root = logging.getLogger()
    level = root.level
    yield lambda: capsys.readouterr().err
    configure(Logging())  # leave our one handler on stderr, as the command line does
    root.setLevel(level)


def test_scheduler_chatter_is_gone_and_other_libraries_speak_from_warning(stderr: Callable[[], str]) -> None:
    configure(Logging(format="json", level="DEBUG"))
    logging.getLogger("apscheduler.executors.default").info('Running job "poll" (scheduled at …)')
    logging.getLogger("apscheduler.executors.default").info('Job "poll" executed successfully')
    logging.getLogger("pypdf._reader").debug("a line of some attachment")
    logging.getLogger("pypdf._reader").warning("incorrect startxref pointer(1)")
    logging.getLogger("intake.app.intake_pass").debug("poll: stored=0")
    lines = [json.loads(line) for line in stderr().splitlines()]
    assert [(d["logger"], d["message"]) for d in lines] == [("pypdf._reader", "incorrect startxref pointer(1)"),
                                                            ("intake.app.intake_pass", "poll: stored=0")]


def test_configuring_again_replaces_the_handler_and_the_level(stderr: Callable[[], str]) -> None:
    configure(Logging(format="json"))
    configure(Logging(format="text", level="WARNING"))
    logging.getLogger("intake.app.intake_pass").info("not shown at WARNING")
    logging.getLogger("responders.outbox").warning("notice %s held", 3)
    err = stderr()
    assert err.count("\n") == 1 and "WARNING responders.outbox: notice 3 held" in err


def test_a_log_file_is_the_owners_only(tmp_path: Path, stderr: Callable[[], str]) -> None:
    path = tmp_path / "log" / "foi-intake.log"
    configure(Logging(format="json", file=path))
    logging.getLogger("responders.outbox").warning("notice %s held", 3)
    assert json.loads(path.read_text())["message"] == "notice 3 held"
    assert path.stat().st_mode & 0o777 == 0o600 and stderr() == ""

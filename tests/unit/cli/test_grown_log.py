"""The commands a person runs stay fast as the case log grows (issue 12 item 4; speed itself is measured by
bench/commands.py): `cases list`, `report`, `status` and `daily` never load the classifier's model, and read every
case's events and notices in a query per batch of cases, never one query per case."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import intake.app.intake_pass as intake_pass
from config.settings import load
from intake.app import build
from intake.caselog import Case, add_event, allocate_reference
from intake.cli import commands as cli
from intake.vocabulary import EventType
from tests.conftest import write_maildir_config

CASES = 40
RECEIVED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A case log of CASES cases, half of them answered, written through the models."""
    path = write_maildir_config(tmp_path)
    app = build(load(path), create=True, classify=False)
    with app.sessions() as s:
        for i in range(CASES):
            at = RECEIVED + timedelta(days=i)
            case = Case(reference=allocate_reference(s, app.settings.organisation, "foi", at.date()),
                        kind="foi_request", regime="foi", initial_received_at=at, received_at=at,
                        requester_email=f"person{i}@example.org", requester_address=f"person{i}@example.org")
            s.add(case)
            add_event(s, case, EventType.RECEIVED, at)
            if i % 2:
                add_event(s, case, EventType.RESPONDED, at + timedelta(days=10), {"outcome": "granted"})
        s.commit()
    app.close()
    return path


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(settings: object) -> None:
        raise AssertionError("the classifier was built")

    monkeypatch.setattr(intake_pass, "build_classifier", refused)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement run meanwhile, on any engine (each command makes its own)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("command", [["cases", "list"], ["report", "--from", "2026-01-01"], ["status"], ["daily"]])
def test_a_command_that_does_not_classify_never_loads_the_model(config: Path, no_model: None,
                                                                command: list[str]) -> None:
    assert cli.main(["--config", str(config), *command]) in (0, 1)  # status says 1 without a health file


@pytest.mark.parametrize("command", [["cases", "list", "--json"], ["report", "--from", "2026-01-01", "--json"],
                                     ["daily"]])
def test_events_are_read_for_all_cases_at_once(config: Path, statements: list[str], command: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(config), *command]) == 0
    reads = [s for s in statements if re.match(r"\s*SELECT\b.*\bFROM case_events\b", s, re.S)]
    assert 1 <= len(reads) <= 5, reads  # a handful for all 40 cases (daily: its cases, the digest's), not one each
    if command[0] == "cases":
        assert len(json.loads(capsys.readouterr().out)) == CASES

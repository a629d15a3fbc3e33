"""Retention (issue 11 item 11): raw mail and ended cases are deleted by the daily job after the configured periods,
never a live case's mail, and the job says what it deleted by count. The embedded default."""

from __future__ import annotations

import logging
import mailbox
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from config.settings import DATABASE_ENV_VAR
from intake.cli import commands as cli
from tests.conftest import write_maildir_config
from tests.mail import request

IN_2020 = datetime(2020, 1, 6, 9, 30, tzinfo=UTC)
TOPICS = {"Waiting times": "Priya Natarajan", "Parking income": "Sam Jones", "Agency spend": "Ann Lee"}


def deliver_in_2020(root: Path) -> None:
    box = mailbox.Maildir(root / "mail", create=True)
    for i, (topic, name) in enumerate(TOPICS.items()):
        key = box.add(request(subject=topic, sender=f"{name} <r{i}@example.org>", when=IN_2020,
                              body=f"Dear FOI team,\n\nPlease tell me about {topic} in 2019.\n\n{name}\n"))
        os.utime(root / "mail" / "new" / key, (IN_2020.timestamp(),) * 2)


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.begin() as conn:
        found = [tuple(row) for row in conn.execute(text(sql))] if sql.startswith("SELECT") else []
        if not sql.startswith("SELECT"):
            conn.execute(text(sql))
    engine.dispose()
    return found


@pytest.mark.parametrize("configured", [True, False], ids=["retention set", "default: kept for ever"])
def test_the_daily_job_deletes_raw_mail_and_ended_cases_after_their_periods(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, configured: bool) -> None:
    extra = "[retention]\nraw_mail_days = 30\nclosed_case_days = 1096\n" if configured else ""
    config = write_maildir_config(tmp_path, extra)
    db = os.environ.get(DATABASE_ENV_VAR) or f"sqlite:///{tmp_path / 'foi-intake.sqlite3'}"  # this run's case log
    run = ["--config", str(config)]
    assert cli.main([*run, "init"]) == 0
    deliver_in_2020(tmp_path)
    assert cli.main([*run, "poll", "--once"]) == 0
    assert cli.main([*run, "case", "FOI-2020-00002", "respond", "--outcome", "granted"]) == 0
    assert cli.main([*run, "case", "FOI-2020-00003", "respond", "--outcome", "not-held"]) == 0
    # FOI-2020-00002's last action was in 2020; 00003's is today
    rows(db, "UPDATE case_events SET recorded_at = '2020-02-03 12:00:00' WHERE case_id = "
             "(SELECT id FROM cases WHERE reference = 'FOI-2020-00002')")
    capsys.readouterr()
    caplog.set_level(logging.INFO)

    assert cli.main([*run, "daily"]) == 0
    out = capsys.readouterr().out
    references = [r[0] for r in rows(db, "SELECT reference FROM cases ORDER BY id")]
    raw = dict(rows(db, "SELECT c.reference, length(m.raw) FROM messages m JOIN cases c ON c.id = m.case_id"))
    if not configured:
        assert "raw_mail_deleted=0 cases_deleted=0" in out
        assert references == ["FOI-2020-00001", "FOI-2020-00002", "FOI-2020-00003"]
        return
    assert "raw_mail_deleted=1 cases_deleted=1" in out
    assert references == ["FOI-2020-00001", "FOI-2020-00003"]  # the open case stays, whatever its age
    assert raw["FOI-2020-00001"] > 0 and raw["FOI-2020-00003"] == 0  # a live case keeps its mail
    assert rows(db, "SELECT count(*) FROM case_events WHERE case_id NOT IN (SELECT id FROM cases)") == [(0,)]
    assert any("retention: deleted the raw bytes of 1 message(s)" in r.getMessage() and "1 case(s)" in r.getMessage()
               for r in caplog.records)
    assert cli.main([*run, "messages", "export", "3", str(tmp_path / "x.eml")]) == 1
    assert "raw bytes were deleted on" in capsys.readouterr().err

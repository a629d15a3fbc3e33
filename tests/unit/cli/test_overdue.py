"""Overdue is true everywhere (issue 11 item 10): a case due in the past is overdue in `cases list --overdue`,
`cases show` and `daily` alike. The embedded default: a Maildir whose file dates are the arrival dates."""

from __future__ import annotations

import json
import mailbox
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from intake.cli import commands as cli
from tests.conftest import write_maildir_config
from tests.mail import request

LONG_AGO = datetime(2020, 1, 6, 9, 30, tzinfo=UTC)  # due 3 February 2020: overdue whenever this runs


def test_a_case_due_in_the_past_is_overdue_in_cases_list_cases_show_and_daily(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_maildir_config(tmp_path)
    run = ["--config", str(config)]
    assert cli.main([*run, "init"]) == 0
    box = mailbox.Maildir(tmp_path / "mail", create=True)
    key = box.add(request(when=LONG_AGO))
    stamp = LONG_AGO.timestamp()
    os.utime(tmp_path / "mail" / "new" / key, (stamp, stamp))  # a Maildir's arrival time is the file's
    assert cli.main([*run, "poll", "--once"]) == 0
    capsys.readouterr()

    assert cli.main([*run, "cases", "list", "--overdue", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["reference"], listed["due_date"], listed["clock_state"]) == ("FOI-2020-00001", "2020-02-03",
                                                                               "overdue")
    assert cli.main([*run, "cases", "show", "FOI-2020-00001"]) == 0
    assert "clock_state: overdue" in capsys.readouterr().out
    assert cli.main([*run, "daily"]) == 0
    assert "overdue=1" in capsys.readouterr().out

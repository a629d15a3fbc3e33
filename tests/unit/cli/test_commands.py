"""The command line's boundary: a person never sees a Python traceback."""

from __future__ import annotations

import argparse

import pytest

from intake.cli import commands as cli_main
from intake.errors import FoiIntakeError


def test_an_unexpected_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise KeyError("reg 12(5)(a)")

    monkeypatch.setattr(cli_main.deadline_cli, "run", broken)
    assert cli_main.main(["deadline", "--kind", "foi", "--received", "2026-11-16T09:00"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert "internal error (KeyError)" in err and "-v" in err


def test_our_own_errors_print_their_message(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def refused(args: argparse.Namespace) -> int:
        raise FoiIntakeError("FOI-2026-00042 is closed; reopen it first")

    monkeypatch.setattr(cli_main.deadline_cli, "run", refused)
    assert cli_main.main(["deadline", "--kind", "foi", "--received", "2026-11-16T09:00"]) == 1
    assert capsys.readouterr().err == "foi-intake: FOI-2026-00042 is closed; reopen it first\n"

"""The case keeps every rule's hit or miss, and `foi-intake cases show` prints them (Maildir, no servers)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from intake import cli
from tests.conftest import write_maildir_config
from tests.mail import request


def write_config(tmp_path: Path, classifier: str = "") -> Path:
    mailbox.Maildir(tmp_path / "mail").add(request())
    config = write_maildir_config(tmp_path, classifier)
    return config


def test_cases_show_prints_the_hits_and_misses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    assert cli.main(["--config", str(config), "init"]) == 0
    assert cli.main(["--config", str(config), "poll", "--once"]) == 0
    capsys.readouterr()
    assert cli.main(["--config", str(config), "cases", "show", "FOI-2026-00001"]) == 0
    out = capsys.readouterr().out
    reasons, rules = out.split("reasons:\n")[1].split("rules (hit or miss):\n")
    assert "  validity: valid — name, address and description" in reasons and "miss" not in reasons
    assert "  miss  delivery_failure — no delivery report, daemon sender or bounce subject" in rules
    assert "  hit   requester_name — from_display: Priya Natarajan" in rules
    assert len(rules.strip().splitlines()) == 22  # every rule of the default chain


def test_a_bad_chain_stops_the_program_at_start_naming_the_row(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", str(write_config(tmp_path)), "init"]) == 0
    (tmp_path / "chain.toml").write_text('[[rule]]\nname = "delivery_failure"\nkind = "bounce"\n')
    config = write_config(tmp_path, classifier='chain = "chain.toml"')
    capsys.readouterr()
    assert cli.main(["--config", str(config), "poll", "--once"]) == 2  # configuration error
    assert capsys.readouterr().err.strip() == (
        "foi-intake: configuration error: chain.toml rule 1 (delivery_failure).stop: "
        "a hit that makes a message bounce must end the chain (RFC 3834)")

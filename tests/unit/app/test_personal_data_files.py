"""Every file the bot writes that holds personal data is its owner's only, whatever the umask."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mail import request
from tests.unit.app.test_corrections import act, config, deliver

__all__ = ["config"]  # the fixture, shared with the corrections tests


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o022)  # the usual default: files 0644, readable by every local account
    yield
    os.umask(old)


def modes(paths: list[Path]) -> set[int]:
    return {p.stat().st_mode & 0o777 for p in paths}


def test_the_case_log_the_file_outbox_and_drafts_are_owner_only(config: Path, tmp_path: Path) -> None:
    deliver(config, request())
    assert act(config, "poll", "--once") == 0
    outbox = config.parent / "sent"
    assert modes(list(outbox.iterdir())) == {0o600} and modes([outbox]) == {0o700}
    drafts = tmp_path / "drafts"
    assert act(config, "case", "FOI-2026-00001", "draft", "--outcome", "granted", "--out", str(drafts)) == 0
    assert modes(list(drafts.iterdir())) == {0o600} and modes([drafts]) == {0o700}


@pytest.mark.sqlite_only
def test_the_sqlite_case_log_and_its_journal_files_are_owner_only(config: Path) -> None:
    deliver(config, request())
    assert act(config, "poll", "--once") == 0
    assert modes(list(config.parent.glob("foi-intake.sqlite3*"))) == {0o600}  # -wal and -shm too

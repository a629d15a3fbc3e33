"""Files holding personal data are owner-only from the first byte, whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

from intake.private import private_dir, replace_private, touch_private, write_private


def test_files_and_folders_are_owner_only_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        folder = private_dir(tmp_path / "exports" / "2026")
        written = write_private(folder / "message.eml", b"From: someone\r\n")
        empty = touch_private(tmp_path / "db" / "cases.sqlite3")
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert written.stat().st_mode & 0o777 == 0o600 and written.read_bytes() == b"From: someone\r\n"
    assert empty.stat().st_mode & 0o777 == 0o600 and empty.parent.stat().st_mode & 0o777 == 0o700


def test_rewriting_a_file_someone_left_readable_makes_it_private(tmp_path: Path) -> None:
    path = tmp_path / "labels.json"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, b"new")
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_bytes() == b"new"


def test_a_replaced_file_is_whole_and_private_and_leaves_no_temporary_behind(tmp_path: Path) -> None:
    path = tmp_path / "foi-intake.health.json"
    path.write_text("{}")
    path.chmod(0o644)
    held_open = path.open()  # a reader that opened the old file keeps reading the old file, whole
    replace_private(path, b'{"healthy": true}')
    assert held_open.read() == "{}"
    held_open.close()
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_bytes() == b'{"healthy": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["foi-intake.health.json"]

"""A Maildir's messages as files: moved and written as the bytes they are, never parsed and written out again.

Re-serialising a message with `email.generator` fails on mail that parses (a 300-deep message/rfc822 nest raises
RecursionError, odd headers UnicodeEncodeError) and changes its bytes; a rename is atomic and changes nothing."""

from __future__ import annotations

import mailbox
import os
from pathlib import Path

from intake.mailbox.parse import header_message_id

__all__ = ["deliver", "message_id_of", "move"]


def move(path: Path, folder: mailbox.Maildir) -> None:
    """Move the message file at `path` into `folder`, same subdirectory (new or cur) and name (key and flags)."""
    target = Path(folder._path) / path.parent.name / path.name
    os.rename(path, target)


def message_id_of(path: Path) -> str | None:
    """The Message-ID in the message file's header block (read up to 64 kB, never the body)."""
    with path.open("rb") as fh:
        return header_message_id(fh.read(65536))


def deliver(folder: mailbox.Maildir, raw: bytes, seen: bool = False) -> str:
    """Add `raw` to `folder` byte for byte (in `cur`, flagged seen, with `seen`); returns its key."""
    key = folder.add(raw)  # bytes are written as they are, into new/
    if seen:
        new = Path(folder._path) / "new" / key
        os.rename(new, Path(folder._path) / "cur" / f"{key}:2,S")
    return key

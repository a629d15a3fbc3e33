"""Files that hold personal data (the case log, exports, drafts, notices on disk): owner-only from the first
byte — 0600 files in 0700 folders — whatever the umask of the process that writes them."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["private_dir", "replace_private", "touch_private", "write_private"]


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) owner-only; an existing folder is left as its owner made it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def write_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path`, readable by its owner only (an existing file is made 0600 too)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # O_CREAT's mode does not apply to a file that already exists
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def touch_private(path: Path) -> Path:
    """Create an empty owner-only file (and its folder) unless it exists, e.g. before SQLite opens it."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return path


def replace_private(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (a reader sees the old file or the new one, never half), owner-only."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path

"""One worker per mailbox: a lease the polling and sending process holds, so two `run` processes (or a
`run` and a `poll --once`) never read the same mailbox or send the same notice together.

On SQLite the lease is an exclusive lock on a file beside the case log; on PostgreSQL a session advisory
lock. Either is released by the kernel or the server when the process dies, even by kill -9.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from intake.errors import FoiIntakeError
from intake.private import private_dir

__all__ = ["Lease", "LeaseHeld"]


class LeaseHeld(FoiIntakeError):
    """Another process serves this mailbox."""


class Lease:
    """The lease on one mailbox (by its source key) in one case log."""

    def __init__(self, engine: Engine, source_key: str) -> None:
        self.engine = engine
        self.key = source_key
        self.digest = hashlib.sha256(source_key.encode()).digest()
        self.me = f"pid {os.getpid()} on {socket.gethostname()} since {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        self._file: IO[str] | None = None
        self._conn: Connection | None = None
        self._alone = False

    @property
    def held(self) -> bool:
        return self._alone or self._file is not None or self._conn is not None

    def acquire(self) -> bool:
        """Take the lease if it is free; True when this process holds it (again)."""
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            return self._acquire_advisory()
        return self._acquire_file()

    def require(self) -> None:
        if not self.acquire():
            raise LeaseHeld(f"{self.key} is being served by {self.holder()}: one worker per mailbox")

    def holder(self) -> str:
        """Who holds the lease, as its holder wrote it."""
        if self.engine.dialect.name == "postgresql":
            return self._advisory_holder()
        path = self._lock_path()
        return path.read_text().strip() if path and path.exists() else "another process"

    def release(self) -> None:
        self._alone = False
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            # Closing alone would return the session, lock and all, to the pool: end the session itself.
            self._conn.invalidate()
            self._conn.close()
            self._conn = None

    # -- SQLite (and any file-based case log): a lock file beside it -------------------------------

    def _lock_path(self) -> Path | None:
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return None
        return Path(f"{database}.{self.digest.hex()[:12]}.lease")

    def _acquire_file(self) -> bool:
        path = self._lock_path()
        if path is None:
            self._alone = True  # an in-memory case log has one process by construction
            return True
        private_dir(path.parent)
        # Held open for as long as the lease is; owner-only like the case log it sits beside.
        handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(self.me + "\n")
        handle.flush()
        self._file = handle
        return True

    # -- PostgreSQL: a session advisory lock, its holder named in application_name ------------------

    def _advisory_key(self) -> int:
        return int.from_bytes(self.digest[:8], "big", signed=True)

    def _acquire_advisory(self) -> bool:
        conn = self.engine.connect()
        conn.execute(text("SELECT set_config('application_name', :me, false)"), {"me": f"foi-intake {self.me}"[:63]})
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._advisory_key()}).scalar():
            conn.commit()
            self._conn = conn
            return True
        conn.close()
        return False

    def _advisory_holder(self) -> str:
        key = self._advisory_key() & 0xFFFFFFFFFFFFFFFF
        with self.engine.connect() as conn:
            name = conn.execute(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi AND l.objid = :lo"),
                {"hi": key >> 32, "lo": key & 0xFFFFFFFF}).scalar()
        return str(name).removeprefix("foi-intake ") if name else "another process"

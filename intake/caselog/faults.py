"""Transient or permanent: a fault of the moment (a lock, a full disk, a dropped connection) is retried at the
next pass and never parks a message; anything else is the message's own fault and sets it aside for a person."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from intake.errors import FoiIntakeError, machine_fault

__all__ = ["TemporaryFault", "is_transient", "temporary"]


class TemporaryFault(FoiIntakeError):
    """The database or the disk failed for the moment: nothing is set aside, the next pass tries again."""


def is_transient(exc: BaseException) -> bool:
    """True for a fault of the moment: database locked or busy, disk full, connection dropped or timed out."""
    if isinstance(exc, TemporaryFault):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    # OperationalError: SQLite's "database is locked" and "database or disk is full", PostgreSQL's dropped
    # connection, lock timeout or shutdown; InterfaceError and pool timeouts: the connection itself.
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.DisconnectionError
                  | sa_exc.TimeoutError):
        return True
    return machine_fault(exc)


def temporary(exc: BaseException, doing: str) -> TemporaryFault:
    """One line for a person: what failed and the database's own words (never SQL parameters)."""
    if isinstance(exc, TemporaryFault):
        return exc  # already said, where it happened
    orig = getattr(exc, "orig", None)
    words = str(orig if orig is not None else exc).strip()
    detail = words.splitlines()[0] if words else type(exc).__name__
    return TemporaryFault(f"temporary fault while {doing}: {detail[:200]}; nothing was set aside, "
                          "the next pass tries again")

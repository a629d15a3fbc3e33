"""The project's own exception: every error a person may see derives from it, so commands print one line."""

from __future__ import annotations

import errno
import traceback

__all__ = ["FoiIntakeError", "fault_trace", "machine_fault"]

# No space, no quota, an I/O error or no memory for a buffer: the disk or the machine, not the message.
_MACHINE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.ENOMEM})


class FoiIntakeError(Exception):
    """An error whose message is written for a person: the command prints it and exits non-zero."""


def fault_trace(exc: BaseException, frames: int = 3) -> str:
    """An exception's type and the innermost places it passed, without its message (which may quote a subject,
    a name or an address): what an engineer needs to find the fault, safe for any log line at any level."""
    where = traceback.extract_tb(exc.__traceback__)[-frames:]
    return type(exc).__name__ + "".join(
        f" < {'/'.join(f.filename.replace(chr(92), '/').split('/')[-2:])}:{f.lineno} {f.name}"
        for f in reversed(where))


def machine_fault(exc: BaseException) -> bool:
    """An OSError of the disk or the machine (full, over quota, I/O): a fault of the moment, never the message's."""
    return isinstance(exc, OSError) and exc.errno in _MACHINE_ERRNOS

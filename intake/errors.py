"""The project's own exception: every error a person may see derives from it, so commands print one line."""

from __future__ import annotations

__all__ = ["FoiIntakeError"]


class FoiIntakeError(Exception):
    """An error whose message is written for a person: the command prints it and exits non-zero."""

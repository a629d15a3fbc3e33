"""The responders' own exceptions: each carries one line a person can act on, never a traceback."""

from __future__ import annotations

from intake.errors import FoiIntakeError

__all__ = ["ActionRefused", "DraftRefused", "Refused", "UnknownExemption"]


class Refused(FoiIntakeError):
    """A person asked for something the rules do not allow (yet); the message says what is needed."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class ActionRefused(Refused):
    """A desk action may not run on this case now."""


class DraftRefused(Refused, ValueError):
    """A response draft cannot be written as asked (outcome, regime or exemptions do not fit)."""


class UnknownExemption(Refused, KeyError):
    """An exemption or exception code that names nothing, or names two things."""

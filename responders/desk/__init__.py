"""The DSP team's desk: what happens to a case when it opens, when the requester replies, when a person acts
on it, and every day. Every step is an event on the case; the status, the clock and the notices follow from
them. The bot proposes and asks; people decide exemptions and refusals.

Each thing a person does is an `Action` class (`responders.desk.base`): its name, the statuses it may run
from, the events it writes and the notices it sends. `ACTIONS` lists them by name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from classifier import Triage
from config.settings import Settings
from intake.caselog import Case, Message
from intake.vocabulary import EventType
from responders.desk.arrivals import ACK_REGIMES, case_opened, reply_received
from responders.desk.base import Action, DeskTools, Done
from responders.desk.clock_actions import MISSING_PARTS, Clarified, Clarify, Extend, Fee, FeePaid, missing_context
from responders.desk.corrections import Reclassify
from responders.desk.costs import CostLimit
from responders.desk.daily import daily
from responders.desk.decisions import (
    CommsSignoff,
    Note,
    PublicationScheme,
    Reopen,
    Respond,
    ReviewClose,
    ReviewOpen,
    Transfer,
)
from responders.desk.lifecycle import LIFECYCLE, Route, route_of
from responders.desk.refusals import Refuse
from responders.desk.sar import IdReceived, IdRequest
from responders.errors import ActionRefused
from responders.notify import Notifier

__all__ = [
    "ACK_REGIMES",
    "ACTIONS",
    "LIFECYCLE",
    "MISSING_PARTS",
    "Action",
    "ActionRefused",
    "Clarified",
    "Clarify",
    "CommsSignoff",
    "CostLimit",
    "Desk",
    "DeskTools",
    "Done",
    "Extend",
    "Fee",
    "FeePaid",
    "IdReceived",
    "IdRequest",
    "Note",
    "PublicationScheme",
    "Reclassify",
    "Refuse",
    "Reopen",
    "Respond",
    "ReviewClose",
    "ReviewOpen",
    "Route",
    "Transfer",
    "missing_context",
    "route_of",
]

# Every action by its verb; a module adding actions (corrections) adds its classes to this tuple.
ACTIONS: dict[str, type[Action]] = {a.name: a for a in (
    Clarify, Clarified, Fee, FeePaid, CostLimit, Extend, CommsSignoff, Respond, Transfer, ReviewOpen, ReviewClose,
    Reopen, Note, PublicationScheme, IdRequest, IdReceived, Reclassify, Refuse)}


class Desk:
    """The desk's front: the intake, the commands and the scheduler come in here."""

    def __init__(self, settings: Settings, notifier: Notifier | None = None) -> None:
        self.settings = settings
        self.notifier = notifier or Notifier(settings)
        self.tools = DeskTools(settings, self.notifier)

    def opened(self, s: Session, case: Case, triage: Triage, now: datetime) -> int:
        """A new case from the intake; returns how many notices were queued."""
        return case_opened(self.tools, s, case, triage, now)

    def reply_received(self, s: Session, case: Case, message: Message, triage: Triage, now: datetime) -> EventType:
        """A requester's message on an existing case; returns the event type recorded."""
        return reply_received(self.tools, s, case, message, triage, now)

    def act(self, s: Session, case: Case, action: Action, now: datetime, actor: str) -> Done:
        """A person's action on a case: refused with one line (ActionRefused) unless the rules allow it."""
        return action.run(self.tools, s, case, now, actor)

    def daily(self, s: Session, now: datetime) -> dict[str, int]:
        """Lapses, reminders, overdue alerts and the digest; safe to run more than once a day."""
        return daily(self.tools, s, now)

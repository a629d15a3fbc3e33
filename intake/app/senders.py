"""Who a message is from, and whether it may steer anything (issue 11): our mail server's verdict on the sender
(RFC 8601), staff forwards, the case's own requester, the same mail sent again, and the thread it belongs to."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifier import Triage
from classifier.replyto import domain_of
from config.settings import Settings
from intake.caselog import Case, Message, Notice
from intake.caselog.clock import WorkingCalendar
from intake.mailbox import ParsedMessage
from intake.mailbox.authresults import authentication
from intake.mailbox.fingerprints import body_shape, content_digest, digest, thread_root

__all__ = ["find_duplicate", "from_requester", "note_identity", "screen"]


def screen(parsed: ParsedMessage, triage: Triage, settings: Settings, arrived_at: datetime) -> str | None:
    """Why a message goes to a person before anything automatic happens to it; None when nothing stops it."""
    security = settings.security
    auth = (authentication(parsed.auth_results, security.authserv_id, domain_of(parsed.from_address))
            if security.authserv_id else None)
    if auth is not None and auth.dmarc == "fail":
        return f"not authenticated: DMARC failed ({auth.evidence}); no automatic notice, a person decides"
    if not triage.forwarded:
        return None
    if auth is not None and auth.dmarc != "pass":
        return (f"a staff forward from a sender not authenticated ({auth.evidence}): a person checks it before "
                "the requester it names is answered")
    return _stale_forward(triage.original_received, settings, arrived_at)


def _stale_forward(original: date | None, settings: Settings, arrived_at: datetime) -> str | None:
    """Policy 5.10 backdates a forward to its original date; one older than the limit is for a person to judge."""
    limit = settings.security.forward_max_age_working_days
    arrived = arrived_at.astimezone(ZoneInfo(settings.organisation.timezone)).date()
    if original is None or original >= arrived:
        return None
    # So many calendar days hold more working days than the limit whatever the holidays: no count over centuries.
    if (arrived - original).days <= 2 * limit + 10:
        age = WorkingCalendar(settings.clock.extra_non_working_days).working_days_between(original, arrived)
        if age <= limit:
            return None
    return (f"a staff forward of a request dated {original.isoformat()}, more than {limit} working days before it "
            "arrived: a person decides its date of receipt, no case is backdated")


def from_requester(s: Session, case: Case, parsed: ParsedMessage) -> bool:
    """The message's From is the case's requester: its address, or the From of the message that opened it
    (compared whole, case-insensitively: one relay address per request, as WhatDoTheyKnow's, is one person).
    Reply-To never counts: anyone can write one."""
    sender = parsed.from_address.lower()
    if not sender:
        return False
    if not case.requester_email:  # no address of theirs: a shared relay's From is nobody in particular
        return False
    if case.requester_email.lower() == sender:
        return True
    if "forwarded" in case.flags:  # the opening message came from staff, not from the requester
        return False
    opening = s.scalar(select(Message.from_address).where(Message.case_id == case.id).order_by(Message.id).limit(1))
    return opening is not None and opening.lower() == sender


def note_identity(s: Session, msg: Message, parsed: ParsedMessage) -> None:
    """Store what identifies the message's content and thread (intake.mailbox.fingerprints)."""
    msg.content_digest = content_digest(parsed)
    msg.body_shape = body_shape(parsed.text)
    msg.thread = _thread(s, parsed)


def _thread(s: Session, parsed: ParsedMessage) -> str | None:
    """A reply to one of our notices is in the thread of the message that opened the notice's case, so a robot
    answering each acknowledgement stays in one thread, however each of its messages starts."""
    ids = [*parsed.references, *parsed.in_reply_to]
    if ids:
        case_id = s.scalar(select(Notice.case_id).where(Notice.message_id.in_(ids), Notice.case_id.is_not(None))
                           .order_by(Notice.id).limit(1))
        if case_id is not None:
            opened = s.scalar(select(Message.thread).where(Message.case_id == case_id, Message.thread.is_not(None))
                              .order_by(Message.id).limit(1))
            if opened:
                return opened
    root = thread_root(parsed)
    if root is None:
        return None
    earlier = s.scalar(select(Message.thread).where(Message.message_id == root, Message.thread.is_not(None))
                       .order_by(Message.id).limit(1))
    return earlier or digest(root)


def find_duplicate(s: Session, msg: Message, window_days: int) -> Message | None:
    """An earlier message with the same content from the same sender within the window: this one is a copy."""
    if not window_days or not msg.from_address or not msg.content_digest:
        return None
    return s.scalar(select(Message).where(
        Message.content_digest == msg.content_digest, Message.from_address == msg.from_address, Message.id != msg.id,
        Message.id < msg.id, Message.arrived_at >= msg.arrived_at - timedelta(days=window_days))
        .order_by(Message.id).limit(1))

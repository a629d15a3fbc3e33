"""More time for an internal review (complex: 40 working days, s.45 Code; policy 17.8, App. C) or a re-use
request (RPSI 2015 reg 8(2): a longer period with an estimated date), told to the requester."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.caselog.clock import local_date
from intake.caselog.views import clock_kind
from intake.vocabulary import EventType, NoticePurpose
from responders.desk.base import DeskTools, Done, queued_ids
from responders.desk.lifecycle import Route, route_of
from responders.errors import ActionRefused

__all__ = ["further_time"]


def further_time(tools: DeskTools, s: Session, case: Case, now: datetime, actor: str, reason: str, *,
                 until: date | None, days: int | None) -> Done:
    """Write the review's or re-use request's extension, and tell the requester the new date."""
    review = route_of(case) == Route.REVIEW
    if review and clock_kind(case) == "eir_internal_review":
        raise ActionRefused("an EIR review already has the statutory 40 working days (reg 11(4)): no extension")
    if review and any(e.type == EventType.COMPLEX_REVIEW for e in case.events):
        raise ActionRefused(f"{case.reference} is already a complex review: 40 working days is the most")
    if len(reason.split()) < 3:
        raise ActionRefused("say why more time is needed, in words the requester will read: --reason TEXT")
    clock = tools.clock(case, now.date())
    before = clock.due
    if before is None:
        raise ActionRefused(f"the clock is {clock.state} ({clock.state_reason}): nothing to extend yet")
    if local_date(now, tools.settings.organisation.timezone) > before:
        raise ActionRefused(f"the requester must be told before the due date ({before}): too late to extend")
    if not review and until and until <= before:
        raise ActionRefused(f"--until {until} is not after the current due date {before}")
    data: dict[str, Any] = {"reason": reason}
    if not review and until:
        data["until"] = until.isoformat()
    if not review and days:
        data["days"] = days
    event_type = EventType.COMPLEX_REVIEW if review else EventType.REUSE_EXTENSION
    event = add_event(s, case, event_type, now, data, actor=actor)
    s.flush()
    after = tools.clock(case, now.date()).due
    purpose = NoticePurpose.REVIEW_EXTENSION if review else NoticePurpose.REUSE_EXTENSION
    queued = tools.notifier.queue(s, case, purpose, now=now,
                                  key=f"{purpose}:{case.reference}:{event.id}",
                                  extra={"reason": reason, "original_due": before, "new_due": after})
    return Done(f"extended from {before} to {after}", queued_ids(queued))

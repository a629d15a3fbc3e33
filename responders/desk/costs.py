"""The cost limit (FOIA s.12; Fees Regulations 2004 reg 3, 4; policy 12.3-12.10, 13.3): staff time is never
charged below it, and an estimate over it proposes a refusal that only a person confirms (`cost-limit`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event
from intake.vocabulary import EventType, Outcome, RefusalGround
from responders.desk.base import Action, DeskTools, Done
from responders.desk.lifecycle import union_of
from responders.errors import ActionRefused

__all__ = ["CostLimit", "cost_estimate", "staff_time_refusal"]

# Words that say a fee charges for the s.12 activities (policy 12.8): locating, retrieving, extracting.
_STAFF_TIME = re.compile(r"\b(staff time|search\w*|locat\w*|retriev\w*|extract\w*|establish\w* whether)\b",
                         re.IGNORECASE)


def staff_time_refusal(breakdown: str) -> str | None:
    """The one line refusing a fee that charges staff time without an estimate against the cost limit."""
    if not _STAFF_TIME.search(breakdown):
        return None
    return ("staff time cannot be charged below the cost limit (policy 12.3): give the estimate with --hours; "
            "the fee covers only disbursements such as copying and postage (policy 12.2)")


def cost_estimate(tools: DeskTools, s: Session, case: Case, now: datetime, actor: str, hours: Decimal,
                  amount: Decimal) -> Done | None:
    """Record the estimate; over the limit, propose a s.12 refusal (a Done); under it, None: the fee goes on."""
    fees = tools.settings.fees
    if hours < 0:
        raise ActionRefused("--hours is an estimate of staff time: 0 or more")
    cost = hours * fees.hourly_rate
    over = cost > fees.cost_limit
    if not over and amount <= 0:
        raise ActionRefused(f"£{cost:,.2f} of staff time is within the £{fees.cost_limit} cost limit and cannot be "
                            "charged (policy 12.3): a fee is only for disbursements (--amount)")
    add_event(s, case, EventType.COST_ESTIMATE, now,
              {"hours": str(hours), "cost": str(cost), "limit": fees.cost_limit, "rate": fees.hourly_rate,
               "over": over}, actor=actor)
    if not over:
        return None
    return Done(f"estimate £{cost:,.2f} ({hours} hours at £{fees.hourly_rate}) is over the £{fees.cost_limit} cost "
                "limit (s.12): no fees notice sent. Proposed: refuse under s.12 with advice and assistance to "
                f"narrow the request (policy 13.3); to confirm: foi-intake case {case.reference} cost-limit "
                "--advice TEXT")


@dataclass(frozen=True)
class CostLimit(Action):
    """A person confirms the s.12 refusal an estimate over the cost limit proposed, with the advice and
    assistance given to narrow the request (FOIA s.16; policy 13.3)."""

    advice: str
    name: ClassVar[str] = "cost-limit"
    allowed_from, writes, sends = union_of("cost-limit")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        estimate = next((e for e in reversed(case.events) if e.type == EventType.COST_ESTIMATE), None)
        if estimate is None or not estimate.data.get("over"):
            raise ActionRefused(f"no estimate over the cost limit on {case.reference}: record one first with "
                                "fee --hours N --amount 0 --breakdown TEXT")
        if not self.advice.strip():
            raise ActionRefused("a s.12 refusal gives advice and assistance to narrow the request (policy 13.3): "
                                "--advice TEXT")
        add_event(s, case, EventType.RESPONDED, now,
                  {"outcome": Outcome.REFUSED, "exemptions": [], "section": RefusalGround.COST_LIMIT,
                   "advice": self.advice, "estimate": estimate.data.get("cost")}, actor=actor)
        case.decision, case.exemptions = Outcome.REFUSED, []
        case.completed_at, case.sent_at = now, now
        return tools.done_with_clock(s, case, now, "refused under s.12 (cost limit) with advice and assistance; "
                                     "the letter names the internal review and the ICO (policy 16.3)")

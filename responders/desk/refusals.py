"""A refusal that is not an exemption: a vexatious request (FOIA s.14(1); policy 15.1-15.6) or a repeated one
(s.14(2); policy 15.7-15.8). Only a person refuses: the bot flags similar requests (`possibly_related`) and
the officer decides, naming the earlier request a repeat repeats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy.orm import Session

from intake.caselog import Case, add_event, find_case
from intake.vocabulary import EventType, Outcome, RefusalGround, Regime
from responders.desk.base import Action, DeskTools, Done
from responders.desk.lifecycle import union_of
from responders.errors import ActionRefused

__all__ = ["Refuse"]


@dataclass(frozen=True)
class Refuse(Action):
    """Record a s.14 refusal; the letter (with the internal review route and the ICO, policy 16.3) is the
    officer's. `ground` is "vexatious" or "repeated"; a repeat names the earlier request (`repeat_of`)."""

    ground: str
    repeat_of: str | None = None
    reason: str | None = None
    name: ClassVar[str] = "refuse"
    allowed_from, writes, sends = union_of("refuse")

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        grounds = {"vexatious": RefusalGround.VEXATIOUS, "repeated": RefusalGround.REPEATED}
        if self.ground not in grounds:
            raise ActionRefused(f"--ground is vexatious (s.14(1)) or repeated (s.14(2)), not {self.ground!r}")
        if case.regime == Regime.EIR:
            raise ActionRefused("the EIR have no s.14: a manifestly unreasonable request is refused under "
                                "reg 12(4)(b) with the public interest test (respond --outcome refused "
                                "--exemption 'reg 12(4)(b)')")
        ground = grounds[self.ground]
        data: dict[str, object] = {"outcome": Outcome.REFUSED, "exemptions": [], "section": ground,
                                   "reason": self.reason}
        if ground == RefusalGround.REPEATED:
            earlier = find_case(s, self.repeat_of or "")
            if earlier is None or earlier.id == case.id:
                raise ActionRefused("a repeated request repeats an earlier one (s.14(2)): --repeat-of FOI-…")
            data["repeat_of"] = earlier.reference
        add_event(s, case, EventType.RESPONDED, now, data, actor=actor)
        case.decision, case.exemptions, case.completed_at, case.sent_at = Outcome.REFUSED, [], now, now
        return tools.done_with_clock(s, case, now, f"refused under s.{ground}; the refusal notice names the internal "
                                     "review and the ICO (policy 16.3)")

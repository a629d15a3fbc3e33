"""A person corrects the bot on a case: its kind, regime or flags. The route and the notices follow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from classifier import Triage
from intake.caselog import Case, add_event, allocate_reference
from intake.caselog.clock import local_date
from intake.vocabulary import LIVE_STATUSES, CaseStatus, EventType, MessageKind, NoticePurpose, Regime
from responders.desk.arrivals import case_opened
from responders.desk.base import Action, DeskTools, Done
from responders.errors import ActionRefused

__all__ = ["Reclassify"]

# The flags a person may set or clear by hand; the rest are the classifier's evidence.
CORRECTABLE_FLAGS = ("media", "subject_access", "eir", "third_party_personal_data")


@dataclass(frozen=True)
class Reclassify(Action):
    """Correct what the bot decided. Moving to or from subject access renumbers the case (its old number still
    finds it) and sends the new route's first notice; turning on `media` alerts Communications."""

    reason: str
    kind: MessageKind | None = None
    regime: Regime | None = None
    flags_on: tuple[str, ...] = ()
    flags_off: tuple[str, ...] = ()
    name: ClassVar[str] = "reclassify"
    allowed_from: ClassVar[frozenset[CaseStatus]] = LIVE_STATUSES
    writes: ClassVar[tuple[EventType, ...]] = (EventType.RECLASSIFIED,)
    sends: ClassVar[tuple[NoticePurpose, ...]] = (
        NoticePurpose.ACKNOWLEDGEMENT, NoticePurpose.SAR_NOTICE, NoticePurpose.MEDIA_ALERT,
        NoticePurpose.REVIEW_ACKNOWLEDGEMENT, NoticePurpose.REUSE_ACKNOWLEDGEMENT)
    refused_from: ClassVar[str] = "{reference} is {status}: reopen it before correcting it"

    def apply(self, tools: DeskTools, s: Session, case: Case, now: datetime, actor: str) -> Done:
        before = _shape(case)
        after = self._after(before)
        if after == before:
            raise ActionRefused(f"{case.reference} is already {_describe(after)}")
        route_changes = _route(before) != _route(after)
        data: dict[str, Any] = {"before": before, "after": after, "reason": self.reason}
        if (before["regime"] == Regime.SAR) != (after["regime"] == Regime.SAR):
            data["from_reference"] = case.reference
            case.former_reference = case.reference
            org = tools.settings.organisation
            case.reference = allocate_reference(s, org, after["regime"],
                                                local_date(case.initial_received_at, org.timezone))
            data["to_reference"] = case.reference
        case.kind, case.regime, case.flags = after["kind"], after["regime"], after["flags"]
        add_event(s, case, EventType.RECLASSIFIED, now, data, actor=actor)
        s.flush()
        media_now = "media" in after["flags"] and "media" not in before["flags"]
        queued = 0
        if route_changes or media_now:
            # The new route's first notice, as if the request had been read right; sent ones are never repeated.
            regime = Regime(case.regime) if case.regime else None
            triage = Triage(kind=MessageKind(case.kind), regime=regime,
                            valid=case.valid if route_changes else True, media=media_now)
            queued = case_opened(tools, s, case, triage, now) if route_changes else _media_only(
                tools, s, case, triage, now)
        renumbered = f"; now {case.reference}" if "to_reference" in data else ""
        return Done(f"reclassified as {_describe(after)}{renumbered}; {queued} notice(s) queued")

    def _after(self, before: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted((set(self.flags_on) | set(self.flags_off)) - set(CORRECTABLE_FLAGS))
        if unknown:
            raise ActionRefused(f"cannot set {', '.join(unknown)}: one of {', '.join(CORRECTABLE_FLAGS)}")
        if self.kind is not None and self.kind not in (MessageKind.FOI_REQUEST, MessageKind.INTERNAL_REVIEW,
                                                        MessageKind.REUSE_REQUEST):
            raise ActionRefused(f"a case is a request, a review or a re-use request, not {self.kind}")
        flags = [f for f in before["flags"] if f not in self.flags_off]
        flags += [f for f in self.flags_on if f not in flags]
        regime = self.regime or before["regime"]
        if regime == Regime.SAR and "subject_access" not in flags:
            flags.append("subject_access")
        return {"kind": self.kind or before["kind"], "regime": regime, "flags": flags}


def _shape(case: Case) -> dict[str, Any]:
    return {"kind": case.kind, "regime": case.regime, "flags": list(case.flags)}


def _route(shape: dict[str, Any]) -> tuple[str, bool]:
    return shape["kind"], shape["regime"] == Regime.SAR


def _describe(shape: dict[str, Any]) -> str:
    flags = f" ({', '.join(shape['flags'])})" if shape["flags"] else ""
    return f"{shape['kind']}, {shape['regime'] or 'no regime'}{flags}"


def _media_only(tools: DeskTools, s: Session, case: Case, triage: Triage, now: datetime) -> int:
    q = tools.notifier.queue(s, case, NoticePurpose.MEDIA_ALERT, now=now, extra={"outlet": triage.media_outlet})
    return int(q.notice_id is not None)


"""Who may do what at the desk, by role: the DSP team everything; Communications read and sign off media cases
(policy 18.2); a viewer reads. Each refusal is one line, like the desk's own."""

from __future__ import annotations

from intake.caselog import Case
from intake.errors import FoiIntakeError
from intake.vocabulary import DeskRole
from intake.web.accounts import Person
from responders.desk import ACTIONS, ActionRefused
from responders.desk.lifecycle import refuse_unless_allowed, step_for

__all__ = ["COMMS_ACTIONS", "Forbidden", "offered", "require_action", "require_dsp", "require_read", "require_reports",
           "sees_case"]

COMMS_ACTIONS = frozenset({"comms-signoff"})


class Forbidden(FoiIntakeError):
    """The person's role does not allow this (HTTP 403, one line)."""


def sees_case(person: Person, case: Case) -> bool:
    """Communications see media cases only; everyone else sees every case."""
    return person.role != DeskRole.COMMS or "media" in case.flags


def require_read(person: Person, case: Case) -> None:
    if not sees_case(person, case):
        raise Forbidden(f"{case.reference} is not a media request: Communications see media cases only")


def require_action(person: Person, action: str, case: Case) -> None:
    """Refuse unless the person's role may take `action` on `case` (the desk then applies its own guards)."""
    if person.role == DeskRole.VIEWER:
        raise Forbidden("your account is read-only (viewer): ask the DSP team to act on this case")
    if person.role == DeskRole.COMMS:
        require_read(person, case)
        if action not in COMMS_ACTIONS:
            raise Forbidden(f"Communications sign off media cases; {action} is for the DSP team")


def require_dsp(person: Person, what: str) -> None:
    if person.role != DeskRole.DSP:
        raise Forbidden(f"{what} is for the DSP team")


def require_reports(person: Person) -> None:
    if person.role == DeskRole.COMMS:
        raise Forbidden("the reports are for the DSP team and viewers")


def offered(person: Person, case: Case) -> list[str]:
    """The actions to show as forms: those the case's route and status allow (the lifecycle's own check, as
    `Action.run` makes it) and the person's role may take."""
    names = []
    for name, action in ACTIONS.items():
        try:
            require_action(person, name, case)
            step = step_for(case, name)
            if step is not None:
                refuse_unless_allowed(case, name, step)
            elif case.status not in action.allowed_from:
                continue
        except (ActionRefused, Forbidden):
            continue
        if name in COMMS_ACTIONS and "media" not in case.flags:
            continue  # the lifecycle allows it on any live request; the action itself refuses all but media
        names.append(name)
    return names

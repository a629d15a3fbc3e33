"""`foi-intake deadline`: compute a statutory due date from the command line.

    foi-intake deadline --kind foi --received 2024-12-20T10:00 \\
        [--event clarification_requested@2025-01-06T09:00]... [--today 2025-01-10] \\
        [--json] [--explain]

Times are UK local time (Europe/London) unless they carry an explicit offset. An event may carry
data after a comma: `pit_extension@2025-01-10T10:00,days=10` or `...,until=2025-02-28`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from intake.caselog.clock import EVENT_TYPES, KINDS, ClockEvent, ClockResult, ClockSettings, compute

__all__ = ["PROG", "add_parser", "run"]

PROG = "foi-intake deadline"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """Add the `deadline` sub-command to an argparse subparsers object."""
    # Values are plain strings, checked in run(), so bad input gives one line and exit code 2.
    p = subparsers.add_parser(
        "deadline",
        help="compute a statutory due date",
        description="Compute a statutory due date (times are UK local time).",
    )
    p.add_argument("--kind", help=f"one of: {', '.join(KINDS)}")
    p.add_argument("--received", help="YYYY-MM-DDTHH:MM, UK local time")
    p.add_argument(
        "--event", action="append", default=[], metavar="TYPE@YYYY-MM-DDTHH:MM[,key=value]",
        help=f"an event (repeatable); TYPE is one of: {', '.join(EVENT_TYPES)}",
    )
    p.add_argument("--today", help="YYYY-MM-DD (for overdue, lapse and days remaining)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--explain", action="store_true", help="print the day-by-day count")
    return p


class _BadInput(ValueError):
    pass


def _parse_time(text: str, what: str, tz: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise _BadInput(f"{what}: expected YYYY-MM-DDTHH:MM, got {text!r}") from exc
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(tz))


def _parse_event(text: str, tz: str) -> ClockEvent:
    head, _, rest = text.partition(",")
    etype, sep, when = head.partition("@")
    etype = etype.strip()
    if not sep:
        raise _BadInput(f"--event {text!r}: expected TYPE@YYYY-MM-DDTHH:MM")
    if etype not in EVENT_TYPES:
        known = ", ".join(EVENT_TYPES)
        raise _BadInput(f"--event {text!r}: unknown type {etype!r} (one of {known})")
    data: dict[str, Any] = {}
    for pair in filter(None, rest.split(",")):
        key, eq, value = pair.partition("=")
        if not eq:
            raise _BadInput(f"--event {text!r}: data must be key=value")
        data[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return ClockEvent(etype, _parse_time(when, f"--event {etype}", tz), data)


def _summary(r: ClockResult) -> str:
    due = r.due.isoformat() if r.due else "none (clock stopped)"
    return f"due {due} ({r.kind}, {r.length}); state {r.state}: {r.state_reason}"


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; 0 on success, 2 on bad input (one line on stderr)."""
    settings = ClockSettings()
    try:
        if not args.kind or args.kind not in KINDS:
            raise _BadInput(f"--kind must be one of: {', '.join(KINDS)}")
        if not args.received:
            raise _BadInput("--received YYYY-MM-DDTHH:MM is required")
        received = _parse_time(args.received, "--received", settings.timezone)
        events = [_parse_event(e, settings.timezone) for e in args.event or []]
        today: date | None = None
        if args.today:
            try:
                today = date.fromisoformat(args.today.strip())
            except ValueError as exc:
                raise _BadInput(f"--today: expected YYYY-MM-DD, got {args.today!r}") from exc
        result = compute(args.kind, received, events, settings=settings, today=today)
    except ValueError as exc:  # includes _BadInput and compute()'s own checks
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except OverflowError:  # counting working days past 31 December 9999
        print(f"{PROG}: error: the due date would fall beyond the calendar (year 9999): check the dates given",
              file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    elif args.explain:
        print(_summary(result))
        print("\n".join(result.explanation))
    else:
        print(_summary(result))
    return 0

"""`foi-intake import cases`: a team's spreadsheet into the case log, all or nothing. Each row becomes a case with
its reference kept and its events written with `add_event` (received; responded or closed), so its status and its
clock follow from the dates given; each reference series' counter moves past the numbers imported, so a new case
never takes one of them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import SAR_SERIES, Case, ReferenceCounter, add_event
from intake.vocabulary import EventType, MessageKind, Outcome, RefusalGround
from responders.imports.mapping import CLOSING, Imported, Mapping, read_row
from responders.imports.sheet import read_rows

__all__ = ["ImportResult", "import_cases"]

_NOON = time(12, 0)  # a date without a time: the middle of the working day, so the local date is never in doubt


@dataclass
class ImportResult:
    read: list[Imported] = field(default_factory=list)
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    by_regime: dict[str, int] = field(default_factory=dict)
    written: bool = False

    def summary(self, dry_run: bool) -> str:
        regimes = ", ".join(f"{k.upper()} {v}" for k, v in sorted(self.by_regime.items()))
        if self.unreadable:
            return (f"{len(self.unreadable)} row(s) cannot be read: nothing imported "
                    f"({len(self.read)} would import)")
        verb = "would import" if dry_run else "imported"
        return f"{verb} {len(self.read)} case(s)" + (f" ({regimes})" if regimes else "")


def import_cases(s: Session, settings: Settings, path: Path, mapping: Mapping, *, dry_run: bool) -> ImportResult:
    """Read every row; write them all in the caller's transaction only if every one was read and `dry_run` is
    off (the caller commits; on a dry run or any unreadable row it must roll back, and nothing is flushed)."""
    result = ImportResult()
    rows = read_rows(path, {mapping.columns[f] for f in ("reference", "received")}, mapping.sheet)
    seen: dict[str, int] = {}
    for row in rows:
        try:
            item = read_row(row, mapping)
        except ValueError as exc:
            result.unreadable.append((row.number, str(exc)))
            continue
        if item.reference in seen:
            result.unreadable.append((row.number, f"{item.reference} is also on row {seen[item.reference]}"))
            continue
        seen[item.reference] = row.number
        result.read.append(item)
    existing = set(s.scalars(select(Case.reference).where(Case.reference.in_(list(seen))))) if seen else set()
    for item in result.read:
        if item.reference in existing:
            result.unreadable.append((item.row, f"{item.reference} is already in the case log"))
    result.unreadable.sort()
    result.by_regime = dict(Counter(i.regime for i in result.read))
    if result.unreadable or dry_run:
        return result
    tz = ZoneInfo(settings.organisation.timezone)
    for item in result.read:
        _write(s, item, tz, path.name)
    _advance_counters(s, settings, [i.reference for i in result.read])
    s.flush()
    result.written = True
    return result


def _at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, _NOON, tz)


def _write(s: Session, item: Imported, tz: ZoneInfo, source: str) -> None:
    received = _at(item.received, tz)
    case = Case(reference=item.reference, kind=MessageKind.FOI_REQUEST, regime=item.regime, flags=[],
                initial_received_at=received, received_at=_at(item.received_by_dsp or item.received, tz),
                requester_name=item.name, requester_email=item.email if item.email and "@" in item.email else None,
                requester_address=item.address or item.email, description=item.description, questions=[],
                method=item.method, valid=True, missing=[], reasons=[])
    s.add(case)
    imported = {"imported": source, "row": item.row}
    add_event(s, case, EventType.RECEIVED, received,
              {"received_by_dsp": (item.received_by_dsp or item.received).isoformat(), **imported}, actor="import")
    if item.outcome in CLOSING:
        when = _at(item.responded or item.received, tz)
        add_event(s, case, EventType.CLOSED, when, {"reason": item.outcome, **imported}, actor="import")
        case.decision = "lapsed (imported)" if item.outcome == "lapsed" else item.outcome
    elif item.outcome is not None and item.responded is not None:
        sent = _at(item.responded, tz)
        ground = item.outcome[1:] if item.outcome.startswith("s1") else None
        outcome = Outcome.REFUSED if ground in set(RefusalGround) else Outcome(item.outcome)
        add_event(s, case, EventType.RESPONDED, sent,
                  {"outcome": outcome, "exemptions": list(item.exemptions), "late_reason": item.late_reason,
                   **({"section": ground} if ground else {}), **imported}, actor="import")
        case.decision, case.exemptions, case.completed_at, case.sent_at = outcome, list(item.exemptions), sent, sent


def _pattern(fmt: str) -> re.Pattern[str]:
    """"FOI-{year}-{seq:05d}" -> a pattern that reads the year and the number back."""
    parts = re.split(r"(\{year\}|\{seq(?::[^}]*)?\})", fmt)
    body = "".join("(?P<year>\\d{4})" if p == "{year}" else "(?P<seq>\\d+)" if p.startswith("{seq") else re.escape(p)
                   for p in parts)
    return re.compile(f"^{body}$")


def _advance_counters(s: Session, settings: Settings, references: list[str]) -> None:
    """Each series' counter for each year moves past the highest number imported in it."""
    org = settings.organisation
    series = (("", _pattern(org.reference_format)), (SAR_SERIES, _pattern(org.sar_reference_format)))
    highest: dict[tuple[str, int], int] = {}
    for ref in references:
        for name, pattern in series:
            m = pattern.match(ref)
            if m:
                key = (name, int(m["year"]))
                highest[key] = max(highest.get(key, 0), int(m["seq"]))
                break
    for (name, year), seq in highest.items():
        counter = s.get(ReferenceCounter, (name, year), with_for_update=True)
        if counter is None:
            s.add(ReferenceCounter(series=name, year=year, last=seq))
        elif counter.last < seq:
            counter.last = seq


"""The column mapping (TOML) from a team's spreadsheet to the case log, and one row read through it.

    [columns]                      # our field = their heading; reference and received are required
    reference = "Ref"
    received = "Date received"
    description = "Request"
    name = "Requester"             # also: email, address, method, regime, received_by_dsp,
    outcome = "Outcome"            #       exemptions, responded, late_reason
    responded = "Date sent"
    [values.outcome]               # their words = ours (granted, part, refused, not-held, s12, s14(1),
    "Released in full" = "granted" #       s14(2), transferred, withdrawn, lapsed)
    [options]
    sheet = "2025-26"              # a workbook's sheet (default: the first)
    date_format = "%d.%m.%Y"       # a text date's format, besides the usual ones
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from intake.vocabulary import Outcome, RefusalGround, Regime, RequestMethod
from responders.exemptions import lookup
from responders.imports.sheet import ImportRefused, Row

__all__ = ["CLOSING", "FIELDS", "Imported", "Mapping", "load_mapping", "read_row"]

FIELDS = ("reference", "received", "received_by_dsp", "name", "email", "address", "description", "method",
          "regime", "outcome", "exemptions", "responded", "late_reason")
REQUIRED = ("reference", "received")
# Outcomes that close a request without a response: the clock says "closed".
CLOSING = ("transferred", "withdrawn", "lapsed")
OUTCOMES = (*(str(o) for o in Outcome), *(f"s{g}" for g in RefusalGround), *CLOSING)
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y")


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # our field -> their heading (case-folded)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # our field -> their word (folded) -> ours
    sheet: str | None = None
    date_formats: tuple[str, ...] = _DATE_FORMATS


@dataclass(frozen=True)
class Imported:
    """One row, read: what the case log records of it."""

    row: int
    reference: str
    received: date
    received_by_dsp: date | None
    name: str | None
    email: str | None
    address: str | None
    description: str | None
    method: str
    regime: str
    outcome: str | None
    exemptions: tuple[str, ...]
    responded: date | None
    late_reason: str | None


def load_mapping(path: Path) -> Mapping:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ImportRefused(f"mapping {path}: {exc}") from None
    columns = data.get("columns", {})
    unknown = sorted(set(columns) - set(FIELDS)) + sorted(set(data) - {"columns", "values", "options"})
    if unknown:
        raise ImportRefused(f"mapping {path.name}: unknown key {unknown[0]!r}; columns are {', '.join(FIELDS)}")
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        raise ImportRefused(f"mapping {path.name}: [columns] needs {' and '.join(missing)}")
    values = {k: {str(theirs).casefold(): str(ours) for theirs, ours in v.items()}
              for k, v in data.get("values", {}).items()}
    bad = [ours for ours in values.get("outcome", {}).values() if ours not in OUTCOMES]
    if bad:
        raise ImportRefused(f"mapping {path.name}: outcome {bad[0]!r} is not one of {', '.join(OUTCOMES)}")
    options = data.get("options", {})
    extra = options.get("date_format")
    return Mapping({k: str(v).casefold() for k, v in columns.items()}, values, options.get("sheet"),
                   ((str(extra),) if extra else ()) + _DATE_FORMATS)


def _date(value: Any, formats: tuple[str, ...]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = " ".join(re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", str(value)).split())
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date")


def _text(row: Row, m: Mapping, name: str) -> str | None:
    heading = m.columns.get(name)
    value = row.values.get(heading) if heading else None
    if value in (None, ""):
        return None
    text = value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value).strip()
    return m.values.get(name, {}).get(text.casefold(), text)


def _exemptions(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    parts = [p for p in re.split(r"[;,/&]|\band\b", text) if p.strip()]
    return tuple(lookup(re.sub(r"^\s*(?:section|sec\.?|s\.?)\s*", "s", p.strip(), flags=re.I)).section
                 for p in parts)


def read_row(row: Row, m: Mapping) -> Imported:
    """The row as the case log will hold it; ValueError says in a few words why it cannot be read."""
    reference = _text(row, m, "reference")
    if not reference:
        raise ValueError("no reference")
    received = _date(row.values.get(m.columns["received"]), m.date_formats)
    if received is None:
        raise ValueError("no date received")
    responded = _date(row.values.get(m.columns.get("responded", "")), m.date_formats)
    if responded is not None and responded < received:
        raise ValueError(f"responded {responded} before it was received {received}")
    outcome = _text(row, m, "outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise ValueError(f"outcome {outcome!r} is not mapped to one of ours ([values.outcome])")
    if outcome is not None and outcome not in CLOSING and responded is None:
        raise ValueError(f"outcome {outcome} but no date responded")
    regime = (_text(row, m, "regime") or Regime.FOI).lower()
    if regime not in set(Regime):
        raise ValueError(f"regime {regime!r} is not foi, eir, foi+eir or sar ([values.regime])")
    method = (_text(row, m, "method") or RequestMethod.EMAIL).lower()
    if method not in set(RequestMethod):
        raise ValueError(f"method {method!r} is not one of {', '.join(RequestMethod)} ([values.method])")
    try:
        exemptions = _exemptions(_text(row, m, "exemptions"))
    except KeyError as exc:
        raise ValueError(str(exc)) from None
    return Imported(row.number, reference, received,
                    _date(row.values.get(m.columns.get("received_by_dsp", "")), m.date_formats),
                    _text(row, m, "name"), _text(row, m, "email"), _text(row, m, "address"),
                    _text(row, m, "description"), method, regime, outcome, exemptions, responded,
                    _text(row, m, "late_reason"))

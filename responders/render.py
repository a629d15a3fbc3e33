"""Jinja2 rendering of notices: built-in templates, each overridable from a configured directory."""

from __future__ import annotations

import re
import textwrap
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    Undefined,
    select_autoescape,
)

from intake import vocabulary as words

__all__ = ["Renderer", "longdate", "longdatetime", "lowerfirst", "money", "plural", "shortdate", "strip_numbering",
           "upperfirst", "wrap"]

# "1. ", "1) ", "(1) ", "Q1: ", "Question 1 - " at the start of a restated question: we number them ourselves.
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,3}[.):]|q(?:uestion)?\s*\d{1,3}\s*[.):\-–]?)\s+", re.I)
# A list item's marker, so that its wrapped lines hang under its text rather than under the marker.
_MARKER = re.compile(r"^(\s*(?:\d{1,3}[.)]|[-*•]|\(?[a-z0-9]{1,3}\))?\s*)")
# Kept on one line when wrapping: "Monday 16 November 2026", "16 Nov 2026", "09:05" after "at", "0303 123 1113".
_UNBREAKABLE = re.compile(
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day )?"
    r"\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}(?: at \d{2}:\d{2})?"
    r"|0303 123 1113")
_GLUE = "\x00"


def _defined(value: Any) -> None:
    # A filter given a missing variable must fail as StrictUndefined does, not with a TypeError.
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()


def strip_numbering(text: str) -> str:
    """A question without the requester's own leading number ("1. What was..." -> "What was...")."""
    _defined(text)
    return _NUMBERING.sub("", text, count=1).strip()


def longdate(value: date) -> str:
    """Monday 16 November 2026."""
    _defined(value)
    return f"{value:%A} {value.day} {value:%B %Y}"


def shortdate(value: date) -> str:
    """16 Nov 2026."""
    _defined(value)
    return f"{value.day} {value:%b %Y}"


def longdatetime(value: datetime, tz: tzinfo | str | None = None) -> str:
    """Monday 16 November 2026 at 09:05, in `tz` (a zone or its name) when given."""
    _defined(value)
    if tz is not None and value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(tz) if isinstance(tz, str) else tz)
    return f"{longdate(value)} at {value:%H:%M}"


def money(value: Decimal | int | float | str) -> str:
    """£1,234.50 (pounds and pence, rounded half up)."""
    _defined(value)
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`3 | plural("working day")` -> "3 working days"; 1 -> "1 working day"."""
    _defined(count)
    return words.plural(count, singular, plural_form)


def upperfirst(text: str) -> str:
    """"section 31" -> "Section 31": the first letter only, the rest as written."""
    _defined(text)
    return text[:1].upper() + text[1:]


def lowerfirst(text: str) -> str:
    """"Information whose ..." -> "information whose ...", to continue a sentence."""
    _defined(text)
    return text[:1].lower() + text[1:]


def wrap(text: str, width: int = 76) -> str:
    """Wrap each line of plain text at `width`, keeping blank lines, indents and hanging list items.

    Long words (addresses, URLs) are never broken."""
    _defined(text)
    out: list[str] = []
    for line in str(text).split("\n"):
        if len(line) <= width:
            out.append(line.rstrip())
            continue
        hang = " " * len(_MARKER.match(line).group(1))  # type: ignore[union-attr]  # the pattern always matches
        glued = _UNBREAKABLE.sub(lambda m: m.group(0).replace(" ", _GLUE), line)
        parts = textwrap.wrap(glued, width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False)
        out.extend(part.replace(_GLUE, " ") for part in parts or [""])
    return "\n".join(out)


class Renderer:
    """Renders `<name>.txt.j2` and `<name>.html.j2`; requester text only ever arrives as data."""

    def __init__(self, override_dir: Path | None = None) -> None:
        loaders: list[Any] = []
        if override_dir is not None:
            loaders.append(FileSystemLoader(str(override_dir)))
        loaders.append(PackageLoader("responders", "templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,  # a missing value is a bug, not a blank in a letter
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(longdate=longdate, shortdate=shortdate, longdatetime=longdatetime, money=money,
                                plural=plural, wrap=wrap, unnumbered=strip_numbering,
                                upperfirst=upperfirst, lowerfirst=lowerfirst)

    def render(self, name: str, context: dict[str, Any]) -> tuple[str, str]:
        text = self.env.get_template(f"{name}.txt.j2").render(context)
        html = self.env.get_template(f"{name}.html.j2").render(context)
        return text, html

"""What the databases refuse never reaches them: every row is fitted to its columns before it is written.

PostgreSQL refuses a string longer than its `varchar(n)`, a NUL character in any text (and in JSON), a lone
surrogate (not UTF-8), and an integer outside its column's range; SQLite takes all of them but the surrogate.
So a 999-character Message-ID or a NUL in a subject would store on one and stop the pass on the other. `fit_row`
runs before every INSERT and UPDATE of every table (a mapper event on `Base`), on every dialect alike:

- text (String, Text and every string inside a JSON value): NUL removed, a lone surrogate becomes U+FFFD;
- String(n): cut to n characters (PostgreSQL counts characters, not bytes), except a column marked
  `info={"overlong": "null"}` (an email address: cut short it would be someone else's), which is left empty;
- Integer and BigInteger: held to the column's signed 32- or 64-bit range.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state

from intake.caselog.models import Base

__all__ = ["fit_text", "fit_value", "install"]

_INT32, _INT64 = 2**31 - 1, 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair: not a character UTF-8 can carry


def fit_text(value: str, length: int | None = None) -> str:
    """`value` as every database stores it: no NUL, valid UTF-8, at most `length` characters."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    return value[:length] if length is not None else value


def _fit_json(value: Any) -> Any:
    if isinstance(value, str):
        return fit_text(value)
    if isinstance(value, dict):
        return {fit_text(str(k)): _fit_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fit_json(v) for v in value]
    return value


def fit_value(column_type: Any, value: Any) -> Any:
    """One value fitted to one column type (None and other types pass unchanged)."""
    if value is None:
        return None
    if isinstance(column_type, JSON):
        return _fit_json(value)
    if isinstance(value, str) and isinstance(column_type, String):  # Text is a String without a length
        return fit_text(value, column_type.length)
    if isinstance(value, int) and not isinstance(value, bool) and isinstance(column_type, Integer):
        bound = _INT64 if isinstance(column_type, BigInteger) else _INT32
        return max(-bound, min(bound, value))
    return value


_COLUMNS: dict[Mapper[Any], dict[str, tuple[Any, bool]]] = {}


def _columns(mapper: Mapper[Any]) -> dict[str, tuple[Any, bool]]:
    """Each column attribute's stored type (a TypeDecorator stores as its impl) and whether an overlong value is
    left empty, worked out once per table."""
    if mapper not in _COLUMNS:
        _COLUMNS[mapper] = {attr.key: (getattr(attr.columns[0].type, "impl", attr.columns[0].type),
                                       attr.columns[0].info.get("overlong") == "null") for attr in mapper.column_attrs}
    return _COLUMNS[mapper]


def fit_row(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    """Fit `target`'s values in place, just before it is written: every value given to a new row, and only the
    changed ones of an updated row (the rest were fitted when they were written, and are never loaded for this)."""
    state = instance_state(target)
    columns = _columns(mapper)
    keys = state.committed_state if state.key is not None else state.dict
    for key in [k for k in keys if k in columns]:
        type_, overlong_null = columns[key]
        current = state.dict.get(key)
        fitted = fit_value(type_, current)
        if overlong_null and isinstance(current, str) and fitted != fit_text(current):
            fitted = None
        if fitted is not current and fitted != current:
            setattr(target, key, fitted)


def install() -> None:
    """Fit every row of every table before INSERT and UPDATE (idempotent)."""
    for name in ("before_insert", "before_update"):
        if not event.contains(Base, name, fit_row):
            event.listen(Base, name, fit_row, propagate=True)

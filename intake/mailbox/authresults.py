"""Authentication-Results (RFC 8601): what the organisation's own mail server found about a message's sender.

Only the topmost fields carrying our server's authserv-id are read: anyone can write such a field into the
mail they send, so a field below another server's is forgeable (RFC 8601 section 5). `authres` on PyPI had
its last release in 2019, so this is a small parser of the one grammar (section 2.2), comments included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["AuthResult", "Authentication", "authentication", "parse_field"]

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_VALUE = rf"(?:{_QUOTED}|[^\s;\"]+)"
_METHOD = re.compile(r"\s*([A-Za-z0-9_-]+)(?:\s*/\s*\d+)?\s*=\s*([A-Za-z0-9_-]+)")
_PROPERTY = re.compile(rf"([A-Za-z0-9_-]+)\s*\.\s*([A-Za-z0-9_.-]+)\s*=\s*({_VALUE})")
_AUTHSERV = re.compile(rf"\s*({_VALUE})")


@dataclass(frozen=True)
class AuthResult:
    """One `method=result` with its properties (`header.from` → `example.org`)."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Authentication:
    """What our server said: `dmarc` is its DMARC result (pass, fail, none…), None when it gave none."""

    authserv_id: str | None = None  # None: no field of our server's was found
    dmarc: str | None = None
    header_from: str | None = None

    @property
    def evidence(self) -> str:
        if self.authserv_id is None:
            return "no Authentication-Results from our mail server"
        return f"{self.authserv_id}: dmarc={self.dmarc or 'absent'}"


def _unquote(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value


def _without_comments(value: str) -> str:
    """CFWS comments `( … )`, nested, outside quoted strings, become a space."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for ch in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            if depth == 0:
                out.append(ch)
        elif quoted:
            quoted = ch != '"'
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            quoted = ch == '"'
            out.append(ch)
    return "".join(out)


def _split(value: str) -> list[str]:
    """Split on `;` outside quoted strings."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def parse_field(value: str) -> tuple[str, tuple[AuthResult, ...]]:
    """The authserv-id (lower case) and the results of one field's value; ("", ()) when it has none."""
    first, *resinfos = _split(_without_comments(value))
    m = _AUTHSERV.match(first)
    authserv_id = _unquote(m.group(1)).lower() if m else ""
    results = []
    for info in resinfos:
        method = _METHOD.match(info)
        if method is None:
            continue  # "none", or a result we cannot read: it says nothing
        props = {f"{p.lower()}.{name.lower()}": _unquote(v) for p, name, v in _PROPERTY.findall(info[method.end():])}
        results.append(AuthResult(method.group(1).lower(), method.group(2).lower(), props))
    return authserv_id, tuple(results)


def authentication(values: Sequence[str], authserv_id: str, from_domain: str) -> Authentication:
    """Our server's verdict from the message's Authentication-Results fields, top first.

    Fields of other servers above ours (added after ours, inside the organisation) are passed over; below our
    block, everything is what arrived and is ignored. A fail anywhere in our block wins; a pass must be the
    topmost DMARC result, for the From domain when it names one."""
    ours = authserv_id.lower()
    block: list[tuple[AuthResult, ...]] = []
    for value in values:
        found, results = parse_field(value)
        if found == ours:
            block.append(results)
        elif block:
            break
    if not block:
        return Authentication()
    dmarc = [r for results in block for r in results if r.method == "dmarc"]
    if not dmarc:
        return Authentication(ours)
    top = next((r for r in dmarc if r.result == "fail"), dmarc[0])
    header_from = top.properties.get("header.from", "").lower() or None
    if top.result == "pass" and header_from not in (None, from_domain.lower()):
        return Authentication(ours, "none", header_from)  # a pass for another domain is no pass for this From
    return Authentication(ours, top.result, header_from)

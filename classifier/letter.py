"""The requester's own words: quoted replies stripped, a staff forward unwrapped (policy 5.10)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.utils import parseaddr, parsedate_to_datetime

from classifier.layout import Layout, find_layout
from classifier.lexicon import Lexicon
from intake.mailbox.parse import ParsedMessage

__all__ = ["Letter", "parse_loose_date", "read_letter", "strip_quoted"]

# Mail clients print dates in forwards with "at" or a comma before the time, and a zone in brackets.
_DATE_CLEAN = re.compile(r"\b(?:at|,)\s+(?=\d{1,2}[:.]\d{2})|\s*\([^)]*\)")


@dataclass(frozen=True)
class Letter:
    """The part of a message the requester wrote, and who wrote it."""

    text: str
    from_name: str
    from_address: str
    forwarded: bool = False
    original_date: date | None = None
    wrapper: str = ""  # a member of staff's covering note, when forwarded
    relayed: bool = False  # came through a web form or SMS gateway from a no-reply address
    layout: Layout = field(default_factory=Layout)  # its parts by position and shape (classifier/layout.py)


def parse_loose_date(value: str) -> date | None:
    """Dates as mail clients print them in forwards: RFC 5322, '18 November 2025 15:47', and so on."""
    value = value.strip().strip("*").strip()
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    cleaned = _DATE_CLEAN.sub(" ", value).replace(",", " ")
    cleaned = " ".join(cleaned.split())
    formats = ("%A %d %B %Y %H:%M", "%d %B %Y %H:%M", "%a %d %b %Y %H:%M", "%d %b %Y %H:%M",
               "%A %B %d %Y %H:%M", "%B %d %Y %H:%M", "%d/%m/%Y %H:%M", "%A %d %B %Y %I:%M %p",
               "%d %B %Y %I:%M %p", "%a %d %b %Y %H:%M:%S", "%A %d %B %Y", "%d %B %Y", "%d/%m/%Y",
               "%Y-%m-%d %H:%M", "%a %b %d %Y %H:%M", "%a %b %d %Y %I:%M %p")
    for fmt in formats:
        for candidate in (cleaned, " ".join(cleaned.split()[: len(fmt.split())])):
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


def _forwarded_headers(text: str, start: int, lexicon: Lexicon) -> tuple[dict[str, str], int]:
    """The From/Sent/Subject block that follows a forward mark, and where the forwarded body starts."""
    headers: dict[str, str] = {}
    body_start = start
    for m in lexicon.compiled("forwarded_header").finditer(text, start):
        key = m.group(1).lower()
        if m.start() > body_start + 400 or key in headers:
            break  # one block right after the mark; a second "From:" starts the next forward
        headers[key] = m.group(2).strip()
        body_start = m.end()
    return headers, body_start


def _sender(value: str) -> tuple[str, str]:
    """Name and address from a forwarded From line, also Outlook's unquoted "Desai, Priti <…>"."""
    bracketed = re.search(r"<\s*([^<>@\s]+@[^<>\s]+)\s*>", value)
    if bracketed:
        return value[:bracketed.start()].strip(" \"'*"), bracketed.group(1).lower()
    name, address = parseaddr(value)
    return name.strip(" \"'*"), address.lower()


def strip_quoted(text: str, lexicon: Lexicon, keep_forwarded: bool = False) -> str:
    """Drop '>' lines and everything after 'On … wrote:' or an original-message marker.

    `keep_forwarded` keeps what a requester forwards (their own earlier mail, say): only quotes go."""
    cut = len(text)
    marks = ("quote_intro",) if keep_forwarded else ("quote_intro", "forward_mark")
    for key in marks:
        m = lexicon.compiled(key).search(text)
        if m:
            cut = min(cut, m.start())
    kept = [line for line in text[:cut].splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(kept).strip()


def _form_letter(msg: ParsedMessage, lexicon: Lexicon) -> Letter | None:
    """A web form or SMS gateway relays a person's words from a no-reply address, as "Field: value" lines."""
    message = lexicon.compiled("form_message").search(msg.text)
    if message is None:
        return None
    form_name = lexicon.compiled("form_name").search(msg.text)
    email = lexicon.compiled("form_email").search(msg.text)
    return Letter(text=msg.text[message.end():].strip(), from_name=form_name.group(1).strip() if form_name else "",
                  from_address=(email.group(1) or "").lower() if email else "", relayed=True)


def read_letter(msg: ParsedMessage, staff_domains: tuple[str, ...], lexicon: Lexicon, relay: bool = False) -> Letter:
    """The requester's words, and their layout; for a staff forward, the original inside it and its sender and date.

    `relay` says the sender is a no-reply machine; if the text is a form submission, the person's
    name, email and message are read from its fields."""
    letter = _letter(msg, staff_domains, lexicon, relay)
    return replace(letter, layout=find_layout(letter.text, lexicon, msg.text))


def _letter(msg: ParsedMessage, staff_domains: tuple[str, ...], lexicon: Lexicon, relay: bool) -> Letter:
    form = _form_letter(msg, lexicon) if relay else None
    if form is not None:
        return form

    def staff(address: str) -> bool:
        domain = address.rsplit("@", 1)[-1]
        return any(domain == d or domain.endswith("." + d) for d in staff_domains)

    # A chain of forwards inside the organisation: the requester is the first outsider in it.
    pos = 0
    forward_mark = lexicon.compiled("forward_mark")
    while staff(msg.from_address) and (mark := forward_mark.search(msg.text, pos)):
        headers, body_start = _forwarded_headers(msg.text, mark.start(), lexicon)
        name, address = _sender(headers.get("from") or headers.get("oddi wrth") or "")
        if not (address or name) or body_start <= pos:
            break
        if address and staff(address):
            pos = body_start  # a colleague passed it on: look further down
            continue
        when = parse_loose_date(headers.get("sent") or headers.get("date") or headers.get("anfonwyd") or "")
        return Letter(text=strip_quoted(msg.text[body_start:], lexicon), from_name=name, from_address=address,
                      forwarded=True, original_date=when, wrapper=msg.text[:mark.start()])
    forwarding = bool(lexicon.prefixes("forward_prefixes.txt").match(msg.subject))
    return Letter(text=strip_quoted(msg.text, lexicon, keep_forwarded=forwarding) or msg.text,
                  from_name=msg.from_name, from_address=msg.from_address)

"""Parse raw mail with mail-parser into the plain record the classifier reads."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

import mailparser

from intake.errors import FoiIntakeError, machine_fault
from intake.mailbox.attachments import attachment_texts
from intake.mailbox.htmltext import html_to_text

# mail-parser logs the headers it cannot decode (a whole subject, at ERROR) and every MIME type it does not
# decode: personal data and noise. Its problems reach us as exceptions and defects, never through its log.
logging.getLogger("mailparser").setLevel(logging.CRITICAL + 1)

log = logging.getLogger(__name__)


class ParseError(FoiIntakeError):
    """The message could not be parsed; it is kept and queued for a person."""


@dataclass(frozen=True)
class ParsedMessage:
    """What the classifier and the case log need from one message (bodies never go to logs)."""

    message_id: str | None
    from_name: str
    from_address: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: str | None
    subject: str
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    headers: dict[str, str]
    content_type: str
    text: str
    html_only: bool
    attachments: tuple[str, ...] = field(default_factory=tuple)
    attachment_texts: tuple[str, ...] = field(default_factory=tuple)  # readable .txt/.docx/.odt/.pdf, capped
    defects: tuple[str, ...] = field(default_factory=tuple)
    # Every Authentication-Results field, top (added last) first: intake.mailbox.authresults reads them.
    auth_results: tuple[str, ...] = field(default_factory=tuple)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def fix_text(value: str) -> str:
    """Undo surrogate escapes from 8-bit headers: UTF-8 if it decodes, else Windows-1252."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _header_text(value: object) -> str:
    """mail-parser gives address headers as (name, address) pairs: write them back as text. A header given twice
    comes as a list of its values: the first is read, as the stdlib reads it (and mail-parser reads addresses)."""
    if isinstance(value, list) and all(isinstance(x, tuple) and len(x) == 2 for x in value):
        return ", ".join(f'"{_one_line(n)}" <{a}>' if n else a for n, a in value)
    if isinstance(value, list):
        return _header_text(value[0]) if value else ""
    return _one_line(str(value))


def _one_line(value: str) -> str:
    # Header values reach subjects and logs: no CR/LF, no runs of whitespace.
    return re.sub(r"\s+", " ", fix_text(value)).strip()


_MSGID = re.compile(r"<[^<>\s]+>")


def _ids(value: str) -> tuple[str, ...]:
    return tuple(_MSGID.findall(value or ""))


def fingerprint(raw: bytes, message_id: str | None) -> str:
    """Message-ID plus a hash of the body, so a relay's extra Received lines don't hide a repeat."""
    raw = raw.replace(b"\r\n", b"\n")  # Maildir stores LF, IMAP serves CRLF: same message
    sep = raw.find(b"\n\n")
    body = raw[sep:] if sep >= 0 else raw
    key = (message_id or "").encode("utf-8", "replace") + b"\0" + hashlib.sha256(body).digest()
    if not message_id:
        key += hashlib.sha256(raw).digest()
    return hashlib.sha256(key).hexdigest()


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID straight from the header block, even when the rest will not parse."""
    m = re.search(rb"(?im)^message-id:[ \t]*(<[^<>\s]+>)", raw[:65536])
    return m.group(1).decode("ascii", "replace") if m else None


def _label_enclosed(mp: mailparser.MailParser, text: str) -> str:
    """Put a forwarded message/rfc822 part's From/Date/Subject above its text, as a forward shows."""
    for part in mp.message.walk():
        if part.get_content_type() != "message/rfc822" or not part.is_multipart():
            continue
        inner = part.get_payload(0)
        body = inner.get_body(("plain",)) if hasattr(inner, "get_body") else None
        if body is None:
            for sub in inner.walk():
                if sub.get_content_type() == "text/plain":
                    body = sub
                    break
        payload = body.get_payload(decode=True) if body is not None else None
        if body is None or not payload:
            continue
        first = payload.decode(body.get_content_charset() or "utf-8", "replace").replace("\r\n", "\n")
        anchor = first.strip()[:60]
        at = text.find(anchor) if anchor else -1
        block = "\n".join(f"{h}: {_one_line(str(inner.get(h, '')))}" for h in ("From", "Date", "Subject"))
        block = f"\n-----Original Message-----\n{block}\n\n"
        text = text[:at] + block + text[at:] if at >= 0 else text + block + first
    return text


def _attachment_texts(mp: mailparser.MailParser) -> tuple[str, ...]:
    try:
        return attachment_texts(mp.message)
    except Exception as exc:  # odd MIME in an attachment never stops the message; a person reads the file
        if machine_fault(exc):
            raise  # a full disk is not the attachment's fault: the message waits for the next pass
        log.info("attachments not read: %s", type(exc).__name__)
        return ()


def parse(raw: bytes) -> ParsedMessage:
    """Parse one message; raises ParseError when there is nothing usable to classify."""
    try:
        mp = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # mail-parser raises many types on broken input
        if machine_fault(exc):
            raise
        raise ParseError(f"mail-parser failed: {type(exc).__name__}") from exc
    headers = {k.lower(): _header_text(v) for k, v in (mp.headers or {}).items()}
    if not headers:
        raise ParseError("no headers found")
    from_name, from_address = "", ""
    if mp.from_:
        from_name, from_address = (fix_text(x).strip() for x in mp.from_[0])
    if not from_address and headers.get("from"):
        pairs = getaddresses([headers["from"]])
        if pairs:
            from_name, from_address = pairs[0]
    date: datetime | None = None
    if headers.get("date"):
        try:
            date = parsedate_to_datetime(headers["date"])
            date = date.replace(tzinfo=UTC) if date.tzinfo is None else date
        except (TypeError, ValueError, IndexError):
            date = None
    plain = "\n".join(fix_text(p) for p in mp.text_plain).replace("\r\n", "\n").strip()
    html_part = "\n".join(fix_text(p) for p in mp.text_html).strip()
    text = _label_enclosed(mp, plain or html_to_text(html_part))
    reply_to = getaddresses([headers["reply-to"]])[0][1] if headers.get("reply-to") else None
    return ParsedMessage(
        message_id=(_ids(headers.get("message-id", "")) or (None,))[0],
        from_name=_one_line(from_name).strip("'\" "),
        from_address=from_address.strip().lower(),
        to=tuple(a.lower() for _, a in getaddresses([headers.get("to", "")]) if a),
        cc=tuple(a.lower() for _, a in getaddresses([headers.get("cc", "")]) if a),
        reply_to=reply_to.lower() if reply_to else None,
        subject=_header_text(mp.subject or headers.get("subject", "")),
        date=date,
        in_reply_to=_ids(headers.get("in-reply-to", "")),
        references=_ids(headers.get("references", "")),
        headers=headers,
        content_type=headers.get("content-type", "text/plain").split(";")[0].strip().lower(),
        text=text,
        html_only=not plain and bool(html_part),
        attachments=tuple(fix_text(a.get("filename") or "") for a in mp.attachments),
        attachment_texts=_attachment_texts(mp),
        defects=tuple(str(d) for d in (mp.defects_categories or [])),
        auth_results=tuple(_one_line(str(v)) for v in mp.message.get_all("Authentication-Results") or ()),
    )

"""Compose notices as RFC 5322 messages: threaded, marked automatic, safe against header injection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import SMTP, SMTPUTF8, Policy, compat32
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from classifier.lexicon import Lexicon
from responders.render import Renderer

__all__ = ["Composed", "compose", "reply_subject", "safe_header"]

# The classifier's own word lists, so a prefix it reads is one we strip ("Ateb:" too).
_PREFIX = Lexicon().prefixes("reply_prefixes.txt", "forward_prefixes.txt", "other_subject_prefixes.txt")
_REF_TAG = re.compile(r"\s*\[[A-Z]+-\d{4}-\d+\]\s*")


# Control characters (NUL among them) and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) that can make a subject read backwards in a mail client: never in a header we write.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe_header(value: str, limit: int = 200) -> str:
    """Requester text in a header: one line (no CR/LF), no control or bidi override characters, bounded length."""
    return " ".join(_UNSAFE.sub(" ", value).split())[:limit]


def reply_subject(reference: str, original: str) -> str:
    """`[FOI-2026-00042] Re: original subject`, without stacking Re: or references."""
    # Our own tag in any configured format ("[REQ/2027/7]"), and any FOI-style tag, is not stacked again.
    untagged = _REF_TAG.sub(" ", original.replace(f"[{reference}]", " "))
    bare = _PREFIX.sub("", untagged).strip()
    return safe_header(f"[{reference}] Re: {bare}" if bare else f"[{reference}]", 250)


@dataclass(frozen=True)
class Composed:
    message_id: str
    subject: str
    raw: bytes


def compose(renderer: Renderer, template: str, context: dict[str, Any], *, sender: str,
            sender_name: str, to: str, subject: str, in_reply_to: str | None = None,
            references: tuple[str, ...] = (), now: datetime, domain: str | None = None) -> Composed:
    """Render `template` (text and HTML) into a complete message ready for the outbox."""
    text, html = renderer.render(template, context)
    message_id = make_msgid(idstring="foi", domain=domain or sender.split("@", 1)[-1])
    subject = safe_header(subject, 250)
    headers = [("Message-ID", message_id), ("Date", format_datetime(now)), ("To", safe_header(to, 320)),
               ("Subject", subject)]
    if in_reply_to:
        headers += [("In-Reply-To", safe_header(in_reply_to, 998)), ("References", safe_header(
            " ".join(list(dict.fromkeys((*references, in_reply_to)))[-10:]), 9980))]
    headers += [("Auto-Submitted", "auto-replied"),  # RFC 3834: robots must not answer this
                ("X-Auto-Response-Suppress", "All")]  # Exchange: no out-of-office back to us
    name = safe_header(sender_name)
    if to.isascii() and all(len(word) <= LONGEST_WORD for _, value in headers for word in value.split()):
        raw = _built(formataddr((name, sender), charset="utf-8"), headers, text, html)
    else:  # an international address (RFC 6531, written as UTF-8 for SMTPUTF8), or an id no line can hold
        raw = _folded(f"{name} <{sender}>", headers, text, html, SMTP if to.isascii() else SMTPUTF8)
    return Composed(message_id, subject, raw)


# A word this long cannot be folded onto a line of RFC 5322's 998 characters with its header's name.
LONGEST_WORD = 900
_CRLF = compat32.clone(linesep="\r\n")
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # readable in the raw message, and 7-bit: no server needs 8BITMIME for it


def _built(sender: str, headers: list[tuple[str, str]], text: str, html: str) -> bytes:
    """The message built once, headers written as given (RFC 2047 words only for non-ASCII text): what
    EmailMessage(policy=SMTP) costs three times as much for, parsing every header it is given and again on output."""
    msg = MIMEMultipart("alternative")
    for key, value in [headers[0], headers[1], ("From", sender), *headers[2:]]:
        # A Header is the documented way to give compat32 non-ASCII text; typeshed allows only str here.
        msg[key] = value if value.isascii() else Header(value, _UTF8, header_name=key)  # type: ignore[assignment]
    msg.attach(_part(text, "plain"))
    msg.attach(_part(html, "html"))
    return msg.as_bytes(policy=_CRLF)


def _part(body: str, subtype: str) -> MIMEText:
    plain = body.isascii() and all(len(line) <= 78 for line in body.splitlines())
    return MIMEText(body, subtype, "us-ascii" if plain else _UTF8)  # type: ignore[arg-type]


def _folded(sender: str, headers: list[tuple[str, str]], text: str, html: str, policy: Policy) -> bytes:
    """The same message through EmailMessage, which writes UTF-8 headers (SMTPUTF8) and folds any header."""
    msg = EmailMessage(policy=policy)
    for key, value in [headers[0], headers[1], ("From", sender), *headers[2:]]:
        msg[key] = value
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg.as_bytes()

"""Compose notices as RFC 5322 messages: threaded, marked automatic, safe against header injection."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid
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
    # An international address (RFC 6531) is written as UTF-8: the outbox sends it with SMTPUTF8.
    msg = EmailMessage(policy=SMTP if to.isascii() else SMTPUTF8)
    message_id = make_msgid(idstring="foi", domain=domain or sender.split("@", 1)[-1])
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(now)
    msg["From"] = f"{safe_header(sender_name)} <{sender}>"
    msg["To"] = safe_header(to, 320)
    msg["Subject"] = safe_header(subject, 250)
    if in_reply_to:
        msg["In-Reply-To"] = safe_header(in_reply_to, 998)
        msg["References"] = safe_header(" ".join(list(dict.fromkeys((*references, in_reply_to)))[-10:]), 9980)
    msg["Auto-Submitted"] = "auto-replied"  # RFC 3834: robots must not answer this
    msg["X-Auto-Response-Suppress"] = "All"  # Exchange: no out-of-office back to us
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return Composed(message_id, msg["Subject"], msg.as_bytes())

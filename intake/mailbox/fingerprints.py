"""What identifies a message's content and its thread, for duplicates and the loop guard (stored as hashes)."""

from __future__ import annotations

import hashlib
import re

from intake.mailbox.parse import ParsedMessage

__all__ = ["body_shape", "content_digest", "digest", "thread_root"]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _unquoted(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def content_digest(msg: ParsedMessage) -> str:
    """The same subject, words and attachments, whatever the whitespace, case and quoted lines: the same mail
    sent again (under a new Message-ID) has the same digest; a different request, even by one digit, does not."""
    parts = [msg.subject, _unquoted(msg.text), *msg.attachments, *msg.attachment_texts]
    return digest("\0".join(" ".join(p.casefold().split()) for p in parts))


def body_shape(text: str) -> str:
    """The words alone (digits, quoted lines, case and punctuation gone): a robot's mail differs only in those
    (ticket numbers, the notice of ours it quotes), so its messages share a shape."""
    return digest(re.sub(r"[^a-z]+", " ", _unquoted(text).lower()).strip())


def thread_root(msg: ParsedMessage) -> str | None:
    """The Message-ID a thread started from: the first of References, else In-Reply-To, else the message's own."""
    root = (msg.references or msg.in_reply_to or (msg.message_id,))[0]
    return root or None

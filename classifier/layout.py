"""The parts of a letter by position and shape, not by phrases alone: the greeting, the writer's own words, the
signature block, a disclaimer, and (in the whole message) a quoted reply or a forwarded original.

A signature block is found with or without a sign-off word before it: the last paragraph of short lines that starts
with a name ("Sam Okafor" / "Producer" / "Hatch Films Ltd" / "07700 900123"), or the lines after an RFC 3676 `-- `
separator. A disclaimer is the tail of the message from the first line with a disclaimer's wording, when nothing
after it signs off or asks. A quoted reply starts at "On … wrote:" or `>` lines; a forward at a forward mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.lexicon import Lexicon

__all__ = ["Layout", "find_layout", "is_name_line"]

_MAX_SIGNATURE_LINES = 8
_MAX_SIGNATURE_WORDS = 8
_SIG_SEPARATOR = re.compile(r"^-{2,3}\s*$")  # RFC 3676 "-- ", and the "---" before a footer
# A line a signature block holds besides the name: a phone number, an address for mail or the web, a postcode.
_CONTACT = re.compile(r"(?:\+?\d[\d ()-]{7,}\d|\S+@\S+\.\w+|https?://|www\.|\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b)")
# A capitalised word of a name in any script ("Siân", "Łukasz"), double-barrelled ("Mary-Jane"), "McBride",
# "O'Neill", or an initial ("J.").
_PART = r"(?:Mc|Mac|O'|O’)?(?=[^\W\d_])(?-i:[^\W\d_a-z])[^\W\d_A-Z]*(?:['’][^\W\d_]+)?"
_NAME_WORD = re.compile(rf"^(?:{_PART}(?:-{_PART})*|[A-Z]\.?)[,.]?$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?\s?){1,3}$|^[A-Z]{2,3}$")
_PARTICLES = frozenset({"de", "van", "von", "der", "da", "di", "le", "la", "du", "bin", "al", "ap"})


@dataclass(frozen=True)
class Layout:
    """Where each part of the letter is; the text of each part, never rewritten."""

    greeting: str = ""
    body: str = ""  # the writer's own words: no greeting line, signature, disclaimer, quote or forward
    sign_off: str = ""  # the sign-off line ("Kind regards,"), if there is one
    signature: tuple[str, ...] = ()  # the signature block's lines: name, title, outlet, contact lines
    disclaimer: str = ""
    quoted: str = ""  # a quoted reply in the whole message ("On … wrote:", "> …")
    forwarded: str = ""  # a forwarded original in the whole message

    @property
    def signed_name(self) -> str | None:
        """The signature's first line when it is shaped like a name ("Sam Okafor", "J. A. Giggins", "jay")."""
        return self.signature[0] if self.signature and is_name_line(self.signature[0]) else None

    @property
    def signature_text(self) -> str:
        return "\n".join(self.signature)


def is_name_line(line: str) -> bool:
    """Shaped like a person's signed name: one to four capitalised words, or initials ("JD", "J. A.")."""
    stripped = line.strip().rstrip(",.")
    if _INITIALS.match(stripped):
        return True
    words = stripped.split()
    if not 1 <= len(words) <= 4:
        return False
    return (all(_NAME_WORD.match(w) or w.lower() in _PARTICLES for w in words)
            and any(len(w.strip(".,")) > 2 for w in words))


def _short(line: str) -> bool:
    """A line a signature block is made of: short, not a sentence that ends or asks."""
    stripped = line.strip()
    words = stripped.split()
    if not words or len(words) > _MAX_SIGNATURE_WORDS or stripped.endswith(("?", ":")):
        return False
    # A full stop ends a sentence, unless the line is an address, a name with an initial or "Ltd."
    return not (stripped.endswith(".") and len(words) > 3 and not _CONTACT.search(stripped))


def _paragraph_start(lines: list[str], end: int) -> int:
    """The first line of the paragraph that ends at `end` (exclusive)."""
    start = end
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return start


def _disclaimer_start(lines: list[str], lexicon: Lexicon) -> int:
    """Where a disclaimer begins: the first line past the opening with a disclaimer's wording, after which no line
    signs off; len(lines) if there is none. A wrapped disclaimer sentence starts where its paragraph of long lines
    starts, not inside the signature above it."""
    cue = lexicon.regex("disclaimer_phrases.txt")
    sign_off = lexicon.pattern("sign_offs.txt")
    opening = min(3, len(lines))
    for i in range(opening, len(lines)):
        if not cue.search(lines[i]):
            continue
        if any(sign_off.match(line.strip()) and len(line.split()) <= 6 for line in lines[i:]):
            continue
        start = i
        while start > opening and lines[start - 1].strip() and not _short(lines[start - 1]):
            start -= 1
        return start
    return len(lines)


def _signature_after_sign_off(lines: list[str], sign_off: re.Pattern[str]) -> tuple[int, int] | None:
    """(sign-off line, first signature line) when one of the last lines is a sign-off ("Kind regards,") and only
    signature lines follow it: "Thank you for your email." above three paragraphs opens a letter, not closes it."""
    seen = 0
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        if not line:
            continue
        seen += 1
        if seen > 12:
            return None
        m = sign_off.match(line.rstrip(",.!"))
        if m and len(line.split()) <= 6:
            after = [rest for rest in lines[i + 1:] if rest.strip()]
            return (i, i + 1) if all(len(rest.split()) <= _MAX_SIGNATURE_WORDS + 2 for rest in after) else None
    return None


def _signature_by_shape(lines: list[str]) -> int | None:
    """The first line of the signature when no sign-off names it: after an RFC 3676 `-- ` line, or a trailing block
    of short lines that follows a blank line or a finished sentence and starts with a name."""
    for i in range(len(lines) - 1, max(len(lines) - 15, 0) - 1, -1):
        if _SIG_SEPARATOR.match(lines[i]):
            return i + 1
    end = len(lines)
    start = end
    while start > 0 and lines[start - 1].strip() and _short(lines[start - 1]) and end - start < _MAX_SIGNATURE_LINES:
        start -= 1
    if start in (0, end):
        return None
    before = lines[start - 1].strip()
    if is_name_line(lines[start]) and (not before or before.endswith((".", "!", "?", ","))):
        return start
    return None


def _greeting(lines: list[str], lexicon: Lexicon) -> int:
    """How many lines the greeting takes ("Dear FOI team," / "Hi,"): 0 or 1."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return 0
    return first + 1 if lexicon.compiled("salutation").match(lines[first]) and len(lines[first].split()) <= 8 else 0


def _split_quote(text: str, lexicon: Lexicon) -> tuple[str, str]:
    """The quoted reply and the forwarded original of a whole message (empty when there is none)."""
    quote = lexicon.compiled("quote_intro").search(text)
    forward = lexicon.compiled("forward_mark").search(text)
    cut_q = quote.start() if quote else len(text)
    cut_f = forward.start() if forward else len(text)
    own = text[:min(cut_q, cut_f)].splitlines()
    quoted = "\n".join(line for line in own if line.lstrip().startswith(">"))
    if cut_q < cut_f:
        quoted = (quoted + "\n" + text[cut_q:]).strip()
    return quoted, text[cut_f:] if cut_f < cut_q else ""


def find_layout(text: str, lexicon: Lexicon, whole: str | None = None) -> Layout:
    """The parts of `text` (the writer's letter); `whole` (the message as received) gives the quote and forward."""
    quoted, forwarded = _split_quote(whole if whole is not None else text, lexicon)
    lines = text.rstrip().splitlines()
    stop = _disclaimer_start(lines, lexicon)
    disclaimer = "\n".join(lines[stop:]).strip()
    lines = lines[:stop]
    while lines and not lines[-1].strip():
        lines.pop()
    sign_off = ""
    after = _signature_after_sign_off(lines, lexicon.pattern("sign_offs.txt"))
    if after is not None:
        at, first = after
        sign_off, body_end = lines[at].strip(), at
    else:
        shaped = _signature_by_shape(lines)
        first = body_end = shaped if shaped is not None else len(lines)
        if shaped is not None and _SIG_SEPARATOR.match(lines[shaped - 1]):
            body_end = shaped - 1
    signature = tuple(line.strip() for line in lines[first:] if line.strip())[:_MAX_SIGNATURE_LINES]
    greeting_lines = _greeting(lines[:body_end], lexicon)
    greeting = lines[greeting_lines - 1].strip() if greeting_lines else ""
    body = "\n".join(lines[greeting_lines:body_end]).strip()
    return Layout(greeting=greeting, body=body, sign_off=sign_off, signature=signature, disclaimer=disclaimer,
                  quoted=quoted, forwarded=forwarded)

"""Hostile mail (issue 11 item 8): every message of the issue's "Why" list written by hand, a Hypothesis mutator over
the flanker corpus, and the invariants every message must keep whatever it holds:

- nothing lost: every stored message is processed, filed, or set aside with a reason (never by a fault of ours);
- no traceback in any log line, and no sender's address or subject either;
- no notice to anyone but the From sender of the message that opened the case (or a Reply-To in its domain);
- no notice to machine mail (RFC 3834 headers, delivery reports, mailer-daemon);
- at most one acknowledgement per request, each sent once, with clean headers.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message as MimeMessage
from email.parser import HeaderParser
from email.policy import SMTPUTF8, compat32
from email.utils import getaddresses
from functools import cache

from hypothesis import strategies as st
from sqlalchemy import select

from bench.corpora import FLANKER_DIR
from intake.app import App
from intake.caselog import Case, Message, Notice
from intake.mailbox.parse import fix_text
from intake.vocabulary import EventType, MessageStatus
from responders.notify import REQUESTER_NOTICES
from tests.integration.test_outbox_isolation import international_request
from tests.integration.test_strangers import NAMELESS, helpdesk_answer, staff_forward
from tests.mail import request
from tests.unit.app.test_filing_bytes import eight_bit, nested

# -- the "Why" list, written by hand ------------------------------------------------------------------------------

THIRD_PARTY = "victim@elsewhere.example"


def html_wall(kilobytes: int = 600) -> bytes:
    """An HTML-only request followed by a wall of unclosed `<` (quadratic for a regex tag stripper)."""
    wall = ("<" * 76 + "\r\n") * (kilobytes * 1024 // 78)
    return request(sender="Wall <wall@example.org>", subject="Board papers", msgid="<wall@example.org>").replace(
        b"Content-Type: text/plain; charset=\"utf-8\"", b"Content-Type: text/html; charset=\"utf-8\"").replace(
        b"Priya Natarajan\r\n", b"<p>Priya Natarajan</p>\r\n" + wall.encode())


def why_list() -> list[tuple[str, bytes]]:
    """One message for each item of the issue's "Why" list that a single message can show (the stranger, the
    robot's loop and the flood take several passes: the suite builds those as it goes)."""
    long_id = "<" + "x" * 1200 + "@example.org>"
    nul = request(sender="Nul Byte <nul@example.org>", subject="Waiting times", msgid="<nul@example.org>")
    twice = "Twice <twice@example.org>"
    return [
        ("non-ASCII address", international_request()),
        ("Message-ID over 998 characters", request(sender="Long Id <longid@example.org>", msgid=long_id)),
        ("NUL bytes", nul.replace(b"Subject: Waiting times", b"Subject: Waiting\x00 times").replace(
            b"18 weeks", b"18\x00 weeks")),
        ("500-character address", request(sender=f"Long Address <{'p' * 480}@example.org>",
                                          msgid="<long-address@example.org>")),
        ("300-deep message/rfc822 nest", nested(300)),
        ("8-bit headers", eight_bit()),
        ("600 kB HTML with unclosed <", html_wall()),
        ("auto-responder with a per-ticket Reply-To", helpdesk_answer(1000)),
        ("Reply-To a third party", request(sender="Third Party <tp@example.org>", msgid="<reply-to@example.org>",
                                           headers={"Reply-To": THIRD_PARTY})),
        ("forged staff forward dated 2020", staff_forward("2 January 2020 08:57")),
        ("nameless request (a stranger quotes it later)",
         request(sender="bluebird1987@example.com", msgid="<nameless@example.com>", body=NAMELESS)),
        ("broken encoded-word subject", request(sender="Encoded <encoded@example.org>", msgid="<encoded@example.org>",
                                                subject="placeholder").replace(
            b"Subject: placeholder", b"Subject: =?utf-8?q?Waiting_times_=E2=80?= =?utf-8?b?!!!?= =?x-none?q?=FF?=")),
        ("right-to-left override in the subject", request(sender="Rtl <rtl@example.org>", msgid="<rtl@example.org>",
                                                          subject="Waiting times \u202egnp.exe\u202c \u2066x\u2069")),
        ("identical mail, first Message-ID", request(sender=twice, msgid="<twice-1@example.org>")),
        ("identical mail, second Message-ID", request(sender=twice, msgid="<twice-2@example.org>")),
    ]


def flood(count: int) -> list[bytes]:
    """`count` distinct requests from one sender, all at once."""
    return [request(sender="Flo Oder <flood@example.org>", subject=f"Ward {i}", msgid=f"<flood-{i}@example.org>",
                    body=f"Please tell me how many beds ward {i} had on 1 November 2026.\n\nFlo Oder\n")
            for i in range(count)]


def stranger_quoting(reference: str) -> bytes:
    return request(sender="Jordan Blake <jordan@elsewhere.example>", subject=f"Re: [{reference}] info",
                   msgid="<stranger@elsewhere.example>", body="My full name is Jordan Blake.\n\nJordan Blake\n")


# -- the mutator over the flanker corpus ------------------------------------------------------------------------------

@cache
def flanker() -> tuple[tuple[str, bytes], ...]:
    found = tuple((p.name, p.read_bytes()) for p in sorted(FLANKER_DIR.glob("*.eml")))
    assert len(found) > 40, f"flanker corpus not found at {FLANKER_DIR}"
    return found


HEADERS = ("From", "Reply-To", "Subject", "Message-ID", "In-Reply-To", "References", "Auto-Submitted", "Precedence",
           "Content-Type", "Content-Transfer-Encoding", "Date", "To", "Return-Path")
HOSTILE_VALUES = (
    "josé@exämple.org", "José Álvarez <josé@exämple.org>", "<" + "x" * 1200 + "@example.org>", "a\x00b <nul@x.org>",
    "p" * 480 + "@example.org", "=?utf-8?q?broken=E2=80?=", "=?utf-8?b?!!!?=", "=?x-unknown?q?abc?=",
    "Waiting \u202egnp.exe\u202c", THIRD_PARTY, "auto-replied", "no", "bulk", "multipart/report; report-type=x",
    "message/rfc822", "text/html; charset=x-unknown", "base64", "quoted-printable", "Thu, 31 Dec 9999 99:99:99",
    "Re: [FOI-2026-00001] your request", "<x@example-icb.nhs.uk>", "MAILER-DAEMON@example.org", "<>", "",
    "foi.requests@example-icb.nhs.uk", "dsp@example-icb.nhs.uk",
)
SPLICES = (b"\x00", b"\xff\xfe", b"\r", b"\n\n", b"<", b"=?utf-8?b?", "\u202e".encode(), b"--", b"\r\n.\r\n",
           b"Content-Type: message/rfc822\n\n", b"Content-Transfer-Encoding: base64\n", b"\xe9t\xe9")
# A request any mutation may be spliced into, so the mutants reach the case log and the outbox too.
REQUEST_TEXT = (b"Dear FOI team,\n\nPlease tell me how many ambulance handovers took over an hour in 2025.\n\n"
                b"Kind regards,\nMorgan Reyes\n")

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
header_value = st.one_of(st.sampled_from(HOSTILE_VALUES), _text, st.integers(300, 1500).map(lambda n: "y" * n))
mutation = st.one_of(
    st.tuples(st.just("header"), st.sampled_from(HEADERS), header_value),
    st.tuples(st.just("splice"), st.integers(0, 2**20), st.sampled_from(SPLICES)),
    st.tuples(st.just("repeat"), st.integers(0, 2**20), st.integers(1, 4096)),
    st.tuples(st.just("truncate"), st.integers(0, 2**20)),
    st.tuples(st.just("nest"), st.integers(1, 300)),
    st.tuples(st.just("request"), st.integers(0, 10**6)),
)
mutants = st.tuples(st.sampled_from([name for name, _ in flanker()]), st.lists(mutation, min_size=1, max_size=4))


def mutate(name: str, steps: Iterable[tuple[object, ...]]) -> bytes:
    """The flanker message `name` after each mutation step in turn."""
    raw = dict(flanker())[name]
    for step in steps:
        raw = _apply(raw, step)
    return raw


def _apply(raw: bytes, step: tuple[object, ...]) -> bytes:
    match step:
        case ("header", str(name), str(value)):
            return f"{name}: {value}\n".encode() + raw  # the first occurrence: the one most readers take
        case ("splice", int(at), bytes(insert)):
            at %= len(raw) + 1
            return raw[:at] + insert + raw[at:]
        case ("repeat", int(at), int(length)):
            at %= len(raw) + 1
            return raw[:at] + raw[at:at + length] + raw[at:]
        case ("truncate", int(at)):
            return raw[:at % (len(raw) + 1)]
        case ("nest", int(depth)):
            wrapper = b"From: relay@example.org\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n"
            return b"From: Nest <nest@example.org>\nSubject: Fwd: nested\n" + wrapper * depth + raw
        case ("request", int(k)):
            head, sep, body = raw.partition(b"\n\n")
            return f"From: Morgan Reyes <morgan{k}@example.org>\n".encode() + head + (sep or b"\n\n") + \
                REQUEST_TEXT + body
    raise ValueError(f"unknown mutation {step!r}")


# -- the invariants --------------------------------------------------------------------------------------------------

ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]\\]+@[^\s<>\"'(),;:\[\]\\]+")
MACHINE_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-response-suppress", "list-id")
MACHINE_SENDERS = ("mailer-daemon", "postmaster")
BULK = ("bulk", "junk", "list", "auto_reply")
OURS = ("intake", "classifier", "responders", "config")  # the project's loggers
# Control and bidirectional override characters: never in a header we write (README "Mail hygiene").
UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _headers(raw: bytes) -> MimeMessage:
    """The header block, each line's 8-bit bytes read as UTF-8 (else Windows-1252), as mail programs do."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    lines = (fix_text(line.decode("ascii", "surrogateescape")) for line in head.split(b"\n"))
    return HeaderParser(policy=compat32).parsestr("\n".join(lines) + "\n\n")


def _decoded(values: Iterable[object]) -> str:
    """Header values as a person reads them: encoded words decoded, 8-bit bytes as UTF-8 (else Windows-1252)."""
    out = []
    for value in values:
        text = str(value)
        try:
            out.append(str(make_header(decode_header(text))))
        except Exception:  # a broken encoded word: the raw text, as a person would read it
            out.append(text)
    return " ".join(out)


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower().strip(".")


def answerable(raw: bytes, staff_domains: Iterable[str]) -> set[str]:
    """Whom a notice about the case `raw` opened may go to: its From, a Reply-To in From's domain, and (only for
    a forward from the organisation's own staff, policy 5.10) the requester the forward names."""
    h = _headers(raw)
    froms = {a.lower() for a in ADDRESS.findall(_decoded(h.get_all("From") or []))}
    domains = {_domain(a) for a in froms}
    allowed = set(froms)
    for a in ADDRESS.findall(_decoded(h.get_all("Reply-To") or [])):
        if any(_domain(a) == d or _domain(a).endswith("." + d) for d in domains):
            allowed.add(a.lower())
    if any(d == s or d.endswith("." + s) for d in domains for s in staff_domains):
        allowed |= {a.lower() for a in ADDRESS.findall(raw.decode("utf-8", "replace"))}
    return allowed


def machine(raw: bytes) -> str | None:
    """Why `raw` is machine mail by its headers (RFC 3834, RFC 3464, list mail), or None. A header given twice is read
    by its first occurrence, as the stdlib reads it."""
    h = _headers(raw)
    if str(h.get("Auto-Submitted", "")).strip().lower().split(";")[0].strip() not in ("", "no"):
        return "Auto-Submitted"
    if str(h.get("Precedence", "")).strip().lower() in BULK:
        return "Precedence"
    if any(h.get(name) is not None for name in MACHINE_HEADERS):
        return "automatic header"
    if str(h.get("Content-Type", "")).lower().lstrip().startswith("multipart/report"):
        return "delivery or read report"
    if any(a.split("@")[0].lower() in MACHINE_SENDERS for a in ADDRESS.findall(_decoded([h.get("From", "")]))):
        return "mailer-daemon"
    return None


@dataclass(frozen=True)
class Sent:
    """A message as the outbox handed it over: its envelope recipients and bytes."""

    rcpt: tuple[str, ...]
    raw: bytes


def violations(app: App, sent: list[Sent], records: Iterable[logging.LogRecord]) -> list[str]:
    """Every broken invariant in the case log, the mail sent and the log lines, one line each (none: all hold)."""
    with app.sessions() as s:
        messages = list(s.scalars(select(Message).order_by(Message.id)))
        notices = list(s.scalars(select(Notice).order_by(Notice.id)))
        cases = {c.id: c for c in s.scalars(select(Case))}
        openers = {c.id: next((e.data.get("message") for e in c.events if e.type == EventType.RECEIVED), None)
                   for c in cases.values()}
    by_id = {m.id: m for m in messages}
    found = _lost(messages) + _logs(messages, records)
    found += _recipients(app, notices, cases, openers, by_id)
    found += _machine_mail(messages, notices, openers)
    found += _sent_once(notices, sent)
    return found


def _lost(messages: list[Message]) -> list[str]:
    found = []
    for m in messages:
        if m.status == MessageStatus.RECEIVED:
            found.append(f"message {m.id}: never processed")
        elif m.status == MessageStatus.NEEDS_PERSON and not m.problem:
            found.append(f"message {m.id}: set aside without a reason")
        elif m.problem and m.problem.startswith(("internal error", "could not be stored")):
            found.append(f"message {m.id}: set aside by a fault of ours ({m.problem})")
        if m.filed_in is None:
            found.append(f"message {m.id}: never filed")
    return found


def _logs(messages: list[Message], records: Iterable[logging.LogRecord]) -> list[str]:
    """No traceback; no sender's address and no subject (of 12 characters or more) in any line at any level of ours
    (the test servers log what they receive, as servers do)."""
    private = {m.from_address for m in messages if m.from_address and "@" in m.from_address}
    private |= {m.subject for m in messages if m.subject and len(m.subject) >= 12}
    found = []
    for r in records:
        if r.name.split(".")[0] not in OURS:
            continue
        text = r.getMessage()
        if r.exc_info or "Traceback" in text:
            found.append(f"log line with a traceback: {r.name} {r.levelname}")
        leaked = [p for p in private if p in text]
        if leaked:
            found.append(f"log line quoting a sender's address or subject: {r.name} {r.levelname} {text[:80]!r}")
    return found


def _recipients(app: App, notices: list[Notice], cases: dict[int, Case], openers: dict[int, object],
                by_id: dict[int, Message]) -> list[str]:
    org = app.settings.organisation
    found = []
    for n in notices:
        if n.kind not in REQUESTER_NOTICES:
            if n.to_address not in (org.dsp_address, org.comms_address):
                found.append(f"notice {n.id} ({n.kind}): an internal notice to someone outside the organisation")
            continue
        opener = by_id.get(openers.get(n.case_id) if n.case_id else None)  # type: ignore[arg-type]
        if opener is None or n.case_id not in cases:
            found.append(f"notice {n.id} ({n.kind}): no message opened its case")
        elif n.to_address.lower() not in answerable(opener.raw, org.staff_domains):
            found.append(f"notice {n.id} ({n.kind}): to someone other than the From of message {opener.id}")
    return found


def _machine_mail(messages: list[Message], notices: list[Notice], openers: dict[int, object]) -> list[str]:
    answered = Counter(str(message_from_bytes(n.raw).get("In-Reply-To", "")).strip() for n in notices
                       if n.kind in REQUESTER_NOTICES)
    found = []
    for m in messages:
        why = machine(m.raw)
        if why is None:
            continue
        if m.message_id and answered[m.message_id]:
            found.append(f"message {m.id} is machine mail ({why}) and was answered")
        if m.case_id is not None and openers.get(m.case_id) == m.id and any(
                n.case_id == m.case_id and n.kind in REQUESTER_NOTICES for n in notices):
            found.append(f"message {m.id} is machine mail ({why}) and its case sent a notice")
    return found


def _sent_once(notices: list[Notice], sent: list[Sent]) -> list[str]:
    """At most one acknowledgement per request; each notice sent once, to its own address, with clean headers."""
    found = []
    per_request = Counter((n.case_id, str(message_from_bytes(n.raw).get("In-Reply-To", "")).strip())
                          for n in notices if n.kind in REQUESTER_NOTICES)
    found += [f"case {case}: {count} notices in answer to one message" for (case, _), count in per_request.items()
              if count > 1]
    rows = {n.message_id: n for n in notices}
    copies = Counter(str(message_from_bytes(m.raw)["Message-ID"]).strip() for m in sent)
    found += [f"notice {mid[:40]} sent {count} times" for mid, count in copies.items() if count > 1]
    for m in sent:
        mid = str(message_from_bytes(m.raw)["Message-ID"]).strip()
        row = rows.get(mid)
        if row is None:
            found.append(f"sent mail {mid[:40]} is no notice of the outbox")
            continue
        if [r.lower() for r in m.rcpt] != [row.to_address.lower()]:
            found.append(f"notice {row.id}: sent to other recipients than its own")
        head = m.raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        if UNSAFE.search(_decoded(v for _, v in _headers(head).items())) or b"\x00" in head:
            found.append(f"notice {row.id}: a control or bidi override character in its headers")
    return found


def recipients(raw: bytes) -> tuple[str, ...]:
    """The To of a notice as the file outbox wrote it (it has no envelope); UTF-8 for an international address."""
    return tuple(a for _, a in getaddresses([str(message_from_bytes(raw, policy=SMTPUTF8)["To"] or "")]) if a)

"""Loop safety (RFC 3834): bounces and automatic replies are filed and never answered."""

from __future__ import annotations

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty

__all__ = ["AutoReply", "DeliveryFailure", "bare_subject", "sender_is_automated"]


def bare_subject(subject: str, lexicon: Lexicon) -> str:
    """The subject without its reply and forward prefixes ("RE: Fwd: Out of office" → "Out of office")."""
    pattern = lexicon.prefixes("reply_prefixes.txt", "forward_prefixes.txt", "other_subject_prefixes.txt")
    return pattern.sub("", subject).strip()


def sender_is_automated(address: str, patterns: tuple[str, ...]) -> str | None:
    """The matching pattern when the sender's local part names a machine (mailer-daemon, noreply)."""
    local = address.split("@", 1)[0].lower()
    for p in patterns:
        if (p.endswith("*") and local.startswith(p[:-1])) or local == p:
            return p
    return None


class DeliveryFailure(Rule):
    name = "delivery_failure"
    description = "A non-delivery report (DSN, NDR, mailer-daemon) is a bounce, never answered (RFC 3464, 3834)."
    decides = ("kind", "regime")

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        ctype = msg.header("content-type").lower()
        evidence, certainty = None, Certainty.SURE
        if msg.content_type == "multipart/report" and "delivery-status" in ctype:
            evidence, certainty = "Content-Type: multipart/report; report-type=delivery-status", Certainty.CERTAIN
        elif msg.content_type == "message/delivery-status":
            evidence, certainty = "Content-Type: message/delivery-status", Certainty.CERTAIN
        elif sender_is_automated(msg.from_address, self.lexicon.words("bounce_senders.txt")):
            evidence, certainty = f"From: {msg.from_address}", Certainty.CERTAIN
        elif self.lexicon.pattern("bounce_subjects.txt", prefix=True).search(msg.subject):
            evidence = f"Subject: {msg.subject}"
        elif msg.header("return-path").strip() == "<>" and "delivery" in msg.subject.lower():
            evidence = "Return-Path: <> with a delivery subject"
        if evidence:
            return self.hit("bounce", evidence, certainty=certainty)
        return self.miss("no delivery report, daemon sender or bounce subject")


class AutoReply(Rule):
    """RFC 3834 and the headers real auto-responders set; then subjects, in English and Welsh."""

    name = "auto_reply"
    description = "Out-of-office, list and robot mail: RFC 3834 headers, senders, subjects (RFC 3834)."
    decides = ("kind", "regime")

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        found = self._header_evidence(msg, ctx)
        certainty = Certainty.CERTAIN
        if found is None:
            found, certainty = self._text_evidence(msg, letter.relayed)
        if found:
            return self.hit("auto_reply", found, certainty=certainty)
        return self.miss("no automatic header, robot sender or away subject")

    def _header_evidence(self, msg: ParsedMessage, ctx: Context) -> str | None:
        """What the headers say (RFC 3834, and what real auto-responders set): certain."""
        auto_submitted = msg.header("auto-submitted").lower()
        if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
            return f"Auto-Submitted: {auto_submitted}"
        for name in self.lexicon.words("auto_reply_headers.txt"):
            if msg.header(name):
                return f"{name}: {msg.header(name)}"
        precedence = msg.header("precedence").lower()
        if precedence in self.lexicon.words("bulk_precedence.txt"):
            return f"Precedence: {precedence}"
        if msg.header("list-id"):
            return f"List-Id: {msg.header('list-id')}"
        ctype = msg.header("content-type").lower()
        if msg.content_type == "multipart/report":
            return f"Content-Type: {ctype[:80]}"  # read receipts, abuse feedback reports
        if msg.from_address and msg.from_address in ctx.own_addresses:
            return f"From our own address {msg.from_address}: answering it would loop"
        return None

    def _text_evidence(self, msg: ParsedMessage, letter_relayed: bool) -> tuple[str | None, Certainty]:
        """The sender's name, the subject, a short away message: sure, sure, likely."""
        pattern = sender_is_automated(msg.from_address, self.lexicon.words("automated_senders.txt"))
        if pattern and not letter_relayed:
            return f"From: {msg.from_address} (automated sender '{pattern}')", Certainty.SURE
        subject = bare_subject(msg.subject, self.lexicon)
        if self.lexicon.pattern("auto_reply_subjects.txt", prefix=True).search(subject):
            return f"Subject: {msg.subject}", Certainty.SURE
        # An away message with no header: short, and says so in its first lines.
        text = msg.text.strip()
        if len(text) < 600:
            away = self.lexicon.regex("auto_reply_body.txt").search(text)
            if away:
                return f"away message: {away.group(0)}", Certainty.LIKELY
        return None, Certainty.SURE

"""Loop safety (RFC 3834): bounces and automatic replies are filed and never answered."""

from __future__ import annotations

import re

from classifier.letter import Letter
from classifier.rules.base import Context, Rule
from classifier.triage import Triage
from intake.mailbox.parse import ParsedMessage

_SUBJECT_PREFIX = re.compile(r"^(?:\s*(?:re|fw|fwd|aw|sv|ymateb|ateb)\s*:\s*)+", re.I)


def bare_subject(subject: str) -> str:
    return _SUBJECT_PREFIX.sub("", subject).strip()


def sender_is_automated(address: str, patterns: tuple[str, ...]) -> str | None:
    """The matching pattern when the sender's local part names a machine (mailer-daemon, noreply)."""
    local = address.split("@", 1)[0].lower()
    for p in patterns:
        if (p.endswith("*") and local.startswith(p[:-1])) or local == p:
            return p
    return None


class DeliveryFailure(Rule):
    name = "delivery_failure"
    description = "A non-delivery report (DSN, NDR, mailer-daemon) is a bounce: never answered."
    skip_silent = False

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        ctype = msg.header("content-type").lower()
        evidence = None
        if msg.content_type == "multipart/report" and "delivery-status" in ctype:
            evidence = "Content-Type: multipart/report; report-type=delivery-status"
        elif msg.content_type == "message/delivery-status":
            evidence = "Content-Type: message/delivery-status"
        elif sender_is_automated(msg.from_address, ("mailer-daemon", "postmaster")):
            evidence = f"From: {msg.from_address}"
        elif self.lexicon.pattern("bounce_subjects.txt", prefix=True).search(msg.subject):
            evidence = f"Subject: {msg.subject}"
        elif msg.header("return-path").strip() == "<>" and "delivery" in msg.subject.lower():
            evidence = "Return-Path: <> with a delivery subject"
        if evidence:
            triage.kind, triage.regime = "bounce", None
            triage.because(self.name, "bounce", evidence)


class AutoReply(Rule):
    """RFC 3834 and the headers real auto-responders set; then subjects, in English and Welsh."""

    name = "auto_reply"
    description = "Out-of-office, list and robot mail (RFC 3834 headers, senders, subjects)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        evidence = self._evidence(msg, ctx, letter.relayed)
        if evidence:
            triage.kind, triage.regime = "auto_reply", None
            triage.because(self.name, "auto_reply", evidence)

    def _evidence(self, msg: ParsedMessage, ctx: Context, letter_relayed: bool) -> str | None:
        auto_submitted = msg.header("auto-submitted").lower()
        if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
            return f"Auto-Submitted: {auto_submitted}"
        for name in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
            if msg.header(name):
                return f"{name}: {msg.header(name)}"
        precedence = msg.header("precedence").lower()
        if precedence in ("bulk", "junk", "list", "auto_reply"):
            return f"Precedence: {precedence}"
        if msg.header("list-id"):
            return f"List-Id: {msg.header('list-id')}"
        ctype = msg.header("content-type").lower()
        if msg.content_type == "multipart/report":
            return f"Content-Type: {ctype[:80]}"  # read receipts, abuse feedback reports
        if msg.from_address and msg.from_address in ctx.own_addresses:
            return f"From our own address {msg.from_address}: answering it would loop"
        pattern = sender_is_automated(msg.from_address, self.lexicon.words("automated_senders.txt"))
        if pattern and not letter_relayed:
            return f"From: {msg.from_address} (automated sender '{pattern}')"
        subject = bare_subject(msg.subject)
        if self.lexicon.pattern("auto_reply_subjects.txt", prefix=True).search(subject):
            return f"Subject: {msg.subject}"
        # An away message with no header: short, and says so in its first lines.
        text = msg.text.strip()
        if len(text) < 600:
            away = self.lexicon.regex("auto_reply_body.txt").search(text)
            if away:
                return f"away message: {away.group(0)}"
        return None

"""What kind of message a person wrote: a new request, a reply on a case, a review, a re-use request."""

from __future__ import annotations

import re

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Triage
from intake.mailbox.parse import ParsedMessage

# Says FOI or EIR in words (a reference such as FOI-2026-00042 is not a request by itself).
_FOI_WORDS = re.compile(r"freedom of information|\bfoi\b(?!-\d)|\bfoia\b|environmental information|\beir\b"
                        r"|rhyddid gwybodaeth", re.I)


class ForwardedByStaff(Rule):
    name = "forwarded_by_staff"
    description = "A request a member of staff forwarded: the original requester and date count (policy 5.10)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if letter.forwarded:
            triage.forwarded = True
            triage.original_received = letter.original_date
            triage.because(self.name, "forwarded by staff",
                           f"from {msg.from_address}; original from {letter.from_address or letter.from_name}"
                           f", sent {letter.original_date or 'on an unknown date'}")


class CaseReference(Rule):
    name = "case_reference"
    description = "Our case reference in the subject or text ties a message to its case."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        m = ctx.reference.search(msg.subject) or ctx.reference.search(letter.text)
        if m:
            triage.reference = m.group(0)
            where = "subject" if ctx.reference.search(msg.subject) else "text"
            triage.because(self.name, "reference found", f"{where}: {m.group(0)}")


def asks_something(text: str, lexicon: Lexicon) -> bool:
    return "?" in text or bool(lexicon.pattern("request_phrases.txt").search(text))


def makes_new_request(text: str, lexicon: Lexicon) -> bool:
    """In a reply on an old case, "could you also tell me…" is a fresh request, not a follow-up."""
    return bool(lexicon.regex("new_request_phrases.txt").search(text))


def is_reply(msg: ParsedMessage) -> bool:
    return bool(msg.in_reply_to) or msg.subject.lower().startswith(("re:", "re :", "ateb:"))


class InternalReview(Rule):
    name = "internal_review"
    description = "A complaint about how a request was handled asks for an internal review (s.45 Code; policy 17)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        text = f"{msg.subject}\n{letter.text}"
        hit = first_match(self.lexicon.regex("internal_review_phrases.txt"), text)
        if hit:
            triage.kind = "internal_review"
            triage.because(self.name, "internal review", hit)


class FollowUp(Rule):
    name = "follow_up"
    description = "A chaser, thank-you or withdrawal about an existing request is routine business."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if (triage.kind != "foi_request" or triage.questions or len(letter.text) > 1200
                or makes_new_request(letter.text, self.lexicon)):
            return
        hit = first_match(self.lexicon.regex("chaser_phrases.txt"), letter.text)
        if not hit and not asks_something(letter.text, self.lexicon):
            hit = first_match(self.lexicon.regex("thanks_phrases.txt"), letter.text.strip())
        if hit:
            triage.kind = "general_enquiry"
            triage.because(self.name, "follow-up on an existing request", hit)


class ClarificationReply(Rule):
    name = "clarification_reply"
    description = "A reply on one of our cases that answers our question attaches to it (FOIA s.1(3))."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind != "foi_request" or triage.forwarded or makes_new_request(letter.text, self.lexicon):
            return
        strong = first_match(self.lexicon.regex("clarification_strong.txt"), letter.text)
        hit = strong or first_match(self.lexicon.regex("clarification_phrases.txt"), letter.text)
        if strong:
            triage.kind = "clarification_reply"
            triage.because(self.name, "clarification given", strong)
        elif triage.reference and (is_reply(msg) or hit):
            triage.kind = "clarification_reply"
            triage.because(self.name, "reply on a case",
                           f"reference {triage.reference}" + (f"; {hit}" if hit else " in a reply"))
        elif hit and is_reply(msg):
            triage.kind = "clarification_reply"
            triage.because(self.name, "clarification given", hit)


class ReuseRequest(Rule):
    name = "reuse_request"
    description = "Asks to re-use information already released (RPSI Regulations 2015; policy 23)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind != "foi_request":
            return
        hit = first_match(self.lexicon.regex("reuse_phrases.txt"), f"{msg.subject}\n{letter.text}")
        if hit:
            triage.kind = "reuse_request"
            triage.because(self.name, "re-use request", hit)


_FRAMED = re.compile(
    r"(?:this is|treat this as|i am making|i'm making|i wish to make|i would like to make|under|"
    r"in accordance with|pursuant to)\s+(?:a |an |my )?(?:request under )?(?:the )?"
    r"(?:freedom of information|foi\b|environmental information)", re.I)


_SUBJECT_FRAMED = re.compile(
    r"^\s*(?:foi|freedom of information|eir)\b(?!-\d)|\b(?:foi|foia|eir|freedom of information|environmental "
    r"information)(?: act)?\s*(?:request|enquiry|application)\b|cais (?:rhyddid gwybodaeth|am wybodaeth)", re.I)


def framed_as_request(msg: ParsedMessage, letter: Letter) -> bool:
    """The writer calls it an FOI/EIR request (it need not, policy 18.5, but when it does it is one)."""
    subject = msg.subject if not is_reply(msg) else ""
    return bool(_FRAMED.search(letter.text) or _SUBJECT_FRAMED.search(subject))


class GeneralEnquiry(Rule):
    name = "general_enquiry"
    description = "Routine business that asks for no recorded information is not FOI (policy 2.6)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind != "foi_request" or triage.subject_access or framed_as_request(msg, letter):
            return
        # A vague ask is still an ask: an invalid request to clarify, not routine business.
        if not triage.description and not first_match(self.lexicon.regex("vague_asks.txt"), letter.text):
            triage.kind = "general_enquiry"
            triage.because(self.name, "asks for no recorded information", msg.subject or "(no subject)")
            return
        text = f"{msg.subject}\n{letter.text}"
        routine = (first_match(self.lexicon.regex("navigation_phrases.txt"), text)
                   or first_match(self.lexicon.regex("routine_phrases.txt"), text))
        asks = self.lexicon.pattern("request_phrases.txt").search(letter.text)
        # A short routine question ("can you tell me which chemists are open?") is still routine.
        if routine and not triage.questions and (not asks or len(letter.text.split()) < 60):
            triage.kind = "general_enquiry"
            triage.because(self.name, "routine business", routine)

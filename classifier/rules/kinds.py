"""What kind of message a person wrote: a new request, a reply on a case, a review, a re-use request."""

from __future__ import annotations

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import MessageKind

__all__ = ["CaseReference", "ClarificationReply", "FollowUp", "ForwardedByStaff", "GeneralEnquiry",
           "InternalReview", "ReuseRequest", "framed_as_request", "is_reply"]

REQUEST = frozenset({MessageKind.FOI_REQUEST})


class ForwardedByStaff(Rule):
    name = "forwarded_by_staff"
    description = "A request a member of staff forwarded: the original requester and date count (policy 5.10)."
    writes = ("original_received",)
    decides = ("forwarded",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if not letter.forwarded:
            return self.miss(f"not a forward from staff: from {msg.from_address}")
        return self.hit("forwarded by staff",
                        f"from {msg.from_address}; original from {letter.from_address or letter.from_name}"
                        f", sent {letter.original_date or 'on an unknown date'}",
                        original_received=letter.original_date)


class CaseReference(Rule):
    name = "case_reference"
    description = "Our case reference in the subject or text ties a message to its case record (policy 7.5)."
    writes = ("reference",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        m = ctx.reference.search(msg.subject) or ctx.reference.search(letter.text)
        if not m:
            return self.miss("no reference of ours in the subject or text")
        where = "subject" if ctx.reference.search(msg.subject) else "text"
        return self.hit("reference found", f"{where}: {m.group(0)}", reference=m.group(0))


def asks_something(text: str, lexicon: Lexicon) -> bool:
    return "?" in text or bool(lexicon.pattern("request_phrases.txt").search(text))


def makes_new_request(text: str, lexicon: Lexicon) -> bool:
    """In a reply on an old case, "could you also tell me…" is a fresh request, not a follow-up."""
    return bool(lexicon.regex("new_request_phrases.txt").search(text))


def is_reply(msg: ParsedMessage, lexicon: Lexicon) -> bool:
    return bool(msg.in_reply_to) or bool(lexicon.prefixes("reply_prefixes.txt").match(msg.subject.lower()))


def framed_as_request(msg: ParsedMessage, letter: Letter, lexicon: Lexicon) -> bool:
    """The writer calls it an FOI/EIR request (it need not, policy 18.5, but when it does it is one)."""
    subject = msg.subject if not is_reply(msg, lexicon) else ""
    return bool(lexicon.compiled("framed_request").search(letter.text)
                or lexicon.compiled("subject_framed").search(subject))


class PhraseRule(Rule):
    """A hit when a phrase of one lexicon file is in the subject or the letter."""

    phrases: str
    label: str

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        hit = first_match(self.lexicon.regex(self.phrases), f"{msg.subject}\n{letter.text}")
        return self.hit(self.label, hit) if hit else self.miss(f"no phrase of {self.phrases}")


class InternalReview(PhraseRule):
    name = "internal_review"
    description = "A complaint about how a request was handled asks for an internal review (s.45 Code; policy 17)."
    decides = ("kind",)
    phrases, label = "internal_review_phrases.txt", "internal review"


class ReuseRequest(PhraseRule):
    name = "reuse_request"
    description = "Asks to re-use information already released (RPSI Regulations 2015; policy 23)."
    applies_to = REQUEST
    decides = ("kind",)
    phrases, label = "reuse_phrases.txt", "re-use request"


class FollowUp(Rule):
    name = "follow_up"
    description = "A chaser, thank-you or withdrawal about an existing request is routine business (policy 2.6)."
    applies_to = REQUEST
    reads = ("questions",)
    decides = ("kind",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.questions or len(letter.text) > 1200 or makes_new_request(letter.text, self.lexicon):
            return self.miss("has questions, is long, or asks something new")
        hit = first_match(self.lexicon.regex("chaser_phrases.txt"), letter.text)
        if not hit and not asks_something(letter.text, self.lexicon):
            hit = first_match(self.lexicon.regex("thanks_phrases.txt"), letter.text.strip())
        if hit:
            return self.hit("follow-up on an existing request", hit)
        return self.miss("no chaser, thanks or withdrawal")


class ClarificationReply(Rule):
    name = "clarification_reply"
    description = "A reply on one of our cases that answers our question attaches to it (FOIA s.1(3))."
    applies_to = REQUEST
    reads = ("forwarded", "reference")
    decides = ("kind",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.forwarded or makes_new_request(letter.text, self.lexicon):
            return self.miss("forwarded by staff, or asks something new")
        strong = first_match(self.lexicon.regex("clarification_strong.txt"), letter.text)
        hit = strong or first_match(self.lexicon.regex("clarification_phrases.txt"), letter.text)
        if strong:
            return self.hit("clarification given", strong)
        if triage.reference and (is_reply(msg, self.lexicon) or hit):
            return self.hit("reply on a case",
                            f"reference {triage.reference}" + (f"; {hit}" if hit else " in a reply"))
        if hit and is_reply(msg, self.lexicon):
            return self.hit("clarification given", hit)
        return self.miss(f"clarifying phrase {hit!r} outside a reply" if hit else "no clarifying phrase")


class GeneralEnquiry(Rule):
    name = "general_enquiry"
    description = "Routine business that asks for no recorded information is not FOI (policy 2.6)."
    applies_to = REQUEST
    reads = ("subject_access", "description", "questions")
    decides = ("kind",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.subject_access or framed_as_request(msg, letter, self.lexicon):
            return self.miss("subject access, or framed as an FOI/EIR request")
        # A vague ask is still an ask: an invalid request to clarify, not routine business.
        if not triage.description and not first_match(self.lexicon.regex("vague_asks.txt"), letter.text):
            return self.hit("asks for no recorded information", msg.subject or "(no subject)")
        text = f"{msg.subject}\n{letter.text}"
        routine = (first_match(self.lexicon.regex("navigation_phrases.txt"), text)
                   or first_match(self.lexicon.regex("routine_phrases.txt"), text))
        asks = self.lexicon.pattern("request_phrases.txt").search(letter.text)
        # A short routine question ("can you tell me which chemists are open?") is still routine.
        if routine and not triage.questions and (not asks or len(letter.text.split()) < 60):
            return self.hit("routine business", routine)
        return self.miss("asks for recorded information")

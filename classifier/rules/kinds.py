"""What kind of message a person wrote: a new request, a reply on a case, a review, a re-use request."""

from __future__ import annotations

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty, MessageKind

__all__ = ["CaseReference", "ClarificationReply", "FollowUp", "ForwardedByStaff", "GeneralEnquiry",
           "InternalReview", "ReuseRequest", "framed_as_request", "is_reply", "replies_to_us"]

REQUEST = frozenset({MessageKind.FOI_REQUEST})
C = Certainty


def replies_to_us(msg: ParsedMessage, ctx: Context) -> str | None:
    """The Message-ID of one of our notices that this message answers (In-Reply-To or References), if any: our
    notices' ids end `.foi@` our own domain (responders/compose.py)."""
    domains = {a.rsplit("@", 1)[-1].lower() for a in ctx.own_addresses}
    for mid in (*msg.in_reply_to, *msg.references):
        local, _, domain = mid.strip("<> ").rpartition("@")
        if domain.lower() in domains and local.endswith(".foi"):
            return mid
    return None


def on_a_case(msg: ParsedMessage, triage: Triage, ctx: Context) -> str | None:
    """Why the message belongs to one of our cases by its structure: our reference, or a reply to our notice."""
    if triage.reference:
        return f"reference {triage.reference}"
    mid = replies_to_us(msg, ctx)
    return f"a reply to our notice {mid}" if mid else None


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
                        certainty=C.SURE, original_received=letter.original_date)


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
    plain: str | None = None  # a patterns.toml table: a phrase that says it outright is sure, not only likely
    partial: str | None = None  # a patterns.toml table: a phrase that only hints at it is weak

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        hit = first_match(self.lexicon.regex(self.phrases), f"{msg.subject}\n{letter.text}")
        if not hit:
            return self.miss(f"no phrase of {self.phrases}")
        text = f"{msg.subject}\n{letter.text}"
        if self.plain is not None and self.lexicon.compiled(self.plain).search(text):
            return self.hit(self.label, hit, certainty=C.SURE)
        partial = self.partial is not None and self.lexicon.compiled(self.partial).fullmatch(hit)
        return self.hit(self.label, hit, certainty=C.WEAK if partial else C.LIKELY)


class InternalReview(PhraseRule):
    name = "internal_review"
    description = "A complaint about how a request was handled asks for an internal review (s.45 Code; policy 17)."
    decides = ("kind",)
    phrases, label = "internal_review_phrases.txt", "internal review"
    plain = "internal_review_plain"
    # "You haven't answered question 3" alone may be a chaser or a clarification as much as a review: a person decides.
    partial = "internal_review_partial"


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
            case = on_a_case(msg, triage, ctx)
            return self.hit("follow-up on an existing request", f"{hit}; {case}" if case else hit,
                            certainty=C.SURE if case else C.LIKELY)
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
        case = on_a_case(msg, triage, ctx)
        if strong:
            return self.hit("clarification given", strong, certainty=C.SURE)
        titled = self.lexicon.compiled("clarification_subject").search(msg.subject)
        if titled:
            return self.hit("the subject says it clarifies", f"Subject: {msg.subject}")
        if case and (is_reply(msg, self.lexicon) or hit):
            return self.hit("reply on a case", case + (f"; {hit}" if hit else " in a reply"), certainty=C.SURE)
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
            return self.miss("subject access, or framed as an FOI/EIR request", certainty=C.SURE)
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
        action = self.lexicon.regex("action_asks.txt").search(letter.text)
        if action and not triage.questions and not self._asks_besides(letter.text, action.start(), action.end()):
            return self.hit("asks for an action, not for information", action.group(0))
        return self.miss("asks for recorded information", certainty=self._request_certainty(msg, letter, triage, ctx))

    def _asks_besides(self, text: str, start: int, end: int) -> bool:
        """Whether the letter asks for information anywhere but in the span of its request for an action."""
        rest = f"{text[:start]} {text[end:]}"
        return bool(self.lexicon.pattern("request_phrases.txt").search(rest) or "?" in rest)

    def _request_certainty(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Certainty:
        """How plainly a message no rule re-kinded is a new request: a reply on a case, or words that go back to an
        earlier exchange ("my original request", "you wrote"), make it doubtful unless it asks something new."""
        earlier = first_match(self.lexicon.regex("earlier_exchange.txt"), letter.text)
        if (on_a_case(msg, triage, ctx) or earlier) and not makes_new_request(letter.text, self.lexicon):
            return C.WEAK
        return C.LIKELY if triage.description else C.WEAK

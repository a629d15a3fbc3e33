"""Other bodies' acknowledgements that carry no Auto-Submitted header (issue 10): they must not open a case.

A reply-to-all or a copied request brings another body's acknowledgement into the FOI mailbox, often without any
automatic-reply header. It is known by what it says of itself, in the writer's own part (a quote or a forward
below it is not the writer's): a machine's statement ("This is an automated response", "Please do not reply to
this email") is sure; an organisation's receipt and its promise to answer ("Thank you for your email … will be
answered within twenty working days"), with nothing asked by the writer, is likely — and a person checks it
before it is filed (classifier/policy.py).
"""

from __future__ import annotations

from classifier.letter import Letter, strip_quoted
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty

__all__ = ["MachineAcknowledgement"]


class MachineAcknowledgement(Rule):
    name = "machine_acknowledgement"
    description = "Another body's acknowledgement with no automatic-reply header: never answered (RFC 3834)."
    decides = ("kind", "regime")

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        lex = self.lexicon
        if letter.relayed:
            return self.miss("a person's words relayed by a web form or gateway")
        # The writer's own words: no quote or forward below them, no footer or disclaimer after them.
        body = strip_quoted(f"{letter.layout.greeting}\n{letter.layout.body}", lex)
        statement = first_match(lex.regex("machine_statements.txt"), body)
        if statement:
            return self.hit("says a machine sent it", statement, certainty=Certainty.SURE)
        receipt = first_match(lex.regex("receipt_phrases.txt"), body)
        promise = first_match(lex.regex("response_promises.txt"), body)
        asks = first_match(lex.compiled("first_person_ask"), body) or first_match(lex.regex("chaser_phrases.txt"), body)
        if receipt and promise and not asks:
            return self.hit("an organisation's acknowledgement: received, and when it will answer",
                            f"{receipt} … {promise}", certainty=Certainty.LIKELY)
        if receipt and promise:
            return self.miss(f"acknowledgement wording, but the writer asks something: {asks}")
        return self.miss("no machine statement, or no receipt with a promise to answer")

"""Other people's personal data in a request: it stays FOI, and s.40(2) is for the DSP team."""

from __future__ import annotations

import re

from classifier.letter import Letter
from classifier.rules.base import Context, Rule, first_match
from classifier.rules.flags import negated_before, without_signature
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import MessageKind

__all__ = ["ThirdPartyPersonalData"]


class ThirdPartyPersonalData(Rule):
    name = "third_party_personal_data"
    description = "Asks for other people's personal data: stays FOI, s.40(2) for the DSP team (policy 24.3)."
    applies_to = frozenset({MessageKind.FOI_REQUEST, MessageKind.REUSE_REQUEST})
    reads = ("name", "questions", "subject_access")
    decides = ("third_party_personal_data",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        body = without_signature(letter.text, self.lexicon.pattern("sign_offs.txt"))
        text = f"{msg.subject}\n{self.lexicon.compiled('salutation').sub('', body)}"
        hit = first_match(self.lexicon.regex("third_party_phrases.txt"), text)
        # A sentence, or a paragraph (a list of names under a lead-in), names someone and asks about them.
        parts = [*self.lexicon.compiled("sentence_break").split(text), *re.split(r"\n\s*\n", text),
                 *([text] if triage.questions else [])]
        for part in parts:
            if hit:
                break
            hit = self._in_part(part, triage, ctx)
        if hit:
            return self.hit("others' personal data (s.40(2))", hit)
        return self.miss("names no one with something private about them")

    def _in_part(self, part: str, triage: Triage, ctx: Context) -> str | None:
        lex = self.lexicon
        own = (triage.name or "").lower()
        topic = lex.regex("personal_topics.txt").search(part)
        named = [n for n in lex.compiled("named_person").findall(part) if not own or own not in n.lower()]
        pairs = (set(lex.compiled("capitalised_pair").findall(part))
                 if topic and not named and not triage.subject_access else set())
        if pairs and len(part) < 600:
            # No title to go on: the statistical model (when installed) says which name is a person's.
            person_like = lex.compiled("person_like")
            named = [t for label, t in ctx.entities(part) if label == "PERSON" and t in pairs
                     and person_like.match(t) and (not own or own not in t.lower())]
        asked = lex.compiled("names_asked").search(part)
        if named and topic:
            return f"{named[0]} … {topic.group(0)}"
        if (asked and not negated_before(lex, part, asked.start())
                and (group := lex.regex("people_words.txt").search(part))
                and not lex.compiled("organisations").search(part)):
            return f"names of {group.group(0)}"
        return None

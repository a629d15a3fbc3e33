"""What was asked, restated once in the acknowledgement and the draft (policy 7.5), and a request written in Welsh.

The `questions` rule finds a numbered or bulleted list; this one also reads a request written as prose, or sent as
an attachment ("please see attached"), and keeps one language of a bilingual request: the Welsh Language Standards
need a reply in Welsh, not the questions listed twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule
from classifier.rules.flags import listed_questions, without_signature
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import MessageKind

__all__ = ["Asked", "Welsh", "is_welsh", "prose_questions"]

K = MessageKind
_MAX_QUESTIONS, _MAX_CHARS = 40, 500
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"'(\[]?[A-Z0-9ÂÊÎÔÛŴŶ])")
_WORDS = re.compile(r"[a-zâêîôûŵŷ']+")
# A short letter with an attachment points to it: the request is the attachment's text.
_SHORT_LETTER_WORDS = 60


@cache
def _welsh_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(words)


def _welsh_count(lexicon: Lexicon, text: str) -> tuple[int, int]:
    words = _WORDS.findall(text.lower())
    welsh = _welsh_words(lexicon.words("welsh_words.txt"))
    return sum(w in welsh for w in words), len(words)


def is_welsh(lexicon: Lexicon, text: str) -> bool:
    """Whether `text` is written in Welsh: several words English never uses, a fair share of all its words."""
    welsh, total = _welsh_count(lexicon, text)
    return welsh >= 3 and welsh >= 0.25 * total


def prose_questions(lexicon: Lexicon, text: str) -> list[str]:
    """The sentences of a letter that ask for something: a question, or a request ("Please provide ...")."""
    body = without_signature(text, lexicon.pattern("sign_offs.txt"))
    asks = lexicon.pattern("request_phrases.txt")
    not_asked = lexicon.regex("not_asked.txt")
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        for sentence in _SENTENCE_END.split(" ".join(paragraph.split())):
            if len(sentence.split()) < 4 or not_asked.search(sentence):
                continue
            if sentence.endswith("?") or asks.search(sentence):
                found.append(sentence[:_MAX_CHARS])
    return found[:_MAX_QUESTIONS]


def one_language(lexicon: Lexicon, questions: Sequence[str]) -> list[str]:
    """A bilingual request's questions once: the English when both are there, the Welsh when only Welsh is."""
    english = [q for q in questions if not is_welsh(lexicon, q)]
    return english or list(questions)


class Asked(Rule):
    name = "asked"
    description = "What was asked, from a list, prose or an attachment, once in one language (policy 7.5)."
    applies_to = frozenset({K.FOI_REQUEST})
    reads = ("questions",)
    writes = ("questions",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.questions:
            kept = one_language(self.lexicon, triage.questions)
            if len(kept) < len(triage.questions):
                return self.hit("questions listed once, in English", f"{len(kept)} of {len(triage.questions)}",
                                questions=kept)
            return self.miss(f"{len(kept)} questions listed")
        prose = one_language(self.lexicon, prose_questions(self.lexicon, letter.text))
        if len(letter.text.split()) < _SHORT_LETTER_WORDS or not prose:
            for attached in msg.attachment_texts:
                found = listed_questions(self.lexicon, attached)[1] or prose_questions(self.lexicon, attached)
                if found:
                    return self.hit("asked in an attachment", found[0], questions=one_language(self.lexicon, found))
        if prose:
            return self.hit(f"{len(prose)} asked in prose", prose[0], questions=prose)
        return self.miss("nothing asked in a list, in prose or in an attachment")


class Welsh(Rule):
    name = "welsh"
    description = "Written in Welsh, in whole or in part: the reply is in Welsh (Welsh Language Standards)."
    applies_to = frozenset({K.FOI_REQUEST, K.INTERNAL_REVIEW, K.REUSE_REQUEST, K.CLARIFICATION_REPLY})
    decides = ("welsh",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        # A Welsh greeting or sign-off ("Bore da", "Diolch") in an English letter is courtesy, not the language
        # of the request: only a sentence of some length counts.
        body = without_signature(letter.text, self.lexicon.pattern("sign_offs.txt"))
        if _welsh_count(self.lexicon, f"{msg.subject}\n{body}")[0] < 3:
            return self.miss("no sentence in Welsh")  # most mail: not one Welsh word to weigh
        for paragraph in (msg.subject, *re.split(r"\n\s*\n", body)):
            for sentence in _SENTENCE_END.split(" ".join(paragraph.split())):
                if len(sentence.split()) >= 5 and is_welsh(self.lexicon, sentence):
                    return self.hit("written in Welsh", sentence[:80])
        return self.miss("no sentence in Welsh")

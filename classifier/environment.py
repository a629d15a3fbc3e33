"""Which of a request's questions ask for environmental information (EIR reg 2(1)), for the regime and the draft.

A question is environmental when it names an environmental matter, when the request's opening (before the list)
is about one — the questions then ask about that measure or site (reg 2(1)(c)) and its costs (reg 2(1)(e)) — or
when it goes on about the thing the environmental question before it named ("The contract start and end dates").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from classifier.lexicon import Lexicon

__all__ = ["environmental_questions", "preamble"]

_WORD = re.compile(r"[a-z]{4,}")


def preamble(text: str, questions: Sequence[str]) -> str:
    """The letter before its first question: what the request is about."""
    if not questions:
        return ""
    # The question may have been joined from wrapped lines: match its first words across any whitespace.
    first = r"\s+".join(map(re.escape, questions[0].split()[:6]))
    at = re.search(first, text) if first else None
    return text[:at.start()] if at else ""


def _names_environment(lexicon: Lexicon, text: str) -> bool:
    # Citing the Regulations ("Under FOI/EIR please provide") says which law, not what the request is about.
    cites = lexicon.compiled("cites_eir")
    return any(not cites.fullmatch(m.group(0)) for m in lexicon.regex("environmental_terms.txt").finditer(text))


def _continues(lexicon: Lexicon, question: str, before: str) -> bool:
    head = lexicon.compiled("continuing_question").match(question.strip())
    if head is None or head.group(1).lower() in lexicon.words("question_heads.txt"):
        return False
    word = head.group(1).lower()
    return any(w.startswith(word) or word.startswith(w) for w in _WORD.findall(before.lower()))


def environmental_questions(lexicon: Lexicon, questions: Sequence[str], opening: str = "") -> list[bool]:
    """For each question, whether it asks for environmental information."""
    if _names_environment(lexicon, opening):
        return [True] * len(questions)
    found: list[bool] = []
    for i, question in enumerate(questions):
        env = _names_environment(lexicon, question)
        found.append(env or (i > 0 and found[-1] and _continues(lexicon, question, questions[i - 1])))
    return found

"""Flags the DSP team routes by: subject access, environmental, media, questions, the regime."""

from __future__ import annotations

import re

from classifier.environment import environmental_questions, preamble
from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty, MessageKind, Regime

__all__ = ["Environmental", "MediaRequest", "Questions", "RegimeRule", "SubjectAccess", "list_items",
           "listed_questions", "negated_before", "without_signature"]

K = MessageKind
C = Certainty
_REQUEST_LIKE = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST})


def without_signature(text: str, sign_off: re.Pattern[str]) -> str:
    """The letter without its sign-off and what follows (name, title, outlet, address)."""
    lines = text.rstrip().splitlines()
    for i in range(len(lines) - 1, max(len(lines) - 12, 0) - 1, -1):
        line = lines[i].strip().rstrip(",.!")
        if line and sign_off.match(line) and len(line.split()) <= 6:
            return "\n".join(lines[:i])
    # No sign-off: drop a last line that is only a name.
    return "\n".join(lines[:-1]) if len(lines) > 1 and len(lines[-1].split()) <= 4 else text


def negated_before(lexicon: Lexicon, text: str, start: int) -> bool:
    """Whether the 40 characters before `start` deny what follows ("I'm not asking about me")."""
    return bool(lexicon.compiled("negated").search(text[max(0, start - 40):start]))


class SubjectAccess(Rule):
    name = "subject_access"
    description = "Asks for the requester's own personal data: data protection, not FOI (policy 2.6, 24.2)."
    # A chaser, a clarification or a complaint about one's own data is the data protection team's too.
    applies_to = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST, K.INTERNAL_REVIEW, K.CLARIFICATION_REPLY,
                            K.GENERAL_ENQUIRY})
    decides = ("subject_access",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        text = f"{msg.subject}\n{letter.text}"
        third = first_match(self.lexicon.regex("third_party_phrases.txt"), text)
        for m in self.lexicon.regex("subject_access_phrases.txt").finditer(text):
            # "my late mother's records" is someone else's data (Access to Health Records Act).
            if third and m.group(0).lower() in third.lower():
                continue
            if negated_before(self.lexicon, text, m.start()) and not self._not_given(text, m.start()):
                continue  # "I'm not asking about me specifically", "I don't need any information about me"
            if self._as_a_topic(text, m.start(), m.end()):
                continue  # "how many subject access requests did you receive?": statistics, not the writer's data
            plain = self.lexicon.compiled("subject_access_plain").search(m.group(0))
            return self.hit("own personal data", m.group(0), certainty=C.SURE if plain else C.LIKELY)
        hint = next((h for h in self.lexicon.regex("subject_access_hints.txt").finditer(text)
                     if not negated_before(self.lexicon, text, h.start())
                     and not (third and h.group(0).lower() in third.lower())), None)
        if hint:
            return self.miss(f"only a hint of the writer's own data: {hint.group(0)}", certainty=C.WEAK)
        return self.miss("no request for the writer's own data")

    def _as_a_topic(self, text: str, start: int, end: int) -> bool:
        """Subject access requests counted or discussed ("the number of SARs", "subject access requests received")."""
        lex = self.lexicon
        if not lex.compiled("names_the_right").match(text[start:end]):
            return False  # "how many times my records were opened" is still about the writer's own data
        return bool(lex.compiled("counted_before").search(text[max(0, start - 60):start])
                    or lex.compiled("plural_after").match(text[end:end + 40]))

    def _not_given(self, text: str, start: int) -> bool:
        """"You have not provided my own correspondence": a complaint that it was withheld, still a request for it."""
        return bool(self.lexicon.compiled("not_provided").search(text[max(0, start - 40):start]))


class Environmental(Rule):
    name = "environmental"
    description = "Environmental information (EIR reg 2(1)): air, water, land, emissions, waste, energy, works."
    applies_to = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST, K.INTERNAL_REVIEW})
    decides = ("eir",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        hits = {m.group(0).lower() for m in self.lexicon.regex("environmental_terms.txt").finditer(
            f"{msg.subject}\n{letter.text}")}
        if hits:
            cited = any(self.lexicon.compiled("cites_eir").fullmatch(h) for h in hits)
            return self.hit("environmental information", ", ".join(sorted(hits)[:5]),
                            certainty=C.SURE if cited or len(hits) > 1 else C.LIKELY)
        return self.miss("no environmental term")


def _domain_is_news(domain: str, exact: tuple[str, ...], words: tuple[str, ...]) -> str | None:
    for d in exact:
        if domain == d or domain.endswith("." + d):
            return d
    stem = domain.split(".")[0] if domain.count(".") <= 2 else ".".join(domain.split(".")[:-2])
    for w in words:
        if w in stem.replace("-", ""):
            return w
    return None


class MediaRequest(Rule):
    name = "media_request"
    description = "From a journalist or news outlet: copy to Communications (policy 7.6, 18.2)."
    applies_to = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST, K.INTERNAL_REVIEW, K.CLARIFICATION_REPLY,
                            K.GENERAL_ENQUIRY})
    writes = ("media_outlet",)
    decides = ("media",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        domain = letter.from_address.rsplit("@", 1)[-1]
        outlet = _domain_is_news(domain, self.lexicon.words("news_domains.txt"),
                                 self.lexicon.words("news_domain_words.txt"))
        if outlet:
            return self.hit("news outlet", f"sender domain {domain} ({outlet})", certainty=C.SURE,
                            media_outlet=domain)
        sign_off = self.lexicon.pattern("sign_offs.txt")
        # The signature block by its shape (classifier/layout.py), or what follows the sign-off.
        signature = letter.layout.signature_text or letter.text[len(without_signature(letter.text, sign_off)):]
        denied = self.lexicon.compiled("media_denied")
        for where, pattern, decision in ((signature, "media_titles.txt", "journalist's title in the signature"),
                                         (letter.text, "media_phrases.txt", "writes as a journalist")):
            for m in self.lexicon.pattern(pattern).finditer(where):
                # "I'm not a journalist", "retired reporter": a person, not the press.
                if not denied.search(where[max(0, m.start() - 25):m.start()]):
                    return self.hit(decision, m.group(0), certainty=C.SURE)
        outlet_line = self._outlet_in_signature(letter.layout.signature[1:])
        if outlet_line:
            return self.hit("an outlet under the name in the signature", outlet_line)
        return self.miss(f"no news domain or journalist's title (sender domain {domain})")

    def _outlet_in_signature(self, lines: tuple[str, ...]) -> str | None:
        """A line under the signed name that names a broadcaster, a paper or a production company ("Radio Kent",
        "Hatch Films Ltd", "The Northern Echo"): written as a name, capitalised, not a sentence."""
        outlets = self.lexicon.pattern("media_outlets.txt")
        for line in lines:
            words = [w for w in re.split(r"[\s|,/–-]+", line) if w]
            if not words or len(words) > 7 or "@" in line:
                continue
            m = outlets.search(line)
            if m and m.group(0)[:1].isupper():  # "Radio Kent", "BBC": a name, not "a radio interview"
                return line
        return None


def list_items(pattern: re.Pattern[str], text: str) -> list[str]:
    out: list[str] = []
    starts = {m.start(): m.group(1) for m in pattern.finditer(text)}
    offset = 0
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if offset in starts:
            if current is not None:
                out.append(" ".join(current))
            current = [starts[offset].strip()]
        # A wrapped line continues the item; a blank line or a new paragraph ends it.
        elif current is not None and stripped and (line[:1].isspace() or not stripped[0].isupper()):
            current.append(stripped)
        elif current is not None:
            out.append(" ".join(current))
            current = None
        offset += len(line) + 1
    if current is not None:
        out.append(" ".join(current))
    return out


def listed_questions(lexicon: Lexicon, text: str) -> tuple[str, list[str]]:
    """The first numbered, bulleted or lettered list of `text` (one numbered item is a list), and its kind."""
    for key, label in (("numbered_item", "numbered"), ("bullet_item", "bulleted"), ("lettered_item", "lettered")):
        items = list_items(lexicon.compiled(key), text)
        if len(items) >= 2 or (items and label == "numbered"):
            return label, [q[:500] for q in items[:40]]
    return "", []


class Questions(Rule):
    name = "questions"
    description = "The numbered or bulleted questions of a request, restated one by one in the response (policy 7.5)."
    applies_to = frozenset({K.FOI_REQUEST, K.REUSE_REQUEST, K.INTERNAL_REVIEW, K.CLARIFICATION_REPLY})
    writes = ("questions",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        label, items = listed_questions(self.lexicon, letter.text)
        if items:
            return self.hit(f"{len(items)} {label} questions", items[0], questions=items)
        return self.miss("no numbered, bulleted or lettered list")


class RegimeRule(Rule):
    name = "regime"
    description = "FOI, EIR, both (policy 2.8) or subject access (24.2), from the flags."
    reads = ("kind", "subject_access", "eir", "questions")
    writes = ("regime",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.kind in (K.CLARIFICATION_REPLY, K.GENERAL_ENQUIRY, K.REUSE_REQUEST):
            # Replies and routine business have no regime of their own; RPSI 2015 is neither FOI nor EIR.
            return self.miss(f"no regime for a {triage.kind}", regime=None)
        regime: Regime | None
        if triage.subject_access and triage.kind == K.FOI_REQUEST:
            regime, evidence = Regime.SAR, "own personal data"
        elif triage.eir:
            env = environmental_questions(self.lexicon, triage.questions, preamble(letter.text, triage.questions))
            regime = Regime.FOI_EIR if triage.questions and not all(env) else Regime.EIR
            evidence = "environmental and other questions" if regime == Regime.FOI_EIR else "environmental information"
        else:
            cites = self.lexicon.compiled("cites_foi").search(letter.text)
            regime = Regime.FOI if triage.kind == K.FOI_REQUEST or cites else None
            evidence = "recorded information"
        return self.hit(f"regime {regime}", evidence, regime=regime)

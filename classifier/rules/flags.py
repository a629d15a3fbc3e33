"""Flags the DSP team routes by: subject access, environmental, media, others' personal data, questions."""

from __future__ import annotations

import re

from classifier.letter import Letter
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Triage
from intake.mailbox.parse import ParsedMessage

# A top-level item: "1.", "1)", "(1)", "Q1", "a)", "-", "*", "•".
_NUMBERED = re.compile(r"^[ \t]{0,3}(?:\(?\d{1,2}[.):]|Q\d{1,2}[.):]?)[ \t]+(\S.*)$", re.M | re.I)
_LETTERED = re.compile(r"^[ \t]{0,3}\(?[a-hA-H][.)][ \t]+(\S.*)$", re.M)
_BULLET = re.compile(r"^[ \t]{0,3}[-*•·–][ \t]+(\S.*)$", re.M)


def without_signature(text: str, sign_off: re.Pattern[str]) -> str:
    """The letter without its sign-off and what follows (name, title, outlet, address)."""
    lines = text.rstrip().splitlines()
    for i in range(len(lines) - 1, max(len(lines) - 12, 0) - 1, -1):
        line = lines[i].strip().rstrip(",.!")
        if line and sign_off.match(line) and len(line.split()) <= 6:
            return "\n".join(lines[:i])
    # No sign-off: drop a last line that is only a name.
    return "\n".join(lines[:-1]) if len(lines) > 1 and len(lines[-1].split()) <= 4 else text


def signature_lines(text: str, count: int = 8) -> list[str]:
    """The last non-empty lines of a letter, where names, titles and outlets are signed."""
    return [line.strip() for line in text.splitlines() if line.strip()][-count:]


class SubjectAccess(Rule):
    name = "subject_access"
    description = "Asks for the requester's own personal data: data protection, not FOI (policy 2.6, 24.2)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request"):
            return
        text = f"{msg.subject}\n{letter.text}"
        third = first_match(self.lexicon.regex("third_party_phrases.txt"), text)
        for m in self.lexicon.regex("subject_access_phrases.txt").finditer(text):
            # "my late mother's records" is someone else's data (Access to Health Records Act).
            if third and m.group(0).lower() in third.lower():
                continue
            if NEGATED.search(text[max(0, m.start() - 40):m.start()]):
                continue  # "I'm not asking about me specifically", "I don't need any information about me"
            triage.subject_access = True
            triage.because(self.name, "own personal data", m.group(0))
            return


class Environmental(Rule):
    name = "environmental"
    description = "Environmental information (EIR reg 2(1)): air, water, land, emissions, waste, energy, works."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request", "internal_review"):
            return
        hits = {m.group(0).lower() for m in self.lexicon.regex("environmental_terms.txt").finditer(
            f"{msg.subject}\n{letter.text}")}
        if hits:
            triage.eir = True
            triage.because(self.name, "environmental information", ", ".join(sorted(hits)[:5]))


# Just before a phrase, these take it back: "not a journalist", "no longer a reporter", "retired editor".
_DENIED = re.compile(r"(?:\bnot|n't|\bno longer|\bnever|\bformer|\bretired|\bex-?)\s*(?:an?\s+)?(?:\w+\s+)?$", re.I)
# Before a personal-data phrase, these deny it: "I'm not asking about me", "I don't need any information".
NEGATED = re.compile(r"(?:\bnot|n't|\bno|\bnever|\bwithout)\b[^.?!\n]{0,25}$", re.I)


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

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request", "internal_review", "clarification_reply",
                               "general_enquiry"):
            return
        domain = letter.from_address.rsplit("@", 1)[-1]
        outlet = _domain_is_news(domain, self.lexicon.words("news_domains.txt"),
                                 self.lexicon.words("news_domain_words.txt"))
        if outlet:
            triage.media, triage.media_outlet = True, domain
            triage.because(self.name, "news outlet", f"sender domain {domain} ({outlet})")
            return
        sign_off = self.lexicon.pattern("sign_offs.txt")
        signature = letter.text[len(without_signature(letter.text, sign_off)):]
        for where, pattern, decision in ((signature, "media_titles.txt", "journalist's title in the signature"),
                                         (letter.text, "media_phrases.txt", "writes as a journalist")):
            for m in self.lexicon.pattern(pattern).finditer(where):
                # "I'm not a journalist", "retired reporter": a person, not the press.
                if not _DENIED.search(where[max(0, m.start() - 25):m.start()]):
                    triage.media = True
                    triage.because(self.name, decision, m.group(0))
                    return


# A named person: a title and a name ("Dr Marian Ellis", "Mrs Pryor"), or a relative named in full.
_NAMED_PERSON = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Cllr|Councillor|Sir|Dame|Nurse)\.?\s+[A-Z][\w'’-]+"
    r"(?:\s+[A-Z][\w'’-]+)?"
    r"|\b(?i:my|his|her) (?:ex-partner|ex-wife|ex-husband|father|mother|dad|mum|brother|sister|"
    r"neighbour|partner|wife|husband|grandmother|grandfather),?\s+[A-Z][\w'’-]+\s+[A-Z][\w'’-]+")
# The model sometimes calls a street or a postcode a PERSON: two or three plain words, no place words.
_PERSON_LIKE = re.compile(r"^(?![^\n]*\b(?:Lane|Road|Street|Close|Drive|Avenue|Way|House|Park|Court|Place|Terrace|"
                          r"Hospital|Surgery|Centre|Clinic|Ward|Unit)\b)[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2}$")
# "Dear Ms Desai": the person written to, not the subject of the request.
_SALUTATION = re.compile(r"^\s*(?:dear|hi|hello|to)\b[^\n]*$", re.I | re.M)
# A capitalised pair inside a sentence ("… that Fiona Darke, who was …"): worth asking the model about.
_CAPITALISED_PAIR = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z'’-]+ [A-Z][a-z'’-]+")
_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n\s*\n")
_NAMES_ASKED = re.compile(r"\bnames\b|\b(?:their|his|her|the|with|and) (?:full )?name\b", re.I)
_ORGS = re.compile(r"\b(?:compan(?:y|ies)|suppliers?|firms?|providers?|practices?|organisations?|contractors? "
                   r"used|agencies|charities|trusts|hospitals|pharmacies)\b", re.I)


class ThirdPartyPersonalData(Rule):
    name = "third_party_personal_data"
    description = "Asks for other people's personal data: stays FOI, s.40(2) for the DSP team (policy 24.3)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request"):
            return
        body = without_signature(letter.text, self.lexicon.pattern("sign_offs.txt"))
        text = f"{msg.subject}\n{_SALUTATION.sub('', body)}"
        hit = first_match(self.lexicon.regex("third_party_phrases.txt"), text)
        topics, people = self.lexicon.regex("personal_topics.txt"), self.lexicon.regex("people_words.txt")
        own = (triage.name or "").lower()
        # A sentence, or a paragraph (a list of names under a lead-in), names someone and asks about them.
        parts = [*_SENTENCE.split(text), *re.split(r"\n\s*\n", text), *([text] if triage.questions else [])]
        for part in parts:
            if hit:
                break
            topic = topics.search(part)
            named = [n for n in _NAMED_PERSON.findall(part) if not own or own not in n.lower()]
            pairs = set(_CAPITALISED_PAIR.findall(part)) if topic and not named and not triage.subject_access else set()
            if pairs and len(part) < 600:
                # No title to go on: the statistical model (when installed) says which name is a person's.
                named = [t for label, t in ctx.entities(part) if label == "PERSON" and t in pairs
                         and _PERSON_LIKE.match(t) and (not own or own not in t.lower())]
            asked = _NAMES_ASKED.search(part)
            if named and topic:
                hit = f"{named[0]} … {topic.group(0)}"
            elif (asked and not NEGATED.search(part[max(0, asked.start() - 40):asked.start()])
                  and (group := people.search(part)) and not _ORGS.search(part)):
                hit = f"names of {group.group(0)}"
        if hit:
            triage.third_party_personal_data = True
            triage.because(self.name, "others' personal data (s.40(2))", hit)


def _items(pattern: re.Pattern[str], text: str) -> list[str]:
    out: list[str] = []
    lines = text.splitlines()
    starts = {m.start(): m.group(1) for m in pattern.finditer(text)}
    offset = 0
    current: list[str] | None = None
    for line in lines:
        if offset in starts:
            if current is not None:
                out.append(" ".join(current))
            current = [starts[offset].strip()]
        elif current is not None:
            stripped = line.strip()
            # A wrapped line continues the item; a blank line or a new paragraph ends it.
            if (stripped and line[:1].isspace()) or (stripped and not stripped[0].isupper() and current):
                current.append(stripped)
            else:
                out.append(" ".join(current))
                current = None
        offset += len(line) + 1
    if current is not None:
        out.append(" ".join(current))
    return out


class Questions(Rule):
    name = "questions"
    description = "The numbered or bulleted questions of a request, restated one by one in the response."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request", "internal_review", "clarification_reply"):
            return
        for pattern, label in ((_NUMBERED, "numbered"), (_BULLET, "bulleted"), (_LETTERED, "lettered")):
            items = _items(pattern, letter.text)
            if len(items) >= 2 or (items and label == "numbered"):
                triage.questions = [q[:500] for q in items[:40]]
                triage.because(self.name, f"{len(items)} {label} questions", items[0])
                return


class Regime(Rule):
    name = "regime"
    description = "FOI, EIR, both (policy 2.8) or subject access (24.2), from the flags."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind in ("clarification_reply", "general_enquiry"):
            triage.regime = None
            return
        if triage.kind == "reuse_request":
            triage.regime = None  # RPSI 2015 is neither FOI nor EIR
            return
        if triage.subject_access and triage.kind == "foi_request":
            triage.regime = "sar"
        elif triage.eir:
            env = self.lexicon.regex("environmental_terms.txt")
            other = [q for q in triage.questions if not env.search(q)]
            triage.regime = "foi+eir" if triage.questions and other else "eir"
        else:
            triage.regime = "foi" if triage.kind == "foi_request" or _cites_foi(letter.text) else None
        triage.because(self.name, f"regime {triage.regime}",
                       "own personal data" if triage.regime == "sar" else
                       "environmental and other questions" if triage.regime == "foi+eir" else
                       "environmental information" if triage.regime == "eir" else "recorded information")


def _cites_foi(text: str) -> bool:
    return bool(re.search(r"freedom of information|\bfoi\b|section \d+|s\.\s?\d+", text, re.I))

"""Validity of a request (FOIA s.8(1); policy 7.1): real name, address for correspondence, description."""

from __future__ import annotations

import re
from collections.abc import Iterator

from classifier.letter import Letter
from classifier.rules.base import Context, Rule, first_match
from classifier.rules.flags import signature_lines
from classifier.triage import Triage
from intake.mailbox.parse import ParsedMessage

_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|miss|mx|prof|professor|cllr|councillor|rev|sir|dame|lord|lady)\.?\s+",
                     re.I)
# A capitalised word in any script ("Siân", "O'Connor", "Nguyễn"), or an initial ("J.", "J").
_WORD = re.compile(r"^[^\W\d_][^\W\d_'’\-.]*(?:['’\-][^\W\d_]+)*\.?$")
_HANDLE = re.compile(r"[\d_@]|^[a-z]+$|^[a-z]+[A-Z]|[A-Z]{2,}[a-z]+[A-Z]")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b")
_SOCIAL = re.compile(r"(?:twitter|x\.com|instagram|facebook|bluesky|mastodon|threads)\b[^\n]{0,40}?(@\w{2,})"
                     r"|(?<![\w.])@([A-Za-z]\w{1,30})\b(?!\.)", re.I)
# A solicitor or advocate writing for someone: the applicant is the person they act for.
_ON_BEHALF = re.compile(r"(?i:our client|my client|on behalf of|acting for|we act for)[:\s]+"
                        r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?[ \t]+)?([A-Z][\w'’-]+(?:[ \t]+[A-Z][\w'’-]+){1,3})")
_MY_NAME = re.compile(r"\bmy (?:full |real |legal |actual |proper )?name is ([^\W\d_][^\n,.;]{2,60})", re.I)


def entity_window(text: str) -> str:
    """The lines where a person signs: what the statistical model reads for a PERSON."""
    return "\n".join(signature_lines(text, 6))


def name_without_model(letter: Letter, sign_off: re.Pattern[str]) -> bool:
    """Whether the From name or the sign-off already gives a full name (no model needed)."""
    return is_full_name(letter.from_name) or is_full_name(sign_off_name(letter.text, sign_off) or "")


def strip_title(name: str) -> str:
    name = re.split(r"\s+(?:\||-|–|—|/)\s+|\s+\(", name.strip().strip("\"'"))[0]  # "Josh Penrose | Cloudline"
    name = _TITLES.sub("", name).strip()
    if name.isupper() and len(name) > 3:  # "DAVE MCKENZIE"
        name = " ".join(w.capitalize() if not w.startswith("MC") else "Mc" + w[2:].capitalize() for w in name.split())
    # Outlook's "Surname, Forename" becomes "Forename Surname".
    parts = [p.strip() for p in name.split(",")]
    return f"{parts[1]} {parts[0]}" if len(parts) == 2 and all(parts) and " " not in parts[0] else name


_NOT_NAMES = frozenset(("the", "you", "very", "much", "for", "again", "in", "advance", "all", "so", "a", "lot",
                        "and", "your", "time", "help", "best", "regards"))


def lowercase_name(text: str) -> str | None:
    """A signed name typed in lower case ("thanks pat mcgrath"), title-cased; None if it is not one."""
    words = text.split()
    if 2 <= len(words) <= 3 and all(w.isalpha() and w.islower() and w not in _NOT_NAMES for w in words):
        return " ".join(w.capitalize() if not w.startswith("mc") else "Mc" + w[2:].capitalize() for w in words)
    return None


def is_full_name(text: str) -> bool:
    """A person's name with a surname, or an organisation's name: two to six capitalised words."""
    words = strip_title(text).replace(",", " ").split()
    if not 2 <= len(words) <= 6:
        return False
    if not all(_WORD.match(w) and (w[0].isupper() or w.lower() in ("de", "van", "von", "da", "al", "bin", "ap"))
               for w in words):
        return False
    return len(words[-1].strip(".")) >= 2  # "Chris R" gives no surname


def looks_like_handle(text: str) -> bool:
    return bool(text) and " " not in text.strip() and bool(_HANDLE.search(text.strip()))


_INLINE_SIGN_OFF = re.compile(r"\b(?:thanks|thank you|regards|cheers|best wishes|diolch)[,.!]?\s+"
                              r"([^\W\d_][\w'’-]+(?:\s+[^\W\d_][\w'’-]+){1,2})\s*[.!]?$", re.I)


def sign_off_name(text: str, sign_off: re.Pattern[str]) -> str | None:
    """The line after the last sign-off phrase ("Kind regards,\\nJo Bloggs"), or on the same line."""
    lines = [line.strip() for line in text.splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    inline = _INLINE_SIGN_OFF.search(last)
    if inline and len(last.split()) > 4:  # "…for my appeal. thanks pat mcgrath"
        return inline.group(1)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].rstrip(",.!")
        m = sign_off.match(line)
        if not m or len(line.split()) > 6:
            continue
        rest = line[m.end():].strip(" ,.-")
        if rest:
            return rest
        following = [f.strip(" ,.") for f in lines[i + 1:i + 5] if f][:2]
        # "Josh" then "Josh Penrose": the full form wins.
        return next((f for f in following if is_full_name(f)), following[0] if following else None)
    return None


class RequesterName(Rule):
    name = "requester_name"
    description = "The applicant's real name: From display name, sign-off, 'my name is', or a PERSON entity."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        pseudonyms = self.lexicon.words("pseudonyms.txt")
        jokes = self.lexicon.words("suspect_names.txt")

        def pseudonym(name: str) -> bool:
            forms = {re.sub(r"^(?:a|an|the)\s+", "", n.lower()).strip(" .") for n in (name, strip_title(name))}
            forms |= {re.sub(r"\s+[a-z]\.?(?=\s)", "", f) for f in forms}  # "Homer J. Simpson"
            return any(n in pseudonyms or n.startswith(("concerned ", "worried ", "angry ", "frustrated "))
                       for n in forms)

        signed = sign_off_name(letter.text, self.lexicon.pattern("sign_offs.txt"))
        stated = _MY_NAME.search(letter.text)
        behalf = _ON_BEHALF.search(f"{msg.subject}\n{letter.text}")
        if signed and not is_full_name(signed):
            signed = lowercase_name(signed) or signed
        display = ("from_display", letter.from_name)
        signature = ("sign_off", signed or "")
        # A person who signs for an organisation ("Eco Watch" <info@…>, signed "Daniel Price") is the applicant.
        org_words = set(self.lexicon.words("organisation_words.txt"))
        person_first = bool(set(letter.from_name.lower().split()) & org_words) and is_full_name(signed or "")
        candidates = [("on_behalf_of", behalf.group(1) if behalf else ""),
                      *((signature, display) if person_first else (display, signature)),
                      ("body", stated.group(1).strip() if stated else "")]

        def with_entities() -> Iterator[tuple[str, str]]:
            yield from candidates
            # Only when the cheap places give no name does the statistical model read the signature.
            for label, text in ctx.entities(entity_window(letter.text)):
                if label == "PERSON":
                    yield ("entity", text)

        for source, candidate in with_entities():
            if pseudonym(candidate):
                triage.name_suspect = True
                triage.because(self.name, "pseudonym", f"{source}: {candidate}")
                continue
            if is_full_name(candidate):
                triage.name, triage.name_source = strip_title(candidate), source
                # A real name given later (a clarification, a sign-off) outweighs a joke display name.
                triage.name_suspect = strip_title(candidate).lower() in jokes
                if triage.name_suspect:
                    triage.because(self.name, "name may be a joke: a person should look", candidate)
                triage.because(self.name, "name found", f"{source}: {candidate}")
                return
        if looks_like_handle(letter.from_name):
            triage.name_suspect = True
            triage.because(self.name, "handle, not a name", f"From: {letter.from_name}")
        triage.because(self.name, "no real name",
                       f"From {letter.from_name or letter.from_address!r}; signed {signed!r}")


class CorrespondenceAddress(Rule):
    name = "correspondence_address"
    description = "An address for correspondence: email, postal address or a social handle (s.8(1)(b))."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        postcode = _POSTCODE.search(letter.text)
        if postcode:
            lines = letter.text[:postcode.end()].splitlines()[-4:]
            triage.postal_address = ", ".join(line.strip(" ,") for line in lines if line.strip())[-200:]
            triage.because(self.name, "postal address given", postcode.group(0))
        social = _SOCIAL.search("\n".join(signature_lines(letter.text)))
        if social:
            triage.social_handle = social.group(1) or f"@{social.group(2)}"
            triage.because(self.name, "social media handle given", triage.social_handle)
        address = msg.reply_to if msg.reply_to and not letter.forwarded else letter.from_address
        if address and "@" in address and not (letter.relayed and address == msg.from_address):
            triage.address = address
            triage.because(self.name, "email address", address)
        elif triage.postal_address:
            triage.address = triage.postal_address
        elif triage.social_handle:
            triage.address = triage.social_handle
        else:
            triage.because(self.name, "no address", "no email, postal address or handle to reply to")


class Description(Rule):
    name = "description"
    description = "The message asks for recorded information and says which (s.8(1)(c))."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        vague = self.lexicon.regex("vague_asks.txt")
        vague_hit = first_match(vague, letter.text)
        # The Act's own name is not a description of anything.
        text = re.sub(r"freedom of information|environmental information", " ", vague.sub(" ", letter.text),
                      flags=re.I)
        asked = self.lexicon.pattern("request_phrases.txt").search(text)
        # A bare question describes information only when it names some ("how many…?", "…policy?");
        # a question may be written without its mark ("What estimate the department has made of…").
        ask = asked or re.search(r"[^\s?]\s*\?|(?:^|[.!]\s+)(?:what|how|which|when|whether|who)\b", text,
                                 re.I | re.M)
        # After a vague ask ("send me the stuff"), a request verb alone names nothing.
        thing = (asked if not vague_hit else None) or self.lexicon.regex("information_objects.txt").search(text)
        pointed = triage.reference or first_match(self.lexicon.regex("identified_information.txt"), text)
        if triage.questions:
            triage.description = True
            triage.because(self.name, "information described", f"{len(triage.questions)} questions")
        elif pointed:
            triage.description = True
            triage.because(self.name, "information identified", pointed)
        elif msg.attachments and len(letter.text.split()) < 40:
            # "Please see attached": the request is in the attachment, which a person reads.
            triage.description = True
            triage.because(self.name, "request in an attachment: a person should read it",
                           ", ".join(a for a in msg.attachments if a)[:200] or "attachment")
        elif ask and thing:
            triage.description = True
            triage.because(self.name, "information described",
                           ask.group(0) if ask is thing else f"{ask.group(0)} … {thing.group(0)}")
        else:
            triage.description = False
            triage.because(self.name, "no description",
                           f"too vague: {vague_hit}" if vague_hit else
                           "names no recorded information" if ask else "asks for nothing")


class Validity(Rule):
    name = "validity"
    description = "A request is valid with a name, an address and a description (s.8; policy 7.1)."

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> None:
        if triage.kind not in ("foi_request", "reuse_request"):
            triage.valid, triage.missing = None, []
            return
        missing = [part for part, ok in (("name", triage.name), ("address", triage.address),
                                         ("description", triage.description)) if not ok]
        triage.missing, triage.valid = missing, not missing
        triage.because(self.name, "valid" if not missing else "invalid",
                       "name, address and description" if not missing else "missing: " + ", ".join(missing))

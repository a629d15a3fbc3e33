"""Validity of a request (FOIA s.8(1); policy 7.1): real name, address for correspondence, description."""

from __future__ import annotations

from collections.abc import Iterator

from classifier.layout import is_name_line
from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.names import Names, entity_window, signature_lines
from classifier.replyto import reply_to_refusal
from classifier.rules.base import Context, Rule, first_match
from classifier.triage import Decision, Triage
from intake.mailbox.parse import ParsedMessage
from intake.vocabulary import Certainty, MessageKind

__all__ = ["CorrespondenceAddress", "Description", "RequesterName", "Validity"]

C = Certainty
# How sure a name is by where it was found: the From header and "my name is" are the writer's own words about
# themselves; a sign-off usually is; the statistical model's PERSON is a guess.
_NAME_CERTAINTY = {"from_display": C.SURE, "body": C.SURE, "sign_off": C.LIKELY, "on_behalf_of": C.LIKELY,
                   "signature": C.LIKELY, "entity": C.WEAK}


class RequesterName(Rule):
    name = "requester_name"
    description = "The applicant's real name: From name, sign-off, 'my name is' or a PERSON entity (s.8(1)(b))."
    writes = ("name", "name_source", "name_suspect")

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__(lexicon)
        self.names = Names(lexicon)

    def _candidates(self, msg: ParsedMessage, letter: Letter, signed: str | None) -> list[tuple[str, str]]:
        stated = (self.lexicon.compiled("my_name_is").search(letter.text)
                  or self.lexicon.compiled("self_introduction").search(letter.text))
        behalf = self.lexicon.compiled("on_behalf_of").search(f"{msg.subject}\n{letter.text}")
        display = ("from_display", letter.from_name)
        signature = ("sign_off", signed or "")
        # A person who signs for an organisation ("Eco Watch" <info@…>, signed "Daniel Price") is the applicant.
        org_words = set(self.lexicon.words("organisation_words.txt"))
        person_first = bool(set(letter.from_name.lower().split()) & org_words) and self.names.is_full_name(signed or "")
        return [("on_behalf_of", behalf.group(1) if behalf else ""),
                *((signature, display) if person_first else (display, signature)),
                ("body", stated.group(1).strip() if stated else ""),
                # A name on its own line at the foot of the letter, with no sign-off word above it (layout.py).
                ("signature", letter.layout.signed_name or "")]

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        names = self.names
        signed = names.signed(letter.text)
        if signed and not names.is_full_name(signed):
            signed = names.lowercase_name(signed) or signed
        candidates = self._candidates(msg, letter, signed)

        def with_entities() -> Iterator[tuple[str, str]]:
            yield from candidates
            # Only when the cheap places give no name does the statistical model read the signature.
            for label, text in ctx.entities(entity_window(letter.text)):
                if label == "PERSON":
                    yield ("entity", text)

        reasons: list[tuple[str, str]] = []
        for source, candidate in with_entities():
            if names.pseudonym(candidate):
                reasons.append(("pseudonym", f"{source}: {candidate}"))
                continue
            if names.is_full_name(candidate):
                name = names.strip_title(candidate)
                # A real name given later (a clarification, a sign-off) outweighs a joke display name.
                joke = name.lower() in self.lexicon.words("suspect_names.txt")
                if joke:
                    reasons.append(("name may be a joke: a person should look", candidate))
                reasons.append(("name found", f"{source}: {candidate}"))
                return self.decide(True, f"{source}: {candidate}", reasons, name=name, name_source=source,
                                   name_suspect=joke, certainty=C.WEAK if joke else _NAME_CERTAINTY[source])
        suspect = bool(reasons)
        if names.looks_like_handle(letter.from_name):
            suspect = True
            reasons.append(("handle, not a name", f"From: {letter.from_name}"))
        hint = self._name_hint(letter, signed)
        if hint:
            reasons.append(("something like a name is there: a person should look", hint))
        reasons.append(("no real name", f"From {letter.from_name or letter.from_address!r}; signed {signed!r}"))
        return self.decide(False, reasons[-1][1], reasons, name_suspect=suspect,
                           certainty=C.WEAK if suspect or hint else C.SURE)

    def _name_hint(self, letter: Letter, signed: str | None) -> str | None:
        """What looks like part of a name where no full name was found — a short display name ("jay", "Chris R"),
        a signed first name or initials, a signature line shaped like a name, an address like "jo.bloggs@": the name
        is doubtful, not certainly missing (only a certain absence gets a clarification, FOIA s.1(3))."""
        display = letter.from_name.strip()
        if display and len(display.split()) <= 4 and any(ch.isalpha() for ch in display):
            return f"From: {display}"
        for what, value in (("signed", (signed or "").strip()), ("signature", letter.layout.signed_name or "")):
            if value and is_name_line(value.title()):
                return f"{what}: {value}"
        local = letter.from_address.split("@", 1)[0]
        if self.lexicon.compiled("name_like_address").match(local):
            return f"address: {local}"
        return None


class CorrespondenceAddress(Rule):
    name = "correspondence_address"
    description = "An address for correspondence: email, postal address or a social handle (s.8(1)(b))."
    writes = ("address", "postal_address", "social_handle")

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        reasons: list[tuple[str, str]] = []
        postal = handle = None
        postcode = self.lexicon.compiled("postcode").search(letter.text)
        if postcode:
            lines = letter.text[:postcode.end()].splitlines()[-4:]
            postal = ", ".join(line.strip(" ,") for line in lines if line.strip())[-200:]
            reasons.append(("postal address given", postcode.group(0)))
        social = self.lexicon.compiled("social_handle").search("\n".join(signature_lines(letter.text)))
        if social:
            handle = social.group(1) or f"@{social.group(2)}"
            reasons.append(("social media handle given", handle))
        email = letter.from_address
        if msg.reply_to and not letter.forwarded and msg.reply_to != msg.from_address:
            refused = reply_to_refusal(msg.reply_to, msg.from_address, own_addresses=ctx.organisation_addresses,
                                       own_domains=ctx.staff_domains, trusted=ctx.trusted_reply_to_domains)
            if refused:
                reasons.append(("Reply-To not used", refused))
            else:
                email = msg.reply_to
        address: str | None = None
        certainty = C.SURE
        if email and "@" in email and not (letter.relayed and email == msg.from_address):
            address = email
            reasons.append(("email address", address))
        else:
            address = postal or handle
            certainty = C.LIKELY if address else C.SURE
            if not address:
                reasons.append(("no address", "no email, postal address or handle to reply to"))
        return self.decide(bool(address), address or reasons[-1][1], reasons, address=address,
                           postal_address=postal, social_handle=handle, certainty=certainty)


class Description(Rule):
    name = "description"
    description = "The message asks for recorded information and says which (s.8(1)(c))."
    reads = ("questions", "reference")
    writes = ("description",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        lex = self.lexicon
        vague = lex.regex("vague_asks.txt")
        vague_hit = first_match(vague, letter.text)
        # The Act's own name is not a description of anything.
        text = lex.compiled("act_names").sub(" ", vague.sub(" ", letter.text))
        asked = lex.pattern("request_phrases.txt").search(text)
        # A bare question describes information only when it names some ("how many…?", "…policy?");
        # a question may be written without its mark ("What estimate the department has made of…").
        ask = asked or lex.compiled("question").search(text)
        # After a vague ask ("send me the stuff"), a request verb alone names nothing.
        thing = (asked if not vague_hit else None) or lex.regex("information_objects.txt").search(text)
        pointed = triage.reference or first_match(lex.regex("identified_information.txt"), text)
        if triage.questions:
            return self.hit("information described", f"{len(triage.questions)} questions", description=True,
                            certainty=C.SURE)
        if pointed:
            return self.hit("information identified", pointed, description=True)
        if msg.attachments and len(letter.text.split()) < 40:
            # "Please see attached": the request is in the attachment, which a person reads.
            return self.hit("request in an attachment: a person should read it",
                            ", ".join(a for a in msg.attachments if a)[:200] or "attachment", description=True,
                            certainty=C.WEAK)
        if ask and thing:
            return self.hit("information described",
                            ask.group(0) if ask is thing else f"{ask.group(0)} … {thing.group(0)}", description=True)
        why = f"too vague: {vague_hit}" if vague_hit else "names no recorded information" if ask else "asks for nothing"
        # Only a letter that asks for nothing at all certainly lacks a description; a vague ask is for a person.
        nothing = not (vague_hit or ask or "?" in letter.text or msg.attachments)
        return self.decide(False, why, [("no description", why)], description=False,
                           certainty=C.SURE if nothing else C.WEAK)


class Validity(Rule):
    name = "validity"
    description = "A request is valid with a name, an address and a description (s.8; policy 7.1)."
    reads = ("kind", "name", "address", "description")
    writes = ("valid", "missing")

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        if triage.kind not in (MessageKind.FOI_REQUEST, MessageKind.REUSE_REQUEST):
            return self.miss(f"not a request: a {triage.kind}", valid=None, missing=[])
        missing = [part for part, ok in (("name", triage.name), ("address", triage.address),
                                         ("description", triage.description)) if not ok]
        if missing:
            return self.decide(False, "missing: " + ", ".join(missing), [("invalid", "missing: " + ", ".join(missing))],
                               valid=False, missing=missing)
        return self.hit("valid", "name, address and description", valid=True, missing=[])

"""People's names in mail: titles, full names, handles, sign-offs and pseudonyms (FOIA s.8(1)(b))."""

from __future__ import annotations

from classifier.letter import Letter
from classifier.lexicon import Lexicon

__all__ = ["Names", "entity_window", "signature_lines"]


def signature_lines(text: str, count: int = 8) -> list[str]:
    """The last non-empty lines of a letter, where names, titles and outlets are signed."""
    return [line.strip() for line in text.splitlines() if line.strip()][-count:]


def entity_window(text: str) -> str:
    """The lines where a person signs: what the statistical model reads for a PERSON."""
    return "\n".join(signature_lines(text, 6))


def _capitalise(words: list[str], mc: str) -> str:
    # "DAVE MCKENZIE", "pat mcgrath" → "Dave McKenzie", "Pat McGrath"
    return " ".join(w.capitalize() if not w.startswith(mc) else "Mc" + w[2:].capitalize() for w in words)


class Names:
    """What counts as a person's name, read from the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.sign_off = lexicon.pattern("sign_offs.txt")

    def strip_title(self, name: str) -> str:
        lex = self.lexicon
        name = lex.compiled("name_trailer").split(name.strip().strip("\"'"))[0]  # "Josh Penrose | Cloudline"
        name = lex.compiled("title").sub("", name).strip()
        if name.isupper() and len(name) > 3:  # "DAVE MCKENZIE"
            name = _capitalise(name.split(), "MC")
        # Outlook's "Surname, Forename" becomes "Forename Surname".
        parts = [p.strip() for p in name.split(",")]
        return f"{parts[1]} {parts[0]}" if len(parts) == 2 and all(parts) and " " not in parts[0] else name

    def lowercase_name(self, text: str) -> str | None:
        """A signed name typed in lower case ("thanks pat mcgrath"), title-cased; None if it is not one."""
        words = text.split()
        not_names = self.lexicon.words("not_names.txt")
        if 2 <= len(words) <= 3 and all(w.isalpha() and w.islower() and w not in not_names for w in words):
            return _capitalise(words, "mc")
        return None

    def is_full_name(self, text: str) -> bool:
        """A person's name with a surname, or an organisation's name: two to six capitalised words."""
        words = self.strip_title(text).replace(",", " ").split()
        if not 2 <= len(words) <= 6:
            return False
        word, particles = self.lexicon.compiled("name_word"), self.lexicon.words("name_particles.txt")
        if not all(word.match(w) and (w[0].isupper() or w.lower() in particles) for w in words):
            return False
        return len(words[-1].strip(".")) >= 2  # "Chris R" gives no surname

    def looks_like_handle(self, text: str) -> bool:
        return bool(text) and " " not in text.strip() and bool(self.lexicon.compiled("handle").search(text.strip()))

    def signed(self, text: str) -> str | None:
        """The line after the last sign-off phrase ("Kind regards,\\nJo Bloggs"), or on the same line."""
        lines = [line.strip() for line in text.splitlines()]
        last = next((line for line in reversed(lines) if line), "")
        inline = self.lexicon.compiled("inline_sign_off").search(last)
        if inline and len(last.split()) > 4:  # "…for my appeal. thanks pat mcgrath"
            return inline.group(1)
        for i in range(len(lines) - 1, -1, -1):
            line = lines[i].rstrip(",.!")
            m = self.sign_off.match(line)
            if not m or len(line.split()) > 6:
                continue
            rest = line[m.end():].strip(" ,.-")
            if rest:
                return rest
            following = [f.strip(" ,.") for f in lines[i + 1:i + 5] if f][:2]
            # "Josh" then "Josh Penrose": the full form wins.
            return next((f for f in following if self.is_full_name(f)), following[0] if following else None)
        return None

    def without_model(self, letter: Letter) -> bool:
        """Whether the From name or the sign-off already gives a full name (no model needed)."""
        return self.is_full_name(letter.from_name) or self.is_full_name(self.signed(letter.text) or "")

    def pseudonym(self, name: str) -> bool:
        """"Concerned Resident", "Batman": a name the lexicon says is not a real one (policy 7.1)."""
        lex = self.lexicon
        forms = {lex.compiled("article").sub("", n.lower()).strip(" .") for n in (name, self.strip_title(name))}
        forms |= {lex.compiled("middle_initial").sub("", f) for f in forms}  # "Homer J. Simpson"
        prefixes = tuple(f"{p} " for p in lex.words("pseudonym_prefixes.txt"))
        pseudonyms = lex.words("pseudonyms.txt")
        return any(n in pseudonyms or n.startswith(prefixes) for n in forms)

"""Word lists and patterns the rules read, from config/lexicon/ (a configured directory overrides)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "config" / "lexicon"


@dataclass(frozen=True)
class Lexicon:
    """Read-only access to the lexicon files: one phrase per line, `#` starts a comment."""

    override_dir: Path | None = None
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    def path(self, name: str) -> Path:
        if self.override_dir is not None and (self.override_dir / name).is_file():
            return self.override_dir / name
        return DEFAULT_DIR / name

    def words(self, name: str) -> tuple[str, ...]:
        if name not in self._cache:
            lines = self.path(name).read_text(encoding="utf-8").splitlines()
            items = (line.split("#", 1)[0].strip().lower() for line in lines)
            self._cache[name] = tuple(i for i in items if i)
        return self._cache[name]

    def regex(self, name: str) -> re.Pattern[str]:
        """One regex from a file of regular-expression fragments (one alternative per line)."""
        return _compile_fragments(self.words(name))

    def pattern(self, name: str, *, prefix: bool = False) -> re.Pattern[str]:
        """One regex for a word list: whole words, any whitespace between them."""
        return _compile(self.words(name), prefix)


@cache
def _compile(phrases: tuple[str, ...], prefix: bool) -> re.Pattern[str]:
    parts = sorted((r"\s+".join(re.escape(w) for w in p.split()) for p in phrases),
                   key=len, reverse=True)
    body = "|".join(parts) or r"(?!x)x"
    return re.compile((r"^(?:" if prefix else r"(?<!\w)(?:") + body + r")(?!\w)", re.I)


@cache
def _compile_fragments(fragments: tuple[str, ...]) -> re.Pattern[str]:
    # A space in a fragment matches any run of whitespace: mail wraps lines anywhere.
    body = "|".join("(?:" + f.replace(" ", r"\s+") + ")" for f in fragments)
    # Every phrase starts and ends on a word boundary ("was late" must not match "was later");
    # testing the start first lets the engine skip mid-word positions fast.
    return re.compile(r"(?<!\w)(?=\w)(?:" + body + r")(?!\w)" if body else r"(?!x)x", re.I)

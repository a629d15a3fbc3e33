"""Word lists and patterns the rules read, from config/lexicon/ (a configured directory overrides).

Two kinds of file: `*.txt`, one phrase per line (`#` starts a comment), and `patterns.toml`, one
named regular expression per table. A file of the same name in the override directory replaces a
word list; its `patterns.toml` replaces the tables it names and keeps the others.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from config.settings import ConfigError

__all__ = ["DEFAULT_DIR", "PATTERNS_FILE", "Lexicon"]

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "config" / "lexicon"
PATTERNS_FILE = "patterns.toml"
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE}


@dataclass(frozen=True)
class Lexicon:
    """Read-only access to the lexicon files."""

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

    def compiled(self, key: str) -> re.Pattern[str]:
        """The regular expression named `key` in patterns.toml."""
        override = self.override_dir / PATTERNS_FILE if self.override_dir is not None else None
        return _named_pattern(override if override is not None and override.is_file() else None, key)

    def prefixes(self, *names: str) -> re.Pattern[str]:
        """Subject prefixes from word lists ("re", "fwd"): one or more of them, each with its colon."""
        words = sorted({w for name in names for w in self.words(name)}, key=len, reverse=True)
        return re.compile(r"^(?:\s*(?:" + "|".join(map(re.escape, words)) + r")\s*:\s*)+", re.I)


@cache
def _patterns(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"classifier.lexicon_dir: {path.name}", f"cannot read {path}: {exc}") from exc


@cache
def _named_pattern(override: Path | None, key: str) -> re.Pattern[str]:
    tables = {**_patterns(DEFAULT_DIR / PATTERNS_FILE), **(_patterns(override) if override else {})}
    where = f"{PATTERNS_FILE} [{key}]"
    table = tables.get(key)
    if not isinstance(table, dict) or not isinstance(table.get("pattern"), str):
        raise ConfigError(where, "missing: a table with a `pattern` string")
    letters = table.get("flags", "")
    if not isinstance(letters, str) or set(letters) - set(_FLAGS):
        raise ConfigError(f"{where}.flags", f"expected letters among 'im', got {letters!r}")
    flags = 0
    for letter in letters:
        flags |= _FLAGS[letter]
    try:
        return re.compile(table["pattern"], flags)
    except re.error as exc:
        raise ConfigError(f"{where}.pattern", f"not a regular expression: {exc}") from exc


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

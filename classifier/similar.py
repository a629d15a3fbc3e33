"""How alike two requests are in what they ask: TF-IDF cosine over their content words (lower case, light
suffix stripping, FOI boilerplate and function words left out; `config/lexicon/similarity_stopwords.txt`).

Used to flag requests that may be aggregated (Fees Regulations 2004 reg 5; policy 13.1) or refused as repeated
(FOIA s.14(2); policy 15.7). A flag for a person, never a decision. The weights come from the pool compared
against, so words every request uses ("hospital", "trust") count for little once the case log has a few."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from classifier.lexicon import Lexicon

__all__ = ["MIN_POOL", "Scored", "cosine", "idf_weights", "rank", "terms"]

_WORD = re.compile(r"[a-z]+|\d+")
# "2024/25", "2024-2025", "2024 to 25": one financial year, however it is written.
_YEAR_RANGE = re.compile(r"\b(20\d\d)\s*(?:/|-|–|to)\s*(?:20)?(\d\d)\b")
_SUFFIXES = (("ies", "y"), ("ing", ""), ("ly", ""), ("ed", ""), ("es", ""), ("s", ""), ("e", ""))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(Lexicon().words("similarity_stopwords.txt"))


def _stem(word: str) -> str:
    """"agencies" -> "agency", "nursing"/"nurses"/"nurse" -> "nurs", "monthly" -> "month": enough to meet a
    rewording halfway, not a linguist's stemmer."""
    for suffix, instead in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + instead
    return word


@lru_cache(maxsize=65536)
def terms(text: str) -> frozenset[str]:
    """The request's content words, stemmed; the same text always gives the same set (cached)."""
    lowered = _YEAR_RANGE.sub(lambda m: f" fy{m[1]} ", text.lower())
    stop = _stopwords()
    return frozenset(_stem(w) for w in _WORD.findall(lowered) if w not in stop and (len(w) > 2 or w.isdigit()))


# A small case log says little about which words are common: weigh as if it held at least this many requests,
# the others not using the word. A log of that size or more is weighed as it is.
MIN_POOL = 1000


def idf_weights(pool: Iterable[frozenset[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency over the pool (scikit-learn's ln((1+n)/(1+df)) + 1, n at least
    MIN_POOL)."""
    docs = list(pool)
    df: Counter[str] = Counter(t for doc in docs for t in doc)
    n = max(len(docs), MIN_POOL)
    return {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}


def cosine(a: frozenset[str], b: frozenset[str], idf: Mapping[str, float]) -> float:
    """Cosine of the two term sets, each term weighted by its idf (a term the pool never saw weighs most)."""
    if not a or not b:
        return 0.0
    top = max(idf.values(), default=1.0)
    shared = sum(idf.get(t, top) ** 2 for t in a & b)
    if not shared:
        return 0.0
    norm_a = math.sqrt(sum(idf.get(t, top) ** 2 for t in a))
    norm_b = math.sqrt(sum(idf.get(t, top) ** 2 for t in b))
    return shared / (norm_a * norm_b)


Scored = tuple[float, int]  # (similarity 0..1, position in the pool)


def rank(query: frozenset[str], pool: list[frozenset[str]], threshold: float) -> list[Scored]:
    """The pool's entries at least `threshold` alike to `query`, most alike first. Scores accumulate over the
    query's words' postings (an inverted index), so entries sharing no word with the query cost nothing."""
    idf = idf_weights([*pool, query])
    weight = {t: idf[t] ** 2 for t in query}
    shared: dict[int, float] = {}
    for i, doc in enumerate(pool):
        common = query & doc
        if common:
            shared[i] = sum(weight[t] for t in common)
    if not shared:
        return []
    norm_q = math.sqrt(sum(weight.values()))
    out = []
    for i, dot in shared.items():
        score = dot / (norm_q * math.sqrt(sum(idf[t] ** 2 for t in pool[i])))
        if score >= threshold:
            out.append((score, i))
    return sorted(out, key=lambda si: (-si[0], si[1]))

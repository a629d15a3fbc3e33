"""The chain as data, as GNU Mailman 3 does it: a table names the rules, their order and what a hit sets.

`config/chain.toml` (or the file `[classifier] chain` names) is read and checked at start: an unknown
rule, kind, regime or flag, a missing name, or a row that sets what its rule does not decide is a
ConfigError naming the row. Each row becomes a spaCy component (`foi_<rule>`) that declares the
Triage fields it reads and sets, so `nlp.analyze_pipes()` checks the order.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from classifier.lexicon import Lexicon
from classifier.rules import REGISTRY, Rule
from classifier.triage import FLAG_FIELDS, Decision, Triage
from config.settings import ConfigError
from intake.vocabulary import SILENT_KINDS, MessageKind, Regime

__all__ = ["DEFAULT_CHAIN", "Link", "Row", "build_pipeline", "check_order", "factory_name", "load_chain", "record",
           "triage_attr"]

DEFAULT_CHAIN = Path(__file__).resolve().parent.parent / "config" / "chain.toml"
NO_REGIME = "none"
_ROW_KEYS = ("name", "kind", "regime", "flag", "stop")

for _ext in ("message", "triage", "context", "letter", "stopped"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


def triage_attr(field: str) -> str:
    """The Doc attribute that stands for one Triage field in a component's requires/assigns."""
    return f"doc._.triage_{field}"


def _getter(field: str) -> Callable[[Doc], Any]:
    def get(doc: Doc) -> Any:
        return getattr(doc._.triage, field)
    return get


for _field in fields(Triage):
    if not Doc.has_extension(f"triage_{_field.name}"):
        Doc.set_extension(f"triage_{_field.name}", getter=_getter(_field.name))


@dataclass(frozen=True)
class Row:
    """One row of the chain table: a rule, and what a hit sets."""

    rule: str
    kind: str | None = None
    regime: str | None = None  # a Regime, or "none" to clear it
    flag: str | None = None
    stop: bool = False

    @property
    def sets(self) -> dict[str, Any]:
        """Triage fields a hit sets, and their values."""
        out: dict[str, Any] = {}
        if self.kind is not None:
            out["kind"] = MessageKind(self.kind)
        if self.regime is not None:
            out["regime"] = None if self.regime == NO_REGIME else Regime(self.regime)
        if self.flag is not None:
            out[self.flag] = True
        return out


def _choice(where: str, value: Any, choices: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(where, f"unknown {what} {value!r}; expected one of {', '.join(choices)}")
    return value


def _row(file: str, number: int, table: Any) -> Row:
    where = f"{file} rule {number}"
    if not isinstance(table, dict):
        raise ConfigError(where, "expected a table")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}.name", "missing: the rule's name")
    where = f"{where} ({name})"
    for key in table:
        if key not in _ROW_KEYS:
            raise ConfigError(f"{where}.{key}", f"unknown key; a row has {', '.join(_ROW_KEYS)}")
    _choice(f"{where}.name", name, tuple(REGISTRY), "rule")
    kind, regime, flag, stop = (table.get(k) for k in ("kind", "regime", "flag", "stop"))
    if kind is not None:
        _choice(f"{where}.kind", kind, tuple(MessageKind), "kind")
    if regime is not None:
        _choice(f"{where}.regime", regime, (*Regime, NO_REGIME), "regime")
    if flag is not None:
        _choice(f"{where}.flag", flag, FLAG_FIELDS, "flag")
    if not isinstance(stop or False, bool):
        raise ConfigError(f"{where}.stop", f"expected true or false, got {stop!r}")
    row = Row(name, kind, regime, flag, bool(stop))
    for field in row.sets:
        if field not in REGISTRY[name].decides:
            key = "flag" if field in FLAG_FIELDS else field
            raise ConfigError(f"{where}.{key}", f"rule {name} does not decide {field} "
                              f"(it decides: {', '.join(REGISTRY[name].decides) or 'nothing'})")
    if kind in SILENT_KINDS and not row.stop:
        raise ConfigError(f"{where}.stop", f"a hit that makes a message {kind} must end the chain (RFC 3834)")
    return row


def load_chain(path: Path | None = None) -> tuple[Row, ...]:
    """The rows of a chain file, checked; the default is config/chain.toml."""
    path = path or DEFAULT_CHAIN
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("classifier.chain", f"cannot read {path}: {exc}") from exc
    for key in data:
        if key != "rule":
            raise ConfigError(f"{path.name}: {key}", "unknown key; the chain is a list of [[rule]] rows")
    tables = data.get("rule")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path.name}: rule", "missing: at least one [[rule]] row")
    rows = tuple(_row(path.name, i, t) for i, t in enumerate(tables, 1))
    seen: set[str] = set()
    for i, row in enumerate(rows, 1):
        if row.rule in seen:
            raise ConfigError(f"{path.name} rule {i} ({row.rule}).name", "this rule is already in the chain")
        seen.add(row.rule)
    return rows


def record(triage: Triage, decision: Decision, row: Row) -> None:
    """Apply a rule's decision to the Triage: what it found, what its row sets on a hit, its reasons."""
    triage.decisions.append(decision)
    for field, value in decision.values.items():
        setattr(triage, field, value)
    if decision.hit:
        for field, value in row.sets.items():
            setattr(triage, field, value)
    triage.reasons.extend(decision.reasons)


class Link:
    """One row of the chain as a spaCy component: runs its rule and records the decision."""

    def __init__(self, rule: Rule, row: Row) -> None:
        self.rule, self.row = rule, row

    def __call__(self, doc: Doc) -> Doc:
        if doc._.stopped:
            return doc
        triage: Triage = doc._.triage
        rule = self.rule
        if rule.applies_to is not None and triage.kind not in rule.applies_to:
            decision = Decision(rule.name, False, f"not checked for a {triage.kind}")
        else:
            decision = rule.check(doc._.message, doc._.letter, triage, doc._.context)
        record(triage, decision, self.row)
        if decision.hit and self.row.stop:
            doc._.stopped = True
        return doc


def factory_name(rule: str) -> str:
    return f"foi_{rule}"


def _register(rule: type[Rule]) -> None:
    # One spaCy factory per rule, declaring the Triage fields it reads and may set.
    factory = factory_name(rule.name)
    if Language.has_factory(factory):
        return
    reads = (*(("kind",) if rule.applies_to is not None else ()), *rule.reads)

    def make(nlp: Language, name: str, lexicon_dir: str | None, kind: str | None, regime: str | None,
             flag: str | None, stop: bool) -> Link:
        return Link(rule(Lexicon(Path(lexicon_dir) if lexicon_dir else None)), Row(rule.name, kind, regime, flag, stop))

    Language.factory(factory, default_config={"lexicon_dir": None, "kind": None, "regime": None, "flag": None,
                                              "stop": False},
                     requires=[triage_attr(f) for f in dict.fromkeys(reads)],
                     assigns=[triage_attr(f) for f in dict.fromkeys((*rule.writes, *rule.decides))])(make)


for _rule in REGISTRY.values():
    _register(_rule)


def check_order(nlp: Language, rows: tuple[Row, ...], file: str) -> None:
    """Refuse a chain in which a rule reads a Triage field that no earlier rule sets."""
    analysis = nlp.analyze_pipes(pretty=False)
    problems: dict[str, list[str]] = analysis["problems"] if analysis else {}
    for i, row in enumerate(rows, 1):
        missing = [p.removeprefix(triage_attr("")) for p in problems.get(row.rule, [])]
        if missing:
            raise ConfigError(f"{file} rule {i} ({row.rule})",
                              f"reads {', '.join(missing)}, which no earlier rule in the chain sets")


def build_pipeline(rows: tuple[Row, ...], lexicon_dir: Path | None, file: str) -> Language:
    """A blank English pipeline with one component per row, in order, its order checked."""
    nlp = spacy.blank("en")
    for row in rows:
        _register(REGISTRY[row.rule])
        nlp.add_pipe(factory_name(row.rule), name=row.rule,
                     config={"lexicon_dir": str(lexicon_dir) if lexicon_dir else None, "kind": row.kind,
                             "regime": row.regime, "flag": row.flag, "stop": row.stop})
    check_order(nlp, rows, file)
    return nlp

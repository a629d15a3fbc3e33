"""The chain as data: the table is checked at start, every hit and miss is recorded, spaCy checks the order."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from classifier import Classifier, Triage
from classifier.chain import DEFAULT_CHAIN, load_chain
from classifier.letter import Letter
from classifier.lexicon import Lexicon
from classifier.rules import REGISTRY, Context, Rule
from classifier.triage import Decision
from config.settings import ConfigError, parse
from intake import cli
from intake.mailbox.parse import ParsedMessage
from intake.mailbox.parse import parse as parse_mail
from intake.vocabulary import MessageKind
from tests.mail import FOI, request


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(own_addresses=(FOI,), model=None)


def default_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = tomllib.loads(DEFAULT_CHAIN.read_text())["rule"]
    return rows


def write_chain(tmp_path: Path, rows: list[dict[str, object]], name: str = "chain.toml") -> Path:
    lines = []
    for row in rows:
        lines.append("[[rule]]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in row.items()]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


# --- the table -------------------------------------------------------------------------------------

def test_the_default_chain_names_every_rule_once_in_order(clf: Classifier) -> None:
    rows = load_chain()
    assert [r.rule for r in rows] == [name for name, _ in clf.rules] == list(clf.nlp.pipe_names)
    assert rows[0].sets == {"kind": "bounce", "regime": None} and rows[0].stop
    assert {name for name in REGISTRY if not name.startswith("example_")} == {r.rule for r in rows}


def test_analyze_pipes_finds_no_problem_in_the_configured_chain(clf: Classifier) -> None:
    analysis = clf.nlp.analyze_pipes(pretty=False)
    assert analysis is not None
    assert all(not problems for problems in analysis["problems"].values()), analysis["problems"]
    # Each component declares what it reads and sets: validity reads what the earlier rules found.
    summary = analysis["summary"]
    assert "doc._.triage_name" in summary["validity"]["requires"]
    assert "doc._.triage_name" in summary["requester_name"]["assigns"]


@pytest.mark.parametrize(("change", "key", "problem"), [
    ({"name": "no_such_rule"}, "chain.toml rule 4 (no_such_rule).name", "unknown rule 'no_such_rule'"),
    ({"kind": "complaint"}, "chain.toml rule 4 (forwarded_by_staff).kind", "unknown kind 'complaint'"),
    ({"regime": "gdpr"}, "chain.toml rule 4 (forwarded_by_staff).regime", "unknown regime 'gdpr'"),
    ({"flag": "urgent"}, "chain.toml rule 4 (forwarded_by_staff).flag", "unknown flag 'urgent'"),
    ({"stop": "yes"}, "chain.toml rule 4 (forwarded_by_staff).stop", "expected true or false"),
    ({"then": "x"}, "chain.toml rule 4 (forwarded_by_staff).then", "unknown key"),
    ({"flag": "media"}, "chain.toml rule 4 (forwarded_by_staff).flag", "does not decide media"),
    ({"name": "auto_reply"}, "chain.toml rule 4 (auto_reply).name", "already in the chain"),
])
def test_a_bad_row_is_refused_naming_it(tmp_path: Path, change: dict[str, object], key: str, problem: str) -> None:
    rows = default_rows()
    rows[3] = change if "name" in change else {**rows[3], **change}
    with pytest.raises(ConfigError) as err:
        load_chain(write_chain(tmp_path, rows))
    assert err.value.key == key and problem in err.value.problem


def test_a_row_without_a_name_is_refused(tmp_path: Path) -> None:
    rows = default_rows()
    rows[4] = {"flag": "media"}
    with pytest.raises(ConfigError, match=r"chain.toml rule 5.name: missing"):
        load_chain(write_chain(tmp_path, rows))


def test_a_silent_kind_must_end_the_chain(tmp_path: Path) -> None:
    rows = default_rows()
    rows[1] = {"name": "auto_reply", "kind": "auto_reply"}
    with pytest.raises(ConfigError, match=r"rule 2 \(auto_reply\).stop: .*must end the chain"):
        load_chain(write_chain(tmp_path, rows))


def test_a_rule_before_what_it_reads_is_refused(tmp_path: Path) -> None:
    rows = default_rows()
    validity = rows.pop()
    rows.insert(2, validity)  # validity reads the name, address and description: found later
    with pytest.raises(ConfigError, match=r"rule 3 \(validity\): reads name, address, description"):
        Classifier(model=None, chain=write_chain(tmp_path, rows))


def test_settings_name_another_chain_file(tmp_path: Path) -> None:
    base = {"organisation": {"name": "X", "foi_address": FOI, "dsp_address": FOI, "comms_address": FOI},
            "mailbox": {"kind": "maildir", "path": "mail"}, "smtp": {"kind": "file", "path": "out"}}
    with pytest.raises(ConfigError, match=r"classifier\.chain: not a file"):
        parse({**base, "classifier": {"chain": "missing.toml"}}, tmp_path)
    write_chain(tmp_path, default_rows()[:2], "short.toml")
    settings = parse({**base, "classifier": {"chain": "short.toml", "model": ""}}, tmp_path)
    assert settings.classifier.chain == tmp_path / "short.toml"
    from classifier import build_classifier
    assert [name for name, _ in build_classifier(settings).rules] == ["delivery_failure", "auto_reply"]


# --- hits and misses ---------------------------------------------------------------------------------

def triage(clf: Classifier, **kwargs: object) -> Triage:
    return clf.classify(parse_mail(request(**kwargs)))  # type: ignore[arg-type]


def test_every_rule_records_a_hit_or_a_miss_with_evidence(clf: Classifier) -> None:
    t = triage(clf)
    assert [d.rule for d in t.decisions] == [name for name, _ in clf.rules]
    hits = {d.rule for d in t.decisions if d.hit}
    assert {"requester_name", "correspondence_address", "description", "regime", "validity"} <= hits
    misses = {d.rule: d.evidence for d in t.decisions if not d.hit}
    assert {"delivery_failure", "auto_reply", "internal_review", "media_request"} <= set(misses)
    assert all(e and len(e) <= 200 for e in misses.values())
    assert misses["media_request"] == "no news domain or journalist's title (sender domain example.org)"


def test_a_rule_for_other_kinds_is_a_miss_saying_so(clf: Classifier) -> None:
    t = triage(clf, subject="FOI-2026-00017", body="I am not happy with your response and request an "
               "internal review of the decision.\n\nPriya Natarajan\n")
    assert t.kind == "internal_review"
    follow_up = next(d for d in t.decisions if d.rule == "follow_up")
    assert not follow_up.hit and follow_up.evidence == "not checked for a internal_review"


def test_a_silent_hit_ends_the_chain(clf: Classifier) -> None:
    t = triage(clf, headers={"Auto-Submitted": "auto-replied"})
    assert [(d.rule, d.hit) for d in t.decisions] == [("delivery_failure", False), ("auto_reply", True)]
    assert t.decisions[1].evidence == "Auto-Submitted: auto-replied"


def test_decisions_are_in_the_triage_json(clf: Classifier) -> None:
    data = triage(clf).to_json()
    assert data["decisions"][0] == {"rule": "delivery_failure", "hit": False, "certainty": "sure",
                                    "evidence": "no delivery report, daemon sender or bounce subject"}
    assert all(set(d) == {"rule", "hit", "evidence", "certainty"} for d in data["decisions"])
    json.dumps(data)


def test_classify_explain_prints_every_hit_and_miss(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eml = tmp_path / "a.eml"
    eml.write_bytes(request())
    assert cli.main(["classify", "--blank", "--explain", str(eml)]) == 0
    out = capsys.readouterr().out
    assert "  miss  delivery_failure — no delivery report, daemon sender or bounce subject" in out
    assert "  hit   validity — name, address and description" in out


# --- the lexicon ---------------------------------------------------------------------------------------

def test_a_lexicon_dir_overrides_one_pattern_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "patterns.toml").write_text("[title]\npattern = '^(?:captain)\\.?\\s+'\nflags = \"i\"\n")
    lex = Lexicon(tmp_path)
    assert lex.compiled("title").sub("", "Captain Jo Bloggs") == "Jo Bloggs"
    assert lex.compiled("postcode").search("EX1 2AB")
    (tmp_path / "pseudonyms.txt").write_text("priya natarajan\n")  # a word list replaced whole
    t = Classifier(model=None, lexicon_dir=tmp_path).classify(parse_mail(request()))
    assert t.name_suspect and t.missing == ["name"]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "patterns.toml").write_text("[handle]\npattern = '(unclosed'\n")
    with pytest.raises(ConfigError, match=r"patterns.toml \[handle\].pattern: not a regular expression"):
        Lexicon(bad).compiled("handle")


# --- adding a rule (the README's worked example) -----------------------------------------------------

class RegulatorCorrespondence(Rule):
    name = "example_regulator_correspondence"
    description = "Mail from the Information Commissioner's Office is casework, not a request (policy 31.2)."
    applies_to = frozenset({MessageKind.FOI_REQUEST})
    decides = ("kind",)

    def check(self, msg: ParsedMessage, letter: Letter, triage: Triage, ctx: Context) -> Decision:
        domain = msg.from_address.rsplit("@", 1)[-1]
        if domain in self.lexicon.words("regulator_domains.txt"):
            return self.hit("from the regulator", f"From: {msg.from_address}")
        return self.miss(f"sender domain {domain}")


def test_a_new_rule_is_one_class_one_row_and_one_lexicon_file(tmp_path: Path) -> None:
    rows = default_rows()
    rows.insert(2, {"name": "example_regulator_correspondence", "kind": "general_enquiry"})
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    (lexicon / "regulator_domains.txt").write_text("# the ICO\nico.org.uk\n")
    clf = Classifier(model=None, lexicon_dir=lexicon, chain=write_chain(tmp_path, rows))
    t = clf.classify(parse_mail(request(sender="ICO Casework <casework@ico.org.uk>")))
    assert t.kind == "general_enquiry" and t.valid is None
    assert t.decisions[2] == Decision("example_regulator_correspondence", True, "From: casework@ico.org.uk")
    assert triage(clf).kind == "foi_request"

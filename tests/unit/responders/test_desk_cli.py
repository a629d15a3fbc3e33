"""`foi-intake case REF …` on a Maildir and a directory of notices: a refusal is one line and exit 1, never a
traceback; a mixed FOI+EIR case is drafted as one letter with a part under each law."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from intake import cli
from intake.caselog import Case, add_event, create_schema, make_engine, next_reference, session_factory
from intake.vocabulary import EventType, Regime
from tests.conftest import write_maildir_config
from tests.unit.responders.conftest import NOW, REQUESTER

REFERENCE = "FOI-2026-00001"


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Path:
    (tmp_path / "mail" / "cur").mkdir(parents=True)
    for sub in ("new", "tmp"):
        (tmp_path / "mail" / sub).mkdir()
    path = write_maildir_config(tmp_path, f"[database]\nurl = \"{database_url}\"")
    engine = make_engine(database_url)
    create_schema(engine)
    with session_factory(engine)() as s:
        _mixed_case(s)
        s.commit()
    engine.dispose()
    return path


def _mixed_case(s: Session) -> None:
    reference = next_reference(s, "FOI-{year}-{seq:05d}", NOW.date())
    assert reference == REFERENCE
    case = Case(reference=reference, kind="foi_request", regime=Regime.FOI_EIR, initial_received_at=NOW,
                received_at=NOW, requester_name="Jo Bloggs", requester_email=REQUESTER, description="Car park",
                questions=["How many spaces?", "What are the emissions?"], valid=True, missing=[], reasons=[])
    s.add(case)
    add_event(s, case, EventType.RECEIVED, NOW)


def case(config: Path, *argv: str) -> int:
    return cli.main(["--config", str(config), "case", REFERENCE, *argv])


def test_an_eir_exception_on_a_mixed_case_drafts_under_the_eir(config: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "drafts"
    assert case(config, "draft", "--outcome", "refused", "--exemption", "reg 12(5)(a)", "--out", str(out)) == 0
    text = (out / f"{REFERENCE}-response-draft.txt").read_text()
    assert "Environmental Information Regulations 2004" in text and "Regulation 12(5)(a)" in text
    assert "draft written to" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (("draft", "--outcome", "refused", "--exemption", "reg 12(5)(a)", "--regime", "foi"), "cannot be relied on"),
    (("draft", "--outcome", "refused"), "must name the exemptions"),
    (("draft", "--outcome", "granted", "--exemption", "s99"), "not a known"),
    (("respond", "--outcome", "refused"), "(s.17(1))"),
    (("fee-paid",), "not waiting for a fee"),
    (("reopen",), "already open"),
    (("respond", "--outcome", "granted", "--sent-on", "2020-01-01"), "not between receipt (2026-11-16) and today"),
    (("extend", "--reason", "pit", "--exemption", "s43", "--days", "-3"), "the clock cannot count this"),
])
def test_a_refusal_is_one_line_and_exit_1(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          argv: tuple[str, ...], message: str) -> None:
    assert case(config, *argv, *(("--out", str(tmp_path)) if argv[0] == "draft" else ())) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"foi-intake: {REFERENCE}: ") and message in err, err
    assert "Traceback" not in err


def test_a_draft_that_cannot_be_written_is_one_line(config: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert case(config, "draft", "--outcome", "granted", "--out", str(blocked / "drafts")) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the draft cannot be written to" in err and "Traceback" not in err

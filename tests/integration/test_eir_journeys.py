"""Environmental requests end to end, against a real Dovecot and a real SMTP server: EIR wording from the
acknowledgement to the extension and the draft, and a mixed request answered part by part."""

from __future__ import annotations

import json

from intake import cli
from tests.conftest import write_config
from tests.mail import request

EIR_ONLY = ("Dear FOI team,\n\nPlease provide:\n1. The total electricity and gas consumption (kWh) of each of "
            "your hospital sites in 2025/26.\n2. The carbon emissions that resulted.\n\nKind regards,\n"
            "Dafydd Rhys\n")
MIXED = ("Dear FOI team,\n\nPlease provide:\n1. The air quality monitoring results for the car park at the "
         "General site in 2025.\n2. The number of agency nurses you employed in October 2026.\n\n"
         "Kind regards,\nDafydd Rhys\n")


def act(config, *argv: str) -> int:
    return cli.main(["--config", str(config), *argv])


def text(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def regime(config, capsys) -> str:
    capsys.readouterr()
    assert act(config, "cases", "show", "FOI-2026-00001", "--json") == 0
    return str(json.loads(capsys.readouterr().out)["regime"])


def test_an_environmental_request_is_answered_in_eir_terms_throughout(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(sender="Dafydd Rhys <d.rhys@example.net>", subject="Energy use", body=EIR_ONLY))
    assert act(config, "poll", "--once") == 0
    assert regime(config, capsys) == "eir"  # every question is environmental: not foi+eir
    [ack] = smtp.messages
    assert "Environmental Information Regulations" in text(ack)
    assert act(config, "case", "FOI-2026-00001", "extend", "--reason", "eir") == 0
    extension = text(smtp.messages[-1])
    assert "regulation 7" in extension.lower() and "section 10(3)" not in extension
    out = tmp_path / "drafts"
    assert act(config, "case", "FOI-2026-00001", "draft", "--outcome", "part", "--exemption", "reg 12(5)(e)",
               "--out", str(out)) == 0
    [letter] = [p.read_text() for p in out.glob("*.txt")]
    assert "regulation 12(5)(e)" in letter.lower() and "presumption in favour of disclosure" in letter.lower()
    assert "section 17" not in letter.lower()


def test_a_mixed_request_gets_one_letter_with_an_foi_part_and_an_eir_part(tmp_path, mailbox, smtp, capsys):
    config = write_config(tmp_path, mailbox, smtp)
    mailbox.append(request(sender="Dafydd Rhys <d.rhys@example.net>", subject="Car park and staffing", body=MIXED))
    assert act(config, "poll", "--once") == 0
    assert regime(config, capsys) == "foi+eir"
    out = tmp_path / "drafts"
    assert act(config, "case", "FOI-2026-00001", "draft", "--outcome", "part", "--exemption", "s40(2)",
               "--exemption", "reg 12(5)(a)", "--out", str(out)) == 0
    [letter] = [p.read_text().lower() for p in out.glob("*.txt")]
    assert "section 40" in letter and "regulation 12(5)(a)" in letter
    assert letter.count("air quality monitoring results") == 1  # the questions are restated once
    capsys.readouterr()
    assert act(config, "case", "FOI-2026-00001", "draft", "--outcome", "part", "--exemption", "reg 99") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err

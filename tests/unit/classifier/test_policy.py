"""The decision policy acts alone only when sure (issue 10 item 2): a doubtful name never gets a clarification, a
doubtful subject access request never gets FOI wording, machine mail is never answered; each decision carries a
confidence, and `classify --json` shows them with `needs_person`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.notices import action, wrong_notice
from classifier import Classifier, Triage
from classifier.confidence import FIELDS, Calibration
from classifier.policy import verdict
from config.classifier import DecisionPolicy
from config.settings import ConfigError, parse
from intake import cli
from intake.mailbox import parse as parse_mail
from intake.vocabulary import Certainty, Handling, MessageKind, Regime
from tests.mail import FOI, request

K = MessageKind
POLICY = DecisionPolicy()


def sure(**confidence: float) -> dict[str, float]:
    return {**dict.fromkeys(FIELDS, 0.99), **confidence}


def certain(**tiers: str) -> dict[str, str]:
    return {**dict.fromkeys(FIELDS, "sure"), **tiers}


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(own_addresses=(FOI,), model=None)


def classify(clf: Classifier, **kwargs: object) -> Triage:
    return clf.classify(parse_mail(request(**kwargs)))  # type: ignore[arg-type]


# --- the policy on its own ----------------------------------------------------------------------------------------

def test_a_doubtful_name_is_acknowledged_never_clarified() -> None:
    doubtful = Triage(valid=False, missing=["name"], confidence=sure(name=0.99), certainty=certain(name="weak"))
    unsure = Triage(valid=False, missing=["name"], confidence=sure(name=0.8), certainty=certain())
    for triage in (doubtful, unsure):
        handling, why = verdict(triage, POLICY)
        assert handling == Handling.ACKNOWLEDGE and "name" in why[0]
        triage.handling = handling
        assert action(triage) == ("acknowledgement", True)  # a clock starts; none stops
    nowhere = Triage(valid=False, missing=["name"], confidence=sure(), certainty=certain())
    assert verdict(nowhere, POLICY) == (Handling.AUTOMATIC, [])
    nowhere.handling = Handling.AUTOMATIC
    assert action(nowhere) == ("clarification", False)


def test_a_doubtful_subject_access_request_gets_nothing_naming_an_foi_reference() -> None:
    for flagged in (True, False):
        triage = Triage(subject_access=flagged, regime=Regime.SAR if flagged else Regime.FOI, valid=True,
                        confidence=sure(subject_access=0.7), certainty=certain())
        handling, why = verdict(triage, POLICY)
        assert handling == Handling.PERSON and "policy 24.2" in why[0]
        triage.handling = handling
        assert action(triage) == (None, True)
    sar = Triage(subject_access=True, regime=Regime.SAR, valid=True, confidence=sure(), certainty=certain())
    sar.handling = verdict(sar, POLICY)[0]
    assert action(sar) == ("sar_notice", False)


@pytest.mark.parametrize("kind", [K.AUTO_REPLY, K.BOUNCE])
def test_machine_mail_is_never_answered(kind: MessageKind) -> None:
    for confidence, handling in ((0.99, Handling.SILENT), (0.6, Handling.PERSON)):
        triage = Triage(kind=kind, regime=None, confidence=sure(kind=confidence), certainty=certain())
        triage.handling = verdict(triage, POLICY)[0]
        assert triage.handling == handling and action(triage)[0] is None


def test_a_doubtful_kind_sends_nothing_and_leaves_it_for_a_person() -> None:
    for kind in (K.FOI_REQUEST, K.CLARIFICATION_REPLY, K.GENERAL_ENQUIRY, K.INTERNAL_REVIEW):
        triage = Triage(kind=kind, valid=True, confidence=sure(kind=0.7), certainty=certain())
        assert verdict(triage, POLICY)[0] == Handling.PERSON


def test_the_thresholds_and_the_flags_are_configuration(tmp_path: Path) -> None:
    base = {"organisation": {"name": "X", "foi_address": FOI, "dsp_address": FOI, "comms_address": FOI},
            "mailbox": {"kind": "maildir", "path": "mail"}, "smtp": {"kind": "file", "path": "out"}}
    policy = parse({**base, "classifier": {"policy": {"act": 0.5, "clarify": 0.99, "flags": ["media"]}}},
                   tmp_path).classifier.policy
    assert policy == DecisionPolicy(act=0.5, silent=0.9, clarify=0.99, flags=("media",))
    media = Triage(valid=True, media=True, confidence=sure(media=0.4), certainty=certain())
    assert verdict(media, policy)[0] == Handling.ACKNOWLEDGE and verdict(media, POLICY)[0] == Handling.AUTOMATIC
    for bad in ({"act": 2}, {"flags": ["urgent"]}, {"clarity": 0.9}):
        with pytest.raises(ConfigError, match=r"classifier\.policy"):
            parse({**base, "classifier": {"policy": bad}}, tmp_path)


def test_what_counts_as_a_wrong_notice() -> None:
    assert wrong_notice({"kind": "auto_reply"}, "acknowledgement")
    assert wrong_notice({"kind": "clarification_reply"}, "acknowledgement")
    assert wrong_notice({"kind": "general_enquiry", "follow_up": True}, "review_acknowledgement")
    assert wrong_notice({"kind": "foi_request", "subject_access": True}, "acknowledgement")
    assert wrong_notice({"kind": "foi_request", "valid": True}, "clarification")
    assert not wrong_notice({"kind": "foi_request", "valid": False}, "clarification")
    assert not wrong_notice({"kind": "foi_request", "subject_access": True}, "sar_notice")
    assert not wrong_notice({"kind": "auto_reply"}, None)


# --- the calibration ----------------------------------------------------------------------------------------------

def test_confidence_follows_the_evidence_and_the_held_back_record() -> None:
    table = Calibration(counts={"kind": {"likely/agree": [200, 198], "likely/disagree": [20, 12]}})
    assert table.confidence("kind", Certainty.LIKELY, "agree") > 0.98
    assert table.confidence("kind", Certainty.LIKELY, "disagree") < 0.7  # the model says otherwise: a person
    assert table.confidence("kind", Certainty.WEAK, "none") == pytest.approx(0.6)  # no record: the prior
    # Headers are not second-guessed by a model that reads only the text.
    assert table.confidence("kind", Certainty.CERTAIN, "disagree") == table.confidence("kind", Certainty.CERTAIN,
                                                                                        "agree")


# --- through the classifier ---------------------------------------------------------------------------------------

def test_a_first_name_only_is_doubtful_a_nameless_request_is_certain(clf: Classifier) -> None:
    body = "Hi,\n\nPlease provide the number of ambulance handovers over an hour in 2025.\n\nThanks\n{}\n"
    gaz = classify(clf, sender="gaz1987@example.org", body=body.format("Gaz"))
    assert gaz.valid is False and gaz.missing == ["name"] and gaz.certainty["name"] == "weak"
    assert gaz.handling == Handling.ACKNOWLEDGE and action(gaz)[0] == "acknowledgement"
    nobody = classify(clf, sender="x7f3@example.org", body=body.format(""))
    assert nobody.missing == ["name"] and nobody.certainty["name"] == "sure"
    assert nobody.handling == Handling.AUTOMATIC and action(nobody)[0] == "clarification"


def test_another_bodys_acknowledgement_without_a_header_opens_nothing(clf: Classifier) -> None:
    templated = classify(clf, sender="Foi Team <foi@trust.example.org>", subject="Your request", body=(
        "Dear Sir/Madam,\n\nThank you for your email requesting information from the Trust.\n\nYour request is "
        "being dealt with under the Freedom of Information Act 2000 and will be answered within twenty working "
        "days.\n\nYours faithfully\n\nFOI Officer\n"))
    robot = classify(clf, sender="Customer Team <info@agency.example.org>", subject="Re: Waiting times", body=(
        "THIS IS AN AUTOMATED RESPONSE\nThank you for your email. We aim to reply within 10 working days.\n"))
    assert templated.kind == robot.kind == K.AUTO_REPLY
    assert action(templated)[0] is None and action(robot)[0] is None
    assert robot.certainty["kind"] == "sure"


def test_a_requester_who_complains_of_an_automated_reply_is_still_a_person(clf: Classifier) -> None:
    triage = classify(clf, body=("Dear FOI team,\n\nI only had an automated response to my request of 3 May. "
                                 "Please provide the figures for 2025.\n\nKind regards,\nPriya Natarajan\n"))
    assert triage.kind not in (K.AUTO_REPLY, K.BOUNCE)


def test_classify_json_shows_needs_person_and_every_confidence(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    eml = tmp_path / "a.eml"
    eml.write_bytes(request(sender="gaz1987@example.org", body="Please send the 2025 parking income.\n\nGaz\n"))
    assert cli.main(["classify", "--blank", "--json", str(eml)]) == 0
    [data] = json.loads(capsys.readouterr().out)
    assert data["needs_person"] is True and data["handling"] == "acknowledge" and data["person_reasons"]
    assert set(data["confidence"]) == set(FIELDS) and all(0 <= v <= 1 for v in data["confidence"].values())

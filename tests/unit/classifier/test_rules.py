"""One named rule at a time: each legal test and each flag, on small hand-written messages."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench.evaluation import DEFAULT_MODEL
from classifier import Classifier, Triage
from classifier.pipeline import RULES, reference_pattern
from intake import cli
from intake.mailbox.parse import parse
from tests.mail import FOI, request

STAFF = "example-icb.nhs.uk"


@pytest.fixture(scope="module", params=[pytest.param(DEFAULT_MODEL, id="model"), pytest.param(None, id="blank")])
def clf(request: pytest.FixtureRequest) -> Classifier:
    return Classifier(own_addresses=(FOI,), model=request.param, staff_domains=(STAFF,))


def triage(clf: Classifier, **kwargs: object) -> Triage:
    return clf.classify(parse(request(**kwargs)))  # type: ignore[arg-type]


def rules_that_decided(t: Triage) -> set[str]:
    return {r.rule for r in t.reasons}


def test_every_rule_is_a_named_spacy_component_with_a_description(clf: Classifier) -> None:
    assert [name for name, _ in clf.rules] == [r.name for r in RULES]
    assert all(desc and len(desc) < 120 for _, desc in clf.rules)
    assert all(clf.nlp.has_factory(f"foi_{r.name}") for r in RULES)


# --- loop safety (RFC 3834) ------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "value"), [
    ("Auto-Submitted", "auto-replied"), ("Auto-Submitted", "auto-generated"), ("X-Autoreply", "yes"),
    ("X-Autorespond", "yes"), ("X-Auto-Response-Suppress", "All"), ("Precedence", "bulk"),
    ("Precedence", "junk"), ("Precedence", "list"), ("List-Id", "<nhs-news.lists.example.org>"),
])
def test_automatic_headers_make_a_message_silent(clf: Classifier, header: str, value: str) -> None:
    t = triage(clf, headers={header: value})
    assert t.kind == "auto_reply" and t.silent and t.valid is None
    assert any(header.lower() in r.evidence.lower() for r in t.reasons)


def test_auto_submitted_no_is_a_person(clf: Classifier) -> None:
    assert triage(clf, headers={"Auto-Submitted": "no"}).kind == "foi_request"


@pytest.mark.parametrize("subject", ["Out of Office: Waiting times", "Automatic reply: FOI",
                                     "Allan o'r swyddfa: Cais", "Neges awtomatig", "RE: Out of office"])
def test_out_of_office_subjects_in_english_and_welsh(clf: Classifier, subject: str) -> None:
    assert triage(clf, subject=subject, body="I am away until Monday.\n").kind == "auto_reply"


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "postmaster@example.org"])
def test_mailer_daemon_is_a_bounce(clf: Classifier, sender: str) -> None:
    assert triage(clf, sender=sender, subject="Undelivered Mail Returned to Sender").kind == "bounce"


@pytest.mark.parametrize("sender", ["noreply@example.org", "no-reply@forms.example.org",
                                    "donotreply@example.org"])
def test_no_reply_senders_get_no_reply(clf: Classifier, sender: str) -> None:
    assert triage(clf, sender=sender).kind == "auto_reply"


def test_our_own_address_is_never_answered(clf: Classifier) -> None:
    t = triage(clf, sender=f"FOI <{FOI}>")
    assert t.silent and "own address" in t.reasons[0].evidence


def test_away_message_without_headers(clf: Classifier) -> None:
    t = triage(clf, subject="Re: your email", body="Thanks for your message. I'm on holiday until the 14th "
               "and not reading emails.\n\nLinda\n")
    assert t.kind == "auto_reply"


def test_a_web_form_relayed_from_a_no_reply_address_is_a_person(clf: Classifier) -> None:
    body = ("New form submission\n\nName: Margaret Hollis\nEmail: (not provided)\nMessage:\n"
            "Please write to me by post with the number of people waiting for a hip replacement.\n")
    t = triage(clf, sender="Web Forms <no-reply@forms.example.org>", body=body)
    assert t.kind == "foi_request" and t.name == "Margaret Hollis"
    assert t.missing == ["address"] and not t.valid  # no email, no postal address: named with reasons


# --- validity (FOIA s.8; policy 7.1) ---------------------------------------------------------------

def test_name_from_display_name(clf: Classifier) -> None:
    t = triage(clf)
    assert (t.name, t.name_source, t.valid, t.missing) == ("Priya Natarajan", "from_display", True, [])


def test_name_from_sign_off_when_from_has_none(clf: Classifier) -> None:
    t = triage(clf, sender="bluebird1987@example.com",
               body="Please provide your 2025 agency spend.\n\nKind regards,\nDr Amara Okafor\n")
    assert (t.name, t.name_source) == ("Amara Okafor", "sign_off") and t.valid


def test_nameless_request_is_invalid_and_says_why(clf: Classifier) -> None:
    t = triage(clf, sender="bluebird1987@example.com", body="how much did you spend on consultants?\n")
    assert t.valid is False and t.missing == ["name"] and not t.name_suspect
    assert any(r.rule == "requester_name" and r.decision == "no real name" for r in t.reasons)


@pytest.mark.parametrize("sender", ["Concerned Resident <cr@example.com>", "Batman <bat@example.com>",
                                    "Mr X <x@example.com>", "xXdragonXx <dragon2009@example.com>"])
def test_pseudonyms_and_handles_are_flagged_never_refused(clf: Classifier, sender: str) -> None:
    t = triage(clf, sender=sender, body="Please provide the number of complaints received in 2025.\n")
    assert t.name_suspect and t.missing == ["name"] and t.kind == "foi_request"


def test_a_joke_name_is_valid_but_flagged(clf: Classifier) -> None:
    t = triage(clf, sender="Justin Case <jc@example.com>")
    assert t.valid and t.name == "Justin Case" and t.name_suspect


def test_surname_initial_only_is_not_a_full_name(clf: Classifier) -> None:
    assert triage(clf, sender="Chris R <chris@example.com>", body="Please provide the ICB's parking income "
                  "for 2025.\n\nChris R\n").missing == ["name"]


def test_postal_address_and_social_handle_are_noted(clf: Classifier) -> None:
    t = triage(clf, body="Please provide the 2025 estates strategy.\n\nRegards,\nPriya Natarajan\n"
               "12 Mill Lane\nExampleton EX1 2AB\nTwitter: @priyan\n")
    assert t.address == "priya@example.org" and "EX1 2AB" in (t.postal_address or "")
    assert t.social_handle == "@priyan"


@pytest.mark.parametrize("body", ["Send me all the info you have.\n", "You are a disgrace. That is all.\n"])
def test_no_description_of_information(clf: Classifier, body: str) -> None:
    t = triage(clf, subject="Freedom of Information request", body=body + "\nPriya Natarajan\n")
    assert t.kind == "foi_request" and t.missing == ["description"]


# --- kinds --------------------------------------------------------------------------------------------

def test_internal_review(clf: Classifier) -> None:
    t = triage(clf, subject="FOI-2026-00017", body="I am not happy with your response and request an "
               "internal review of the decision to withhold under section 43.\n\nPriya Natarajan\n")
    assert t.kind == "internal_review" and t.reference == "FOI-2026-00017" and t.valid is None


def test_clarification_reply_by_reference_in_a_reply(clf: Classifier) -> None:
    t = triage(clf, subject="Re: [FOI-2026-00123] Waiting times", headers={"In-Reply-To": "<n-1@x>"},
               body="To clarify, I mean the year April 2025 to March 2026.\n\nPriya Natarajan\n")
    assert t.kind == "clarification_reply" and t.reference == "FOI-2026-00123"


def test_a_new_question_in_a_reply_is_a_new_request(clf: Classifier) -> None:
    t = triage(clf, subject="Re: FOI-2025-00310 Response", headers={"In-Reply-To": "<r-1@x>"},
               body="Thanks. Could you also tell me how many calls ended with an ambulance?\n\nSam Okoro\n")
    assert t.kind == "foi_request"


def test_chaser_and_thanks_are_routine(clf: Classifier) -> None:
    chaser = triage(clf, subject="Any update? FOI-2026-00051", body="Just checking in on my request "
                    "FOI-2026-00051. Any update?\n\nKwame Mensah\n")
    thanks = triage(clf, subject="Re: [FOI-2026-00091] Response", headers={"In-Reply-To": "<a@x>"},
                    body="Thank you very much for your response.\n\nDeborah Ashworth\n")
    assert chaser.kind == thanks.kind == "general_enquiry"


def test_reuse_request(clf: Classifier) -> None:
    t = triage(clf, body="Can I republish the spreadsheet you sent me (FOI-2026-00044) on our website "
               "under the Open Government Licence?\n\nEsther Obi\n")
    assert t.kind == "reuse_request" and t.regime is None


def test_routine_business_is_not_foi(clf: Classifier) -> None:
    t = triage(clf, subject="Opening hours", body="What are the opening hours of your Brindley House "
               "offices?\n\nBrian Lockwood\n")
    assert t.kind == "general_enquiry" and t.valid is None


# --- flags --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "Please send me a copy of my medical records from 2019 to date.",
    "What information do you hold about me? I think my GP shared my details with you.",
    "I would like the CCTV footage of me in the car park on 3 March.",
    "I would like a copy of the notes from my complaint meeting.",
])
def test_subject_access_without_saying_so(clf: Classifier, body: str) -> None:
    t = triage(clf, body=body + "\n\nPriya Natarajan\n")
    assert t.subject_access and t.regime == "sar"


def test_aggregate_figures_are_not_a_sar(clf: Classifier) -> None:
    t = triage(clf, body="I'm not asking about me specifically: how many adults are waiting for an ADHD "
               "assessment?\n\nConnor Fitzpatrick\n")
    assert not t.subject_access and t.regime == "foi"


def test_a_dead_relatives_records_are_third_party_not_sar(clf: Classifier) -> None:
    t = triage(clf, body="I would like copies of my late mother's care records.\n\nPamela Oyelaran\n")
    assert t.third_party_personal_data and not t.subject_access and t.regime == "foi"


def test_named_staff_pay_is_third_party(clf: Classifier) -> None:
    t = triage(clf, body="Please provide the salary and expenses of Mrs Deborah Nuttall, Head of Primary "
               "Care.\n\nVictor Ramsbottom\n")
    assert t.third_party_personal_data and any("Nuttall" in r.evidence for r in t.reasons)


def test_environmental_only_is_eir_and_mixed_is_both(clf: Classifier) -> None:
    eir = triage(clf, body="Please provide the tonnes of clinical waste produced at each site in 2025.\n\n"
                 "Priya Natarajan\n")
    mixed = triage(clf, body="Please provide:\n1. The electricity consumption in kWh of each site.\n"
                   "2. The number of agency nurses employed.\n\nPriya Natarajan\n")
    assert (eir.eir, eir.regime) == (True, "eir")
    assert (mixed.eir, mixed.regime) == (True, "foi+eir")


@pytest.mark.parametrize("body", [
    # The opening names the measure: every question is about it, its costs included (EIR reg 2(1)(c), (e)).
    "We understand the trust plans to sell surplus land at the old depot. Please provide:\n1. The site plan.\n"
    "2. Any valuation report.\n3. The offers received.\n\nPriya Natarajan\n",
    # A question that goes on about what the environmental question before it named.
    "Please provide:\n1. The name of your clinical waste contractor.\n2. The contract end date and its value.\n"
    "\nPriya Natarajan\n",
    "Please provide:\n1. Which sites have solar installations.\n2. Any feasibility study for further solar "
    "installations.\n\nPriya Natarajan\n",
])
def test_a_request_whose_every_question_is_environmental_is_eir(clf: Classifier, body: str) -> None:
    t = triage(clf, body=body)
    assert (t.eir, t.regime) == (True, "eir")


@pytest.mark.parametrize("body", [
    "Under the FOI Act and the EIR please provide:\n1. The electricity consumption in kWh of each site.\n"
    "2. The number of agency nurses employed.\n\nPriya Natarajan\n",
    "Please provide:\n1. The tonnes of clinical waste produced.\n2. The number of cleaners employed.\n"
    "\nPriya Natarajan\n",
])
def test_citing_the_eir_or_a_generic_number_does_not_make_a_question_environmental(clf: Classifier,
                                                                                  body: str) -> None:
    assert triage(clf, body=body).regime == "foi+eir"


@pytest.mark.parametrize(("sender", "body", "media"), [
    ("Jess Harland <jess@examplenews.co.uk>", "Please provide the spend.", True),
    ("Jo Reed <jo.reed@bbc.co.uk>", "Please provide the spend.", True),
    ("Amira Khan <amira.k@gmail.com>", "Please provide the spend.\n\nAmira Khan\nFreelance journalist", True),
    ("Amira Khan <amira.k@gmail.com>", "I read in the Guardian that you overspent. Please provide the "
     "spend.\n\nAmira Khan", False),
    ("Ron Hale <ron@example.com>", "Please provide the spend.\n\nRon Hale\nRetired reporter", False),
])
def test_media_by_domain_or_signature(clf: Classifier, sender: str, body: str, media: bool) -> None:
    assert triage(clf, sender=sender, body=body + "\n").media is media


def test_forwarded_by_staff_recovers_requester_and_date(clf: Classifier) -> None:
    body = ("Please see below, received in PALS.\n\nThanks\nSally\n\n-----Original Message-----\n"
            "From: Howard Bellingham <howard@example.net>\nSent: 12 March 2026 08:57\n"
            "To: PALS <pals@example-icb.nhs.uk>\nSubject: MIU\n\n"
            "How many times has the MIU closed at short notice since January 2025?\n\nHoward Bellingham\n")
    t = triage(clf, sender=f"Sally Brennan <sally.brennan@{STAFF}>", subject="FW: MIU", body=body)
    assert t.forwarded and t.original_received == date(2026, 3, 12)
    assert (t.name, t.address) == ("Howard Bellingham", "howard@example.net") and t.valid


def test_numbered_questions_are_listed(clf: Classifier) -> None:
    body = ("Please provide:\n1. The annual turnover in 2020/21\n2. How many full time employees\n"
            "   you employ?\n3. Which services you outsource\n\nPriya Natarajan\n")
    t = triage(clf, body=body)
    assert t.questions == ["The annual turnover in 2020/21", "How many full time employees you employ?",
                           "Which services you outsource"]


def test_reference_pattern_follows_the_configured_format() -> None:
    assert reference_pattern("FOI-{year}-{seq:05d}").search("re FOI-2026-00042 ok").group(0) == "FOI-2026-00042"
    assert reference_pattern("REQ/{year}/{seq}").search("our ref REQ/2027/7.").group(0) == "REQ/2027/7"
    assert reference_pattern("FOI-{year}-{seq:05d}").search("FOI-2026-000421") is None


def test_every_decision_has_a_reason(clf: Classifier) -> None:
    t = triage(clf)
    assert {"requester_name", "correspondence_address", "description", "regime", "validity"} <= rules_that_decided(t)
    assert all(len(r.evidence) <= 200 for r in t.reasons)


def test_classify_command_prints_a_triage_per_file(tmp_path, capsys) -> None:
    first, second = tmp_path / "a.eml", tmp_path / "b.eml"
    first.write_bytes(request())
    second.write_bytes(request(headers={"Auto-Submitted": "auto-replied"}))
    assert cli.main(["classify", "--json", str(first), str(second)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["kind"] for o in out] == ["foi_request", "auto_reply"]
    for key in ("kind", "regime", "name", "name_suspect", "address", "description", "valid", "missing", "media",
                "subject_access", "eir", "third_party_personal_data", "forwarded", "questions", "reasons"):
        assert key in out[0]
    assert cli.main(["classify", str(tmp_path / "missing.eml")]) == 1

"""What was asked is restated even when it is not a numbered list; a Welsh request is flagged, listed once."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from classifier import Classifier, Triage
from intake.mailbox.parse import parse
from tests.mail import FOI, request

STAFF = "example-icb.nhs.uk"


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(own_addresses=(FOI,), model=None, staff_domains=(STAFF,))


def triage(clf: Classifier, raw: bytes) -> Triage:
    return clf.classify(parse(raw))  # type: ignore[arg-type]


def test_a_request_in_prose_is_restated_sentence_by_sentence(clf: Classifier) -> None:
    t = triage(clf, request(body="Dear FOI team,\n\nHow many agency nurses did the ICB pay for in 2025? Please "
                                 "provide the total spent on them.\nPlease let me know if you need anything else.\n\n"
                                 "Kind regards,\nPriya Natarajan\n"))
    assert t.questions == ["How many agency nurses did the ICB pay for in 2025?",
                           "Please provide the total spent on them."]


def test_a_staff_forward_restates_the_requesters_words_not_the_subject(clf: Classifier) -> None:
    body = ("FOI team - one for you.\n\nNeil\n\n-----Original Message-----\nFrom: Pat Ridley <pat.ridley@gmail.com>\n"
            "Sent: 02 September 2025 10:03\nTo: Estates <estates@example-icb.nhs.uk>\nSubject: Parking\n\n"
            "Hello,\n\nHow much did the ICB earn from staff parking charges in 2024/25?\n\nPat Ridley\n")
    t = triage(clf, request(sender=f"Neil Cartwright <neil@{STAFF}>", subject="FW: Parking", body=body))
    assert t.forwarded and t.questions == ["How much did the ICB earn from staff parking charges in 2024/25?"]


def test_an_html_list_is_restated_item_by_item(clf: Classifier) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Priya Natarajan <priya@example.org>", FOI, "Beds"
    msg.set_content("<p>Dear FOI team,</p><p>Please provide:</p><ul><li>The number of beds at each site.</li>"
                    "<li>The number of beds closed in 2025.</li></ul><p>Priya Natarajan</p>", subtype="html")
    t = triage(clf, msg.as_bytes(policy=SMTP))
    assert t.questions == ["The number of beds at each site.", "The number of beds closed in 2025."]


def test_a_request_only_in_an_attachment_is_restated(clf: Classifier) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Gordon Ferrier <gordon@example.org>", FOI, "FOI request"
    msg.set_content("Please see attached.\n\nGordon Ferrier\n")
    msg.add_attachment(b"Freedom of Information request\n\n1. How many patients are registered?\n"
                       b"2. What is the annual rent?\n", maintype="text", subtype="plain", filename="request.txt")
    t = triage(clf, msg.as_bytes(policy=SMTP))
    assert t.questions == ["How many patients are registered?", "What is the annual rent?"] and t.valid


BILINGUAL = ("Annwyl Syr/Fadam,\n\n"
             "1. Faint o feddygfeydd yn ardal y Bwrdd sy'n gallu cynnig apwyntiad drwy gyfrwng y Gymraeg?\n"
             "2. A oes gan y Bwrdd bolisi iaith Gymraeg? Os oes, anfonwch gopi ataf os gwelwch yn dda.\n\n"
             "Dear Sir/Madam,\n\n"
             "1. How many GP practices in the Board's area can offer an appointment through the medium of Welsh?\n"
             "2. Does the Board have a Welsh language policy? If so, please send me a copy.\n\n"
             "Diolch yn fawr,\nSiân Llwyd\n")


def test_a_bilingual_request_is_flagged_for_welsh_and_listed_once(clf: Classifier) -> None:
    t = triage(clf, request(sender="Siân Llwyd <sian@example.org>", subject="Cais / Request", body=BILINGUAL))
    assert t.welsh and "welsh" in t.flags
    assert len(t.questions) == 2 and all("Board" in q for q in t.questions)


def test_a_request_entirely_in_welsh_keeps_its_welsh_questions(clf: Classifier) -> None:
    welsh_only = BILINGUAL.split("Dear Sir/Madam")[0] + "Diolch yn fawr,\nSiân Llwyd\n"
    t = triage(clf, request(sender="Siân Llwyd <sian@example.org>", subject="Cais Rhyddid Gwybodaeth",
                            body=welsh_only))
    assert t.welsh and len(t.questions) == 2 and t.questions[0].startswith("Faint o feddygfeydd")


@pytest.mark.parametrize("body", [
    "Bore da,\n\nPlease can you send me the ICB's policy on hearing aids.\n\nDiolch,\nGwen Pritchard\n",
    "Dear FOI team,\n\nPlease provide the number of Welsh-speaking staff at the ICB.\n\nPriya Natarajan\n",
])
def test_a_welsh_greeting_or_the_word_welsh_is_not_a_welsh_request(clf: Classifier, body: str) -> None:
    assert not triage(clf, request(body=body)).welsh


def test_the_acknowledgement_restates_a_request_sent_as_an_attachment(clf: Classifier) -> None:
    from responders.render import Renderer

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Gordon Ferrier <gordon@example.org>", FOI, "FW: FOI request"
    msg.set_content("Please see attached.\n\nGordon Ferrier\n")
    msg.add_attachment(b"Please tell me how many patients are registered at Fenwick Road.\n",
                       maintype="text", subtype="plain", filename="request.txt")
    t = triage(clf, msg.as_bytes(policy=SMTP))
    text = Renderer().env.get_template("_asked.txt.j2").render(case={"questions": t.questions, "description": None})
    assert "1. Please tell me how many patients are registered at Fenwick Road." in text and "FW:" not in text

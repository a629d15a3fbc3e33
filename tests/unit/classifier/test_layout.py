"""The parts of a letter by position and shape (issue 10 item 4): a signature block with or without a sign-off word,
a quoted reply, a forwarded original, a disclaimer; and what the rules make of them."""

from __future__ import annotations

import pytest

from classifier import Classifier
from classifier.layout import find_layout, is_name_line
from classifier.lexicon import Lexicon
from intake.mailbox import parse as parse_mail
from tests.mail import FOI, request

LEX = Lexicon()

NO_SIGN_OFF = """Dear FOI team,

Could you tell me how many ambulances waited more than an hour outside the emergency department in 2025?

Sam Okafor
Assistant Producer | Hatch Films Ltd
07700 900123
"""

WITH_DISCLAIMER = """Hello,

Please send me the 2025 spend on agency nurses, by month.

Kind regards,
Jo Bloggs
Senior Reporter
The Northern Echo
DISCLAIMER: This email and any files transmitted with it are confidential and intended solely for the use of the
individual to whom they are addressed. If you have received this email in error please notify the sender.
"""

THANKS_FIRST = """Thank you for your email.

We are reviewing every message we receive and will reply to yours in turn; some replies may take longer than
usual because of the volume of correspondence we are handling at present.
"""

REPLY = """Yes, I meant the financial year 2024/25.

Ta,
Dee

On Mon, 3 Nov 2025 at 10:02, FOI Requests <foi.requests@example-icb.nhs.uk> wrote:
> Could you tell us which year you mean?
> FOI team
"""

FORWARD = """See below - can you deal with this?

---------- Forwarded message ---------
From: Ann Lee <ann@example.org>
Date: Tue, 4 Nov 2025 at 09:00
Subject: Parking

How much did the hospital take in parking charges in 2024?
"""

SEPARATOR = """Please list the consultants employed in 2025.

--
Rhys Pritchard
Freelance writer
"""


def test_a_signature_without_a_sign_off_word_is_found_by_its_shape() -> None:
    layout = find_layout(NO_SIGN_OFF, LEX)
    assert layout.signature == ("Sam Okafor", "Assistant Producer | Hatch Films Ltd", "07700 900123")
    assert layout.signed_name == "Sam Okafor" and layout.sign_off == ""
    assert layout.greeting == "Dear FOI team," and layout.body.startswith("Could you tell me")


def test_a_disclaimer_is_cut_off_and_the_signature_above_it_kept() -> None:
    layout = find_layout(WITH_DISCLAIMER, LEX)
    assert layout.disclaimer.startswith("DISCLAIMER: This email")
    assert layout.signature == ("Jo Bloggs", "Senior Reporter", "The Northern Echo")
    assert layout.sign_off == "Kind regards," and "confidential" not in layout.body


def test_thanks_at_the_top_of_a_letter_is_not_its_sign_off() -> None:
    layout = find_layout(THANKS_FIRST, LEX)
    assert layout.sign_off == "" and layout.signature == ()
    assert layout.body.startswith("Thank you for your email.") and "volume of correspondence" in layout.body


def test_a_quoted_reply_and_a_forwarded_original_are_apart_from_the_writers_words() -> None:
    reply = find_layout("Yes, I meant the financial year 2024/25.\n\nTa,\nDee\n", LEX, whole=REPLY)
    assert reply.quoted.startswith("On Mon, 3 Nov 2025") and "which year" in reply.quoted
    assert reply.sign_off == "Ta," and reply.signature == ("Dee",) and reply.forwarded == ""
    forward = find_layout("See below - can you deal with this?", LEX, whole=FORWARD)
    assert forward.forwarded.startswith("---------- Forwarded message") and "parking charges" in forward.forwarded
    assert forward.quoted == ""


def test_an_rfc_3676_separator_starts_the_signature() -> None:
    layout = find_layout(SEPARATOR, LEX)
    assert layout.signature == ("Rhys Pritchard", "Freelance writer")
    assert layout.body == "Please list the consultants employed in 2025."


@pytest.mark.parametrize(("line", "name"), [("Sam Okafor", True), ("J. A. Giggins", True), ("JD", True),
                                            ("Dee", True), ("Mary-Jane O'Neill", True),
                                            ("Assistant Producer | Hatch Films Ltd", False),
                                            ("please send the figures", False), ("07700 900123", False)])
def test_what_a_signed_name_looks_like(line: str, name: bool) -> None:
    assert is_name_line(line) is name


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier(own_addresses=(FOI,), model=None, opinion=False)


@pytest.mark.parametrize("signature", ["Sam Okafor\nAssistant Producer | Hatch Films Ltd",
                                       "Sam Okafor\nRadio Kent", "Sam Okafor\nNews desk, The Northern Echo"])
def test_a_title_or_an_outlet_under_a_name_is_the_press_without_a_sign_off(clf: Classifier, signature: str) -> None:
    body = f"Dear FOI team,\n\nHow many ambulances waited over an hour in 2025?\n\n{signature}\n"
    triage = clf.classify(parse_mail(request(sender="sam.okafor@example.org", body=body)))
    assert triage.media, triage.reasons


def test_an_outlet_word_in_a_sentence_is_not_the_press(clf: Classifier) -> None:
    body = ("Dear FOI team,\n\nHow many patients heard about the screening programme from local radio adverts?\n\n"
            "Sam Okafor\n12 Mill Lane\nLeeds LS1 4AB\n")
    triage = clf.classify(parse_mail(request(sender="sam.okafor@example.org", body=body)))
    assert not triage.media, triage.reasons

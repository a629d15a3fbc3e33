"""Whom a message is answered at: a Reply-To only where the From's owner could have set it (issue 11 item 6)."""

from __future__ import annotations

from classifier.replyto import reply_to_refusal

OWN = ("foi.requests@example-icb.nhs.uk", "dsp@example-icb.nhs.uk", "comms@example-icb.nhs.uk")


def refusal(reply_to: str, sender: str = "priya@example.org", trusted: tuple[str, ...] = ()) -> str | None:
    return reply_to_refusal(reply_to, sender, own_addresses=OWN, own_domains=("example-icb.nhs.uk",),
                            trusted=trusted)


def test_the_senders_own_domain_and_its_subdomains_are_answered() -> None:
    assert refusal("priya.n@example.org") is None
    assert refusal("p@mail.example.org") is None
    assert refusal("p@example.org", sender="priya@mail.example.org") is not None  # the parent is someone else's


def test_another_domain_is_answered_at_from_unless_trusted() -> None:
    assert refusal("x@evil.example") == \
        "Reply-To domain evil.example is not the sender's (example.org): answered at From"
    assert refusal("x@evil.example", trusted=("evil.example",)) is None
    assert refusal("person@gmail.com", sender="noreply@forms.example.org", trusted=("forms.example.org",)) is None


def test_the_organisations_own_addresses_are_never_a_requesters() -> None:
    assert refusal("dsp@example-icb.nhs.uk", trusted=("example-icb.nhs.uk",)) is not None
    assert refusal("someone@team.example-icb.nhs.uk", sender="a@example-icb.nhs.uk") is not None

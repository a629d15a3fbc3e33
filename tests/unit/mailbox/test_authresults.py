"""Authentication-Results (RFC 8601): only our own server's topmost fields count."""

from __future__ import annotations

from intake.mailbox.authresults import AuthResult, authentication, parse_field

MX = "mx.example-icb.nhs.uk"


def test_a_field_is_read_with_its_comments_versions_and_quoted_values() -> None:
    value = (f'{MX.upper()} 1; dkim/1=pass (good (nested) signature; really) header.d="example.org" '
             'header.s=sel1; spf = pass smtp.mailfrom=example.org; dmarc=fail (p=reject dis=none) '
             'header.from=Example.ORG')
    authserv_id, results = parse_field(value)
    assert authserv_id == MX
    assert results == (AuthResult("dkim", "pass", {"header.d": "example.org", "header.s": "sel1"}),
                       AuthResult("spf", "pass", {"smtp.mailfrom": "example.org"}),
                       AuthResult("dmarc", "fail", {"header.from": "Example.ORG"}))
    assert parse_field(f"{MX}; none") == (MX, ())
    assert parse_field("") == ("", ())


def test_only_the_topmost_fields_of_our_server_count() -> None:
    ours_pass = f"{MX}; dmarc=pass header.from=example.org"
    assert authentication([ours_pass], MX, "example.org").dmarc == "pass"
    # Another server inside the organisation added its field after ours: passed over.
    assert authentication(["internal.example; none", ours_pass], MX, "example.org").dmarc == "pass"
    # Below a field of another server, a field naming ours came with the mail: forgeable, ignored.
    forged = authentication([f"{MX}; spf=none", "relay.example; dmarc=fail", ours_pass], MX, "example.org")
    assert (forged.authserv_id, forged.dmarc) == (MX, None)
    assert forged.evidence == f"{MX}: dmarc=absent"
    nothing = authentication(["relay.example; dmarc=pass header.from=example.org"], MX, "example.org")
    assert nothing.authserv_id is None and nothing.evidence == "no Authentication-Results from our mail server"


def test_a_fail_in_our_block_wins_and_a_pass_must_be_for_the_from_domain() -> None:
    fail = f"{MX}; dmarc=fail header.from=example.org"
    assert authentication([f"{MX}; dmarc=pass header.from=example.org", fail], MX, "example.org").dmarc == "fail"
    assert authentication([f"{MX}; dmarc=pass header.from=other.example"], MX, "example.org").dmarc == "none"
    assert authentication([f"{MX}; dmarc=pass"], MX, "example.org").dmarc == "pass"

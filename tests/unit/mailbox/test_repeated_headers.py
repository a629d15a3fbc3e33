"""A header given twice (found by the hostile-mail suite's mutator, issue 11 item 8): mail-parser hands its values
back as a list. The message is read with the first occurrence, as the stdlib and mail-parser's own address headers
read it, instead of failing (a repeated Subject set the message aside as "internal error: AttributeError")."""

from __future__ import annotations

from intake.mailbox import parse
from tests.mail import request


def twice(name: str, first: str) -> bytes:
    return f"{name}: {first}\r\n".encode() + request()


def test_a_repeated_subject_is_read_as_its_first_occurrence() -> None:
    parsed = parse(twice("Subject", "Parking income"))
    assert parsed.subject == "Parking income" and parsed.from_address == "priya@example.org"


def test_a_repeated_content_type_or_precedence_is_a_value_not_a_python_list() -> None:
    assert parse(twice("Content-Type", "text/plain; charset=utf-8")).content_type == "text/plain"
    assert parse(twice("Precedence", "bulk").replace(b"Subject:", b"Precedence: list\r\nSubject:")).header(
        "precedence") == "bulk"

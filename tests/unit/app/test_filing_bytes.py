"""Maildir filing moves each message as the file it is (issue 11 item 3): mail that cannot be written out again by
`email.generator` (a 300-deep message/rfc822 nest, 8-bit headers) is filed byte for byte, and the pass and the
outbox behind it go on. The embedded default: Maildir, SQLite, file outbox."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from sqlalchemy import select

from intake.app import App, build
from intake.caselog import Message
from intake.cli import demo_settings
from tests.mail import request


def nested(depth: int) -> bytes:
    """A message forwarding a message forwarding a message… `depth` times (about 20 kB at 300)."""
    inner = b"From: someone@example.org\r\nSubject: the original\r\n\r\nPlease send me the board minutes.\r\n"
    for _ in range(depth):
        inner = b"From: relay@example.org\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n" + inner
    return (b"From: Nest <nest@example.org>\r\nTo: foi.requests@example-icb.nhs.uk\r\nSubject: deep\r\n"
            b"Message-ID: <nest@example.org>\r\nDate: Mon, 16 Nov 2026 09:30:00 +0000\r\n" + inner)


def eight_bit() -> bytes:
    """Raw Latin-1 in a header and an undeclared 8-bit body: what real relays send."""
    return (b"From: Ren\xe9e Dubois <renee@example.org>\r\nTo: foi.requests@example-icb.nhs.uk\r\n"
            b"Subject: Caf\xe9 contracts \xff\xfe\r\nMessage-ID: <eight@example.org>\r\n"
            b"Date: Mon, 16 Nov 2026 09:30:00 +0000\r\n\r\nPlease send me the caf\xe9 contracts for 2025.\r\n"
            b"Ren\xe9e Dubois\r\n")


@pytest.fixture
def app(tmp_path: Path) -> App:
    settings = demo_settings(tmp_path)
    return build(settings, create=True)


def files(root: Path) -> dict[str, bytes]:
    """Every message file under the Maildir, by its folder ('' for the inbox)."""
    out = {}
    for path in root.rglob("*"):
        if path.is_file() and path.parent.name in ("new", "cur"):
            folder = path.parent.parent.relative_to(root).as_posix()
            out[f"{folder}/{path.name}"] = path.read_bytes()
    return out


@pytest.mark.parametrize("odd", [nested(300), eight_bit()], ids=["300-deep nest", "8-bit headers"])
def test_odd_mail_is_filed_byte_for_byte_and_the_outbox_goes_on(app: App, odd: bytes) -> None:
    root = Path(str(app.settings.mailbox.path))
    box = mailbox.Maildir(root, create=True)
    box.add(odd)
    box.add(request())
    report, flushed = app.poll_and_flush()
    assert report.filed == 2 and flushed.sent >= 1  # the request behind it is acknowledged
    kept = [raw for name, raw in files(root).items() if not name.startswith("./")]
    assert odd in kept  # moved as the bytes it arrived as, into a queue folder
    with app.sessions() as s:
        assert all(m.filed_in for m in s.scalars(select(Message)))

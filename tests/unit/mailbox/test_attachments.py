"""A request sent as an attachment is read (.txt, .docx, .odt, .pdf) within limits; a hostile file never stops
the message."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.policy import SMTP

import docx
import pytest
from odf import text as odf_text
from odf.opendocument import OpenDocumentText

from intake.mailbox.attachments import Limits, read_attachment
from intake.mailbox.parse import html_to_text, parse

ASKED = "1. How many beds are there at Fenwick Road?\n2. What is the annual rent?"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(lines: list[str]) -> bytes:
    document = OpenDocumentText()
    for line in lines:
        document.text.addElement(odf_text.P(text=line))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def pdf_bytes(line: str) -> bytes:
    """A one-page PDF with one line of text, written by hand (byte offsets in the xref table)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def with_attachment(filename: str, content_type: str, data: bytes, body: str = "Please see attached.\n\nJo Bloggs\n"
                    ) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Jo Bloggs <jo@example.org>", "foi@example-icb.nhs.uk", "FOI request"
    msg.set_content(body)
    maintype, subtype = content_type.split("/", 1)
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)


@pytest.mark.parametrize(("filename", "content_type", "data"), [
    ("request.txt", "text/plain", ASKED.encode("cp1252")),
    ("request.docx", DOCX, docx_bytes(ASKED.split("\n"))),
    ("request.odt", "application/vnd.oasis.opendocument.text", odt_bytes(ASKED.split("\n"))),
])
def test_the_request_in_an_attachment_is_read(filename: str, content_type: str, data: bytes) -> None:
    parsed = parse(with_attachment(filename, content_type, data))
    assert parsed.attachments == (filename,)
    assert [" ".join(t.split()) for t in parsed.attachment_texts] == [" ".join(ASKED.split())]


def test_a_pdf_is_read() -> None:
    parsed = parse(with_attachment("request.pdf", "application/pdf", pdf_bytes("How many beds are there?")))
    assert "How many beds are there?" in parsed.attachment_texts[0]


@pytest.mark.parametrize(("filename", "content_type", "data"), [
    ("broken.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog" + b"\x00" * 500),
    ("broken.docx", DOCX, b"PK\x03\x04 not really a zip"),
    ("broken.odt", "application/vnd.oasis.opendocument.text", b"garbage"),
    ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 100),
])
def test_an_unreadable_attachment_leaves_the_message_to_go_on(filename: str, content_type: str, data: bytes) -> None:
    parsed = parse(with_attachment(filename, content_type, data, body="Please see attached.\n\nJo Bloggs\n"))
    assert parsed.attachment_texts == () and parsed.attachments == (filename,)
    assert parsed.text.startswith("Please see attached.")


def test_a_zip_bomb_is_not_unpacked() -> None:
    out = io.BytesIO(docx_bytes(["How many beds are there?"]))
    assert read_attachment("fine.docx", DOCX, out.getvalue()) == "How many beds are there?"
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/padding.bin", b"\x00" * (30 * 1024 * 1024))  # 30 MB of zeros, a few KB packed
    bomb = out.getvalue()
    assert len(bomb) < 200_000
    assert read_attachment("bomb.docx", DOCX, bomb) == ""


def test_limits_cap_the_bytes_the_pages_and_the_text() -> None:
    assert read_attachment("big.txt", "text/plain", b"x" * 101, Limits(max_bytes=100)) == ""
    assert read_attachment("long.txt", "text/plain", b"y" * 500, Limits(max_chars=50)) == "y" * 50
    pdf = pdf_bytes("First page only")
    assert "First page only" in read_attachment("one.pdf", "application/pdf", pdf, Limits(max_pages=1))
    assert read_attachment("none.pdf", "application/pdf", pdf, Limits(max_pages=0)) == ""


def test_html_lists_keep_their_numbers_and_bullets() -> None:
    text = html_to_text("<p>Please provide:</p><ol><li>How many beds?</li><li>How many staff?</li></ol>"
                        "<ul><li>Site A</li><li>Site B</li></ul>")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines == ["Please provide:", "1. How many beds?", "2. How many staff?", "- Site A", "- Site B"]

"""The text of a request sent as an attachment (.txt, .docx, .odt, .pdf), read within limits.

A hostile or broken attachment must never hang or stop the worker: each file is capped in bytes (and a zipped
format in the size it unpacks to), a PDF in pages, the text in characters, and any library error leaves that
attachment unread — the message still goes on, and a person can read the file.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message

log = logging.getLogger(__name__)

__all__ = ["Limits", "attachment_texts", "read_attachment"]


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024  # one attachment as sent
    max_unpacked: int = 20 * 1024 * 1024  # a .docx or .odt is a zip: what it unpacks to (a zip bomb is tiny)
    max_pages: int = 20  # a PDF's pages read; a request is never longer
    max_chars: int = 20_000  # the text kept from one attachment
    max_files: int = 5  # attachments read from one message


DEFAULT = Limits()


def _txt(data: bytes, limits: Limits) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _unpacked_ok(data: bytes, limits: Limits) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(info.file_size for info in zf.infolist()) <= limits.max_unpacked


def _docx(data: bytes, limits: Limits) -> str:
    if not _unpacked_ok(data, limits):
        raise ValueError("unpacks too large")
    from docx import Document

    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    lines += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _odt(data: bytes, limits: Limits) -> str:
    if not _unpacked_ok(data, limits):
        raise ValueError("unpacks too large")
    from odf import teletype, text
    from odf.opendocument import load

    doc = load(io.BytesIO(data))
    return "\n".join(str(teletype.extractText(p)) for p in doc.getElementsByType(text.P))


def _pdf(data: bytes, limits: Limits) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    pages = []
    for page in reader.pages[: limits.max_pages]:
        pages.append(page.extract_text() or "")
        if sum(map(len, pages)) > limits.max_chars:
            break
    return "\n".join(pages)


_READERS: dict[str, Callable[[bytes, Limits], str]] = {".txt": _txt, ".docx": _docx, ".odt": _odt, ".pdf": _pdf}
_TYPES = {"text/plain": ".txt", "application/pdf": ".pdf",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
          "application/vnd.oasis.opendocument.text": ".odt"}


def _kind(filename: str, content_type: str) -> str | None:
    name = filename.lower()
    for suffix in _READERS:
        if name.endswith(suffix):
            return suffix
    return _TYPES.get(content_type.lower()) if filename else None


def read_attachment(filename: str, content_type: str, data: bytes, limits: Limits = DEFAULT) -> str:
    """The text of one attachment, or "" when it is of another kind, too large or unreadable."""
    kind = _kind(filename, content_type)
    if kind is None or not data:
        return ""
    if len(data) > limits.max_bytes:
        log.info("attachment of %d bytes not read (limit %d)", len(data), limits.max_bytes)
        return ""
    try:
        text = _READERS[kind](data, limits)
    except Exception as exc:  # a broken or hostile file: each library raises its own errors
        log.info("attachment (%s) not read: %s", kind, type(exc).__name__)
        return ""
    return text.replace("\r\n", "\n").strip()[: limits.max_chars]


def _parts(message: Message) -> Iterable[tuple[str, str, bytes]]:
    for part in message.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        filename = part.get_filename() or ""
        if not filename and part.get_content_disposition() != "attachment":
            continue  # the body itself, not an attachment
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            yield filename, part.get_content_type(), payload


def attachment_texts(message: Message, limits: Limits = DEFAULT) -> tuple[str, ...]:
    """The readable text of each attachment of `message`, in order, within `limits`."""
    texts: list[str] = []
    for filename, content_type, data in _parts(message):
        if len(texts) >= limits.max_files:
            break
        text = read_attachment(filename, content_type, data, limits)
        if text:
            texts.append(text)
    return tuple(texts)

"""The labelled sets: our corpus (`tests/corpus/`) and the public requests in `../shared`.

- our corpus, `tests/corpus/*.eml` with `tests/corpus/labels.json` (`load_corpus`);
- the blind corpus, `tests/corpus-blind/`, the same shape, written by someone who had not read the rules;
- the public requests, `../shared/corpus/requests-public/*.json` beside the repository
  (`load_public`), each turned into an RFC 5322 message in memory. Their kind `other` (a chaser) is
  our `general_enquiry`; labels that are null there are left out, so they are not scored.

Scored as in our corpus: validity and missing parts only for requests (the public set's `valid_foi: false` on an
auto-reply or an enquiry says "not a request", which is our kind, not our validity), and missing parts only where
validity could be judged (a disclosure log removes the requester's name). A chaser or a reply on a case is labelled
`follow_up` (the public `other`; ours: a general enquiry quoting a reference or noted as a chaser), so a new case
opened for it counts as a wrong notice (bench/notices.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any

FOI_ADDRESS = "foi.requests@example-icb.nhs.uk"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # beside the repository, here and in CI
CORPUS_DIR = REPO / "tests" / "corpus"
BLIND_DIR = REPO / "tests" / "corpus-blind"  # written by someone who had not read the rules
PUBLIC_DIR = SHARED / "corpus" / "requests-public"
FLANKER_DIR = SHARED / "corpus" / "flanker"



# ---------------------------------------------------------------------------------------------
# Labelled examples


@dataclass(frozen=True)
class Example:
    """One labelled message: its raw bytes and the labels an FOI officer gave it."""

    name: str
    raw: bytes
    expected: Mapping[str, Any]
    notes: str = ""


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Our corpus: every `*.eml` in `directory`, labelled by `labels.json` (file name → labels)."""
    labels: dict[str, dict[str, Any]] = json.loads((directory / "labels.json").read_text("utf-8"))
    files = {p.name: p for p in directory.glob("*.eml")}
    unlabelled, orphans = sorted(files.keys() - labels.keys()), sorted(labels.keys() - files.keys())
    if unlabelled or orphans:
        raise ValueError(f"corpus and labels disagree: unlabelled {unlabelled}, no file for {orphans}")
    examples = []
    for name in sorted(files):
        expected = dict(labels[name])
        notes = str(expected.pop("notes", "") or "")
        expected["follow_up"] = expected.get("kind") == "general_enquiry" and bool(
            expected.get("reference") or "chaser" in notes.lower())
        examples.append(Example(name, files[name].read_bytes(), expected, notes))
    return examples


# Public label name → our label name; the public set has no regime, name or question labels.
_PUBLIC_LABELS = {"valid_foi": "valid", "missing": "missing", "media": "media",
                  "subject_access": "subject_access", "eir": "eir", "kind": "kind"}
_PUBLIC_KINDS = {"other": "general_enquiry"}  # chasers are routine business for us
_REQUEST_KINDS = ("foi_request", "reuse_request")  # the kinds validity is judged for


def public_message(number: str, record: Mapping[str, Any]) -> bytes:
    """An RFC 5322 message as WhatDoTheyKnow would relay the public request `record` to us."""
    msg = EmailMessage()
    msg["From"] = Address(display_name=str(record.get("from_name") or ""),
                          addr_spec=f"request-{number}@whatdotheyknow.com")
    msg["To"] = Address(display_name="FOI Requests", addr_spec=FOI_ADDRESS)
    msg["Subject"] = str(record.get("subject") or "")
    msg["Date"] = format_datetime(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = f"<request-{number}-public@whatdotheyknow.com>"
    msg.set_content(str(record.get("body") or ""))
    return msg.as_bytes(policy=SMTP)


def load_public(directory: Path = PUBLIC_DIR) -> list[Example]:
    """The public requests: one `NNN.json` each, built into a message; null labels are left out."""
    examples = []
    for path in sorted(directory.glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        expected: dict[str, Any] = {}
        for theirs, ours in _PUBLIC_LABELS.items():
            value = (record.get("labels") or {}).get(theirs)
            if value is None:
                continue
            expected[ours] = _PUBLIC_KINDS.get(value, value) if ours == "kind" else value
        expected["follow_up"] = (record.get("labels") or {}).get("kind") == "other"
        if expected.get("kind") not in _REQUEST_KINDS:
            expected.pop("valid", None)
            expected.pop("missing", None)
        elif expected.get("valid") is None:
            expected.pop("missing", None)
        examples.append(Example(path.name, public_message(path.stem, record), expected,
                                str(record.get("notes") or "")))
    return examples

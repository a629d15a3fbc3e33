"""Related requests are flagged for a person, never refused: a campaign (one request reworded by ten senders,
`tests/corpus/related/campaign.json`) within 60 working days, and a requester asking again months later (s.14(2)).
The embedded default with the real classifier's rules, as a deployment runs it."""

from __future__ import annotations

import json
import mailbox
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intake.app import App, build
from intake.caselog import Case, Notice
from intake.cli import demo_settings, main
from intake.vocabulary import EventType
from tests.conftest import ORGANISATION
from tests.mail import request

CAMPAIGN = json.loads((Path(__file__).parents[2] / "corpus" / "related" / "campaign.json").read_text())["messages"]
START = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(tmp_path: Path) -> App:
    settings = demo_settings(tmp_path)
    return build(replace(settings, classifier=replace(settings.classifier, model="")), create=True)


def deliver(app: App, when: datetime, sender: str, subject: str, body: str) -> None:
    box = mailbox.Maildir(str(app.settings.mailbox.path), create=True)
    key = box.add(request(sender=sender, subject=subject, body=f"Dear FOI team,\n\n{body}\n\nRegards,\n"
                                                                f"{sender.split(' <')[0]}\n", when=when))
    path = Path(str(app.settings.mailbox.path)) / "new" / key
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))  # a Maildir's arrival time is the file's


def flags(app: App) -> dict[str, list[str]]:
    with app.sessions() as s:
        return {c.reference: [r for e in c.events if e.type == EventType.POSSIBLY_RELATED for r in e.data["related_to"]]
                for c in s.scalars(select(Case).order_by(Case.id))}


def test_a_campaign_is_flagged_and_nearby_subjects_are_not(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    for i, m in enumerate(CAMPAIGN):  # over a fortnight, a working day apart or so
        deliver(app, START + timedelta(days=i), m["sender"], m["subject"], m["body"])
    app.intake.poll_once()
    found = flags(app)
    refs = list(found)
    assert len(refs) == len(CAMPAIGN)  # every one a case of its own, acknowledged as usual
    group = {ref for ref, m in zip(refs, CAMPAIGN, strict=True) if m["related"]}
    for ref, m in zip(refs, CAMPAIGN, strict=True):
        if m["related"] is None:
            assert found[ref] == [], (m["subject"], found[ref])
        assert set(found[ref]) <= (group if m["related"] else set()), (m["subject"], found[ref])
    flagged = [ref for ref in refs[1:10] if found[ref]]
    assert flagged == refs[1:10]  # every campaign request after the first points at an earlier one
    assert not any(set(found[ref]) & group for ref in refs[10:])
    with app.sessions() as s:  # each acknowledged as usual, none refused
        assert {c.status for c in s.scalars(select(Case))} == {"open"}
        assert s.scalar(select(func.count()).select_from(Notice).where(Notice.kind == "acknowledgement")) == 13
    app.daily()
    with app.sessions() as s:
        digest = s.scalar(select(Notice).where(Notice.kind == "digest"))
        assert digest is not None
        body = " ".join(message_from_bytes(digest.raw, policy=default).get_body(("plain",)).get_content().split())
    assert "Possibly related requests (9)" in body and f"similar to {refs[0]}, " in body


def test_cases_show_names_the_similar_request_and_how_alike(app: App, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    first, second = CAMPAIGN[0], CAMPAIGN[5]
    deliver(app, START, first["sender"], first["subject"], first["body"])
    deliver(app, START + timedelta(days=2), second["sender"], second["subject"], second["body"])
    app.intake.poll_once()
    earlier, later = list(flags(app))
    config = tmp_path / "foi.toml"
    config.write_text(f'{ORGANISATION}\n[mailbox]\nkind = "maildir"\npath = "mail/FOI.Requests"\n'
                      f'[smtp]\nkind = "file"\npath = "outbox"\n[database]\nurl = "{app.settings.database.url}"\n')
    assert main(["--config", str(config), "cases", "show", later]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.strip().startswith("related:"))
    assert f"similar to {earlier}, " in line and "% (another requester, 2 working days earlier; aggregate?)" in line


def test_the_same_request_months_later_is_a_possible_repeat(app: App) -> None:
    m = CAMPAIGN[0]
    deliver(app, START, m["sender"], m["subject"], m["body"])
    deliver(app, START + timedelta(days=150), m["sender"], m["subject"], m["body"])  # past 60 working days
    deliver(app, START + timedelta(days=151), CAMPAIGN[1]["sender"], m["subject"], m["body"])  # someone else
    app.intake.poll_once()
    first, again, other = flags(app).items()
    assert again[1] == [first[0]] and other[1] == [again[0]]  # the other is within 60 days of the repeat only
    with app.sessions() as s:
        event = next(e for e in s.scalar(select(Case).where(Case.reference == again[0])).events
                     if e.type == EventType.POSSIBLY_RELATED)
        [match] = event.data["matches"]
        assert match["repeat"] and not match["aggregate"] and match["same_requester"] and match["similarity"] == 100

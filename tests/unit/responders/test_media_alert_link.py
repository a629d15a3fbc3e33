"""The media alert links Communications to the case's sign-off page on the web desk when `[web] base_url` is set;
without one it says how the FOI team records the sign-off."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from intake.caselog import Case, add_event, create_schema, make_engine, next_reference, session_factory
from intake.vocabulary import EventType, MessageKind, NoticePurpose, Regime
from responders.notify import Notifier
from tests.unit.responders.conftest import NOW, settings_in


def _alert(tmp: Path, **web: str) -> tuple[str, str, str]:
    settings = settings_in(tmp, web=web) if web else settings_in(tmp)
    engine = make_engine(settings.database.url)
    create_schema(engine)
    with session_factory(engine)() as s:
        case = Case(reference=next_reference(s, settings.organisation.reference_format, NOW.date()),
                    kind=MessageKind.FOI_REQUEST, regime=Regime.FOI, flags=["media"], initial_received_at=NOW,
                    received_at=NOW, requester_name="Jess Harland", requester_email="jess@news.example",
                    requester_address="jess@news.example", description="Ambulance handovers", questions=[],
                    valid=True, missing=[], reasons=[])
        s.add(case)
        add_event(s, case, EventType.RECEIVED, NOW)
        s.flush()
        queued = Notifier(settings).queue(s, case, NoticePurpose.MEDIA_ALERT, now=NOW, extra={"outlet": "Gazette"})
        raw = next(n.raw for n in case.notices if n.id == queued.notice_id)
        reference = case.reference
    engine.dispose()
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    text, html = (msg.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    assert text is not None and html is not None
    return reference, text.get_content(), html.get_content()


def test_the_alert_links_to_the_sign_off_page(tmp_path: Path) -> None:
    reference, text, html = _alert(tmp_path, base_url="https://foi-desk.example-icb.nhs.uk")
    link = f"https://foi-desk.example-icb.nhs.uk/cases/{reference}/signoff"
    assert link in text and f'href="{link}"' in html
    assert "foi-intake case" not in text


def test_without_a_desk_the_alert_names_the_command(tmp_path: Path) -> None:
    reference, text, _ = _alert(tmp_path)
    assert f"foi-intake case {reference} comms-signoff" in text and "/signoff" not in text

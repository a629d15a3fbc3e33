"""The monthly report email: with `[reports] monthly_email = true` the daily job queues the previous month's
report to the DSP team once, the figures as text and the HTML report attached; off by default."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Notice
from intake.vocabulary import NoticePurpose
from responders.desk import Desk
from tests.unit.responders.conftest import DSP, NewCase, settings_in
from tests.unit.responders.report_log import build_q3_log

FIRST_OF_OCTOBER = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_in(tmp_path, reports={"monthly_email": True})


def monthly(session: Session) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.kind == NoticePurpose.MONTHLY_REPORT)))


def test_the_previous_months_report_goes_to_the_dsp_team_once(desk: Desk, session: Session,
                                                              new_case: NewCase) -> None:
    build_q3_log(desk, session, new_case)
    counts = desk.daily(session, FIRST_OF_OCTOBER)
    assert counts["monthly_report"] == 1 and counts["digest"] == 1
    assert desk.daily(session, FIRST_OF_OCTOBER.replace(hour=9))["monthly_report"] == 0  # once a month
    [notice] = monthly(session)
    assert notice.to_address == DSP and notice.subject == "FOI monthly report: September 2026"
    msg = message_from_bytes(notice.raw, policy=default)
    assert isinstance(msg, EmailMessage) and msg["Auto-Submitted"] == "auto-generated"
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "September 2026, 1 Sep 2026 to 30 Sep 2026" in text and "Subject access requests" in text
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "foi-report-2026-09.html"
    html = attachment.get_content()
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 4 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)


def test_off_by_default(tmp_path: Path, session: Session) -> None:
    desk = Desk(settings_in(tmp_path))
    assert "monthly_report" not in desk.daily(session, FIRST_OF_OCTOBER)
    assert monthly(session) == []

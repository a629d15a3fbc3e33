"""The monthly report email to the DSP team (`[reports] monthly_email = true`): the previous month's figures as
text, with the HTML report and its charts attached, queued once a month through the outbox like the digest."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from intake.caselog import Notice
from intake.vocabulary import NoticePurpose
from responders.compose import safe_header
from responders.render import Renderer
from responders.reports.figures import build_report
from responders.reports.html import render_html
from responders.reports.period import previous_month
from responders.reports.text import render_text

__all__ = ["queue_monthly_report"]


def queue_monthly_report(s: Session, settings: Settings, renderer: Renderer, now: datetime) -> int | None:
    """Queue last month's report unless it is off or already queued; the notice's id, or None."""
    if not settings.reports.monthly_email:
        return None
    org = settings.organisation
    today = now.astimezone(ZoneInfo(org.timezone)).date()
    month = previous_month(today)
    key = f"{NoticePurpose.MONTHLY_REPORT}:{month.start:%Y-%m}"
    if s.scalar(select(Notice.id).where(Notice.dedup_key == key)) is not None:
        return None
    report = build_report(s, settings, month, today)
    to = settings.reports.monthly_to or org.dsp_address
    msg = EmailMessage(policy=SMTP)
    message_id = make_msgid(idstring="foi", domain=org.foi_address.split("@", 1)[-1])
    msg["Message-ID"], msg["Date"] = message_id, format_datetime(now)
    msg["From"] = f"{safe_header(org.name)} FOI <{org.foi_address}>"
    msg["To"] = safe_header(to, 320)
    msg["Subject"] = safe_header(f"FOI monthly report: {month.label}", 250)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: a report, not a reply; robots must not answer it
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(render_text(report) + "\n\nThe report with its charts is attached: open the HTML file in a "
                                          "browser, or forward it as it is.\n")
    msg.add_attachment(render_html(report, renderer).encode("utf-8"), maintype="text", subtype="html",
                       filename=f"foi-report-{month.start:%Y-%m}.html")
    notice = Notice(case_id=None, dedup_key=key, kind=NoticePurpose.MONTHLY_REPORT, to_address=to.lower(),
                    subject=msg["Subject"], message_id=message_id, raw=msg.as_bytes())
    s.add(notice)
    s.flush()
    return notice.id

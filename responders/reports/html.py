"""The HTML report: one standalone file (charts embedded as base64 PNGs), from a Jinja2 template that a
deployment may override like every other (`[responders] templates_dir`, `reports/report.html.j2`)."""

from __future__ import annotations

from responders.render import Renderer
from responders.reports.charts import charts
from responders.reports.figures import Report
from responders.reports.text import CATEGORY_LABELS, TIMELINESS_LABELS

__all__ = ["TEMPLATE", "render_html"]

TEMPLATE = "reports/report.html.j2"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def render_html(report: Report, renderer: Renderer | None = None) -> str:
    env = (renderer or Renderer()).env
    return env.get_template(TEMPLATE).render(
        org=report.organisation, period=report.period, today=report.today, code=report.code, reviews=report.reviews,
        policy=report.policy, co=report.cabinet_office, sar=report.sar, monthly=report.monthly,
        reuse_received=report.reuse_received, media=report.media, charts=charts(report), pct=_pct,
        timeliness_labels=TIMELINESS_LABELS, category_labels=CATEGORY_LABELS)

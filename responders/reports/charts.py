"""The report's charts, drawn on matplotlib's Agg canvas (no display) and returned as base64 PNGs, so the HTML
file stands alone: monthly requests and timeliness, outcomes, exemptions used, median days to respond."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from responders.reports.figures import Report
from responders.reports.text import CATEGORY_LABELS, section_label

__all__ = ["Chart", "charts"]

logging.getLogger("matplotlib").setLevel(logging.WARNING)  # its font cache notes are not the operator's business

# NHS identity colours: blue, dark blue, warm yellow, red, mid grey, green.
_BLUE, _DARK, _YELLOW, _RED, _GREY, _GREEN = "#005EB8", "#003087", "#FFB81C", "#DA291C", "#768692", "#009639"
_LIMIT = 20  # FOIA s.10(1), EIR reg 5(2): the line the median is read against


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    alt: str  # what the chart shows, for a screen reader and for the email client that hides images
    png_base64: str


def _figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas of its own: no display, no pyplot state shared between threads."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> str:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _month_label(month: str) -> str:
    year, m = month.split("-")
    return ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][int(m) - 1] + \
        f" {year[2:]}"


def _monthly(r: Report) -> Chart:
    fig = _figure(8.5, 3.6)
    received, timely = fig.subplots(1, 2)
    labels = [_month_label(m.month) for m in r.monthly]
    x = list(range(len(labels)))
    bottom = [0] * len(x)
    for name, values, colour in (("FOI", [m.foi for m in r.monthly], _BLUE),
                                 ("EIR", [m.eir for m in r.monthly], _GREEN),
                                 ("SAR", [m.sar for m in r.monthly], _GREY)):
        received.bar(x, values, bottom=bottom, color=colour, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    received.set_title("Requests received", fontsize=10)
    bottom = [0] * len(x)
    for name, values, colour in (("in time", [m.in_time for m in r.monthly], _BLUE),
                                 ("within extension", [m.extended for m in r.monthly], _YELLOW),
                                 ("late", [m.late for m in r.monthly], _RED),
                                 ("not yet processed", [m.open for m in r.monthly], _GREY)):
        timely.bar(x, values, bottom=bottom, color=colour, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    timely.set_title("FOI/EIR timeliness, by month received", fontsize=10)
    for ax in (received, timely):
        ax.set_xticks(x, labels, rotation=45 if len(x) > 4 else 0, fontsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=7, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    total = sum(m.foi + m.eir + m.sar for m in r.monthly)
    late = sum(m.late for m in r.monthly)
    alt = (f"Requests received each month, {total} in all (FOI, EIR and subject access); and FOI/EIR requests "
           f"by month received: in time, within an extension, late ({late}), or not yet processed.")
    return Chart("monthly", "Requests and timeliness by month", alt, _png(fig))


def _bars(key: str, title: str, items: list[tuple[str, int]], colour: str, empty: str) -> Chart:
    fig = _figure(8.5, max(1.6, 0.34 * len(items) + 0.8))
    ax = fig.subplots()
    if items:
        labels, values = zip(*reversed(items), strict=True)
        ax.barh(list(labels), list(values), color=colour)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
    else:
        ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes, fontsize=9)
        ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=10)
    alt = f"{title}: " + ("; ".join(f"{k} {v}" for k, v in items) if items else empty)
    return Chart(key, title, alt, _png(fig))


def _median(r: Report) -> Chart:
    fig = _figure(8.5, 2.8)
    ax = fig.subplots()
    points = [(i, m.median_days) for i, m in enumerate(r.monthly) if m.median_days is not None]
    if points:
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", color=_DARK)
    ax.axhline(_LIMIT, color=_RED, linestyle="--", linewidth=1, label="20 working days (FOIA s.10(1))")
    ax.set_xticks(range(len(r.monthly)), [_month_label(m.month) for m in r.monthly], fontsize=8)
    ax.set_ylim(0, max([_LIMIT + 5, *(y + 3 for _, y in points)]))
    ax.set_ylabel("working days", fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Median working days to respond (FOI/EIR, by month received)", fontsize=10)
    alt = "Median working days to respond: " + ("; ".join(
        f"{_month_label(m.month)} {m.median_days:g}" for m in r.monthly if m.median_days is not None) or "none yet")
    return Chart("median", "Median days to respond", alt, _png(fig))


def charts(r: Report) -> list[Chart]:
    outcomes = [(CATEGORY_LABELS[k], v) for k, v in r.cabinet_office.outcomes.items() if v]
    exemptions = [(section_label(k), v) for k, v in r.cabinet_office.exemptions.items()]
    return [_monthly(r),
            _bars("outcomes", "Outcomes of FOI/EIR requests", outcomes, _BLUE, "no requests in the period"),
            _bars("exemptions", "Exemptions and exceptions applied (requests citing each)", exemptions, _DARK,
                  "no exemption applied in the period"),
            _median(r)]

"""The report as a person reads it in a terminal: each law's figures under its own heading."""

from __future__ import annotations

from responders.reports.figures import Report

__all__ = ["CATEGORY_LABELS", "TIMELINESS_LABELS", "render_text", "section_label"]

TIMELINESS_LABELS = {"in_time": "within 20 working days", "permitted_extension": "within a lawful extension",
                     "fee_paused": "in time, clock paused for a fee", "late": "late",
                     "not_yet_processed": "not yet processed"}
CATEGORY_LABELS = {"granted": "granted in full", "part": "granted in part", "refused": "refused in full (exemptions)",
                   "s21_only": "refused: s.21 only (reasonably accessible)", "not_held": "information not held",
                   "s12": "refused: s.12 cost limit", "s14_1": "refused: s.14(1) vexatious",
                   "s14_2": "refused: s.14(2) repeated",
                   "lapsed_withdrawn_transferred": "lapsed, withdrawn or transferred",
                   "not_yet_processed": "not yet processed"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _line(label: str, value: object, width: int = 46) -> str:
    return f"  {label + ':':<{width}}{value}"


def render_text(r: Report) -> str:
    c, p, co, rv, sar = r.code, r.policy, r.cabinet_office, r.reviews, r.sar
    regimes = ", ".join(f"{k.upper()} {v}" for k, v in sorted(r.by_regime.items()))
    lines = [
        f"{r.organisation}: requests received {r.period.describe}; figures as at {r.today.day} {r.today:%b %Y}",
        "",
        "FOI and EIR requests (s.45 Code of Practice, paras 8.5-8.6)",
        _line("received", f"{c.received}" + (f"  ({regimes})" if regimes else "")),
        _line("not yet processed", c.not_yet_processed),
        _line("processed in full", c.processed_in_full),
        _line("  within the statutory deadline", c.within_deadline),
        _line("  within a lawful extension", c.with_lawful_extension),
        _line("  later than the deadline", c.late),
        _line("closed without a response", c.closed_without_response),
        _line("granted in full", c.granted_in_full),
        _line("granted in part", c.granted_in_part),
        _line("refused in full", c.refused_in_full),
        _line("information not held", c.not_held),
        _line("referred for internal review", c.referred_for_internal_review),
        "",
        "Internal reviews received (s.45 Code Part 5; EIR reg 11)",
        _line("received", rv.received),
        _line("upheld / reversed / pending", f"{rv.upheld} / {rv.reversed} / {rv.pending}"),
        _line("decided within 20 working days", rv.decided_within_20),
        _line("decided within 40 (complex)", rv.decided_within_40),
        _line("decided late", rv.decided_late),
        _line("pending and overdue", rv.pending_overdue),
        "",
        "Monitoring figures for the DSPG (policy 31.2)",
        _line("requests received", p.received),
        _line("closed within 20 working days", p.closed_within_20_days),
        _line("not completed within 20 working days", len(p.not_within_20_days)),
        *(f"      {x['reference']} due {x['due']}: {x['reason']}" for x in p.not_within_20_days),
        _line("internal reviews received", p.reviews_received),
        _line("  outcomes", ", ".join(f"{k} {v}" for k, v in p.review_outcomes.items())),
        _line("communications from the ICO", p.ico_communications),
        *(f"      {ref}" for ref in p.ico_cases),
        "",
        "Cabinet Office categories (FOI statistics)",
        *(_line(TIMELINESS_LABELS[k], v) for k, v in co.timeliness.items()),
        _line("in time (of those processed)", _pct(co.in_time_percent)),
        *(_line(CATEGORY_LABELS[k], v) for k, v in co.outcomes.items()),
        _line("resolvable requests", co.resolvable),
        _line("granted in full (of resolvable)", _pct(co.granted_in_full_percent)),
        _line("exemptions and exceptions applied",
              ", ".join(f"{section_label(k)} ×{v}" for k, v in co.exemptions.items()) or "none"),
        _line("s.21 the only exemption", co.s21_only),
        "",
        "Subject access requests (UK GDPR Art 12(3); not FOI or EIR)",
        _line("received", sar.received),
        _line("answered within one month", sar.within_one_month),
        _line("extended by two months", sar.extended),
        _line("  answered within the extension", sar.within_extension),
        _line("answered late", sar.late),
        _line("open / open and overdue", f"{sar.open} / {sar.overdue}"),
        *(f"      {x['reference']} due {x['due']}: {x['state']}" for x in sar.late_cases),
        "",
        _line("re-use requests (RPSI 2015)", r.reuse_received),
        _line("media requests (counted in FOI/EIR above)", r.media),
    ]
    return "\n".join(lines)


def section_label(code: str) -> str:
    """"43" -> "s.43"; an EIR regulation ("12(4)(a)", "13") -> "reg 12(4)(a)"."""
    return f"reg {code}" if code.startswith("12(") or code == "13" else f"s.{code}"

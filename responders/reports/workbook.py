"""The Excel workbook (the case log a manager or the ICO asks for, ready to filter) and the CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from responders.reports.caselog import Column
from responders.reports.figures import Report
from responders.reports.text import CATEGORY_LABELS, TIMELINESS_LABELS

__all__ = ["csv_bytes", "rows_workbook_bytes", "workbook_bytes"]

# A cell a spreadsheet would run as a formula (OWASP CSV injection): requester text is kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_HEADER = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="005EB8")  # NHS blue
_DATE = "dd/mm/yyyy"


def _sheet(ws: Worksheet, columns: Iterable[Column], rows: list[dict[str, Any]]) -> None:
    """One row a record under a frozen, filterable header; dates are dates (a filter by month works)."""
    cols = list(columns)
    ws.append([c.heading for c in cols])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER, _FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([row.get(c.key) if row.get(c.key) not in ("", None) else None for c in cols])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # openpyxl would write it as a formula
    for i, c in enumerate(cols, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width
        if c.kind == "date":
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = _DATE
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(ws.max_row, 1)}"


def _figures_sheet(ws: Worksheet, r: Report) -> None:
    ws.append([f"{r.organisation}: requests received {r.period.label}", None])
    ws.append(["From", r.period.start])
    ws.append(["To", r.period.end])
    ws.append(["As at", r.today])
    for row in (2, 3, 4):
        ws.cell(row, 2).number_format = _DATE
    sections: list[tuple[str, list[tuple[str, Any]]]] = [
        ("FOI and EIR requests (s.45 Code of Practice, paras 8.5-8.6)",
         [(k.replace("_", " "), v) for k, v in vars(r.code).items()]),
        ("Internal reviews (s.45 Code Part 5; EIR reg 11)",
         [(k.replace("_", " "), v) for k, v in vars(r.reviews).items()]),
        ("Monitoring figures (policy 31.2)",
         [("requests received", r.policy.received), ("closed within 20 working days", r.policy.closed_within_20_days),
          ("not completed within 20 working days", len(r.policy.not_within_20_days)),
          *((f"  {x['reference']}", x["reason"]) for x in r.policy.not_within_20_days),
          ("internal reviews received", r.policy.reviews_received),
          *((f"  {k}", v) for k, v in r.policy.review_outcomes.items()),
          ("communications from the ICO", r.policy.ico_communications)]),
        ("Cabinet Office categories",
         [*((TIMELINESS_LABELS[k], v) for k, v in r.cabinet_office.timeliness.items()),
          ("in time, % of processed", r.cabinet_office.in_time_percent),
          *((CATEGORY_LABELS[k], v) for k, v in r.cabinet_office.outcomes.items()),
          ("resolvable requests", r.cabinet_office.resolvable),
          ("granted in full, % of resolvable", r.cabinet_office.granted_in_full_percent),
          *((f"exemption {k}", v) for k, v in r.cabinet_office.exemptions.items()),
          ("s.21 the only exemption", r.cabinet_office.s21_only)]),
        ("Subject access requests (UK GDPR Art 12(3))",
         [(k.replace("_", " "), v) for k, v in vars(r.sar).items() if k != "late_cases"]),
    ]
    for title, items in sections:
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for label, value in items:
            ws.append([label, value])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 48, 40


_MONTHLY = (Column("month", "Month", 10), Column("foi", "FOI received", 10, "number"),
            Column("eir", "EIR received", 10, "number"), Column("sar", "SAR received", 10, "number"),
            Column("in_time", "In time", 10, "number"), Column("extended", "Within extension", 10, "number"),
            Column("late", "Late", 10, "number"), Column("open", "Not yet processed", 10, "number"),
            Column("median_days", "Median working days to respond", 14, "number"))


def workbook_bytes(report: Report, case_log: list[dict[str, Any]], case_columns: Iterable[Column]) -> bytes:
    """Sheets: the case log, the figures, the monthly series."""
    wb = Workbook()
    log = wb.active
    assert log is not None
    log.title = "Case log"
    _sheet(log, case_columns, case_log)
    _figures_sheet(wb.create_sheet("Figures"), report)
    _sheet(wb.create_sheet("Monthly"), _MONTHLY, [vars(m) for m in report.monthly])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rows_workbook_bytes(title: str, rows: list[dict[str, Any]], columns: Iterable[Column]) -> bytes:
    """One sheet of rows (the disclosure log)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    _sheet(ws, columns, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict[str, Any]], columns: Iterable[Column]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens names with accents correctly; dates as YYYY-MM-DD."""
    cols = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.heading for c in cols])
    for row in rows:
        writer.writerow([_cell(row.get(c.key)) for c in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text

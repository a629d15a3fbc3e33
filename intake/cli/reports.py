"""`foi-intake report` (the figures, as text, JSON, HTML, Excel or CSV), `foi-intake export disclosure-log` and
`foi-intake import cases` (a team's own spreadsheet into the case log)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from config.settings import Settings
from intake.app import open_existing
from intake.errors import FoiIntakeError
from intake.private import write_private
from responders.reports import Period, PeriodError, build_report, cases_in, financial_year, period, quarter, render_text

__all__ = ["CannotWrite", "add_parsers", "run_export", "run_import", "run_report"]

EXIT_OK, EXIT_FAILURE = 0, 1


class CannotWrite(FoiIntakeError):
    """A report or export file could not be written where the person asked."""


def _period_options(p: argparse.ArgumentParser) -> None:
    when = p.add_argument_group("period (cases the body received in it; default: 1 January to today)")
    when.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    when.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")
    when.add_argument("--quarter", metavar="YYYYQn", help="a calendar quarter: 2026Q3 is July to September 2026")
    when.add_argument("--financial-year", type=int, metavar="YEAR", help="1 April YEAR to 31 March YEAR+1")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD",
                   help="count open cases as they stood on this day (default: today)")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="the figures: s.45 Code, policy 31.2, Cabinet Office, subject access")
    _period_options(report)
    report.add_argument("--json", action="store_true", help="the figures as JSON instead of text")
    report.add_argument("--html", type=Path, metavar="PATH", help="also write the HTML report with its charts")
    report.add_argument("--xlsx", type=Path, metavar="PATH", help="also write the case log and figures as Excel")
    report.add_argument("--csv", type=Path, metavar="PATH", help="also write the case log as CSV")
    export = sub.add_parser("export", help="export for publication")
    what = export.add_subparsers(dest="export_command", required=True)
    log = what.add_parser("disclosure-log", help="answered FOI/EIR requests: reference, date, title, outcome, "
                                                 "exemptions (no personal data)")
    _period_options(log)
    log.add_argument("--out", type=Path, metavar="PATH.csv|PATH.xlsx", help="default: CSV on standard output")
    imp = sub.add_parser("import", help="import a team's existing log")
    kinds = imp.add_subparsers(dest="import_command", required=True)
    cases = kinds.add_parser("cases", help="cases from an Excel workbook or CSV file, all or nothing")
    cases.add_argument("file", type=Path, metavar="FILE.xlsx|FILE.csv")
    cases.add_argument("--mapping", type=Path, required=True, metavar="MAP.toml",
                       help="which column is which (README: Importing a team's log)")
    cases.add_argument("--dry-run", action="store_true", help="read and check every row, write nothing")


def chosen_period(args: argparse.Namespace, today: date) -> Period:
    """The one period the options name; two ways at once, or a start after the end, is refused in one line."""
    ways = [args.quarter is not None, args.financial_year is not None, bool(args.start or args.end)]
    if sum(ways) > 1:
        raise PeriodError("give one of --quarter, --financial-year or --from/--to")
    if args.quarter is not None:
        return quarter(args.quarter)
    if args.financial_year is not None:
        return financial_year(args.financial_year)
    return period(args.start, args.end, today)


def _today(settings: Settings, args: argparse.Namespace) -> date:
    return args.as_of or datetime.now(ZoneInfo(settings.organisation.timezone)).date()


def _write(path: Path, data: bytes, what: str) -> None:
    try:
        write_private(path, data)
    except OSError as exc:
        raise CannotWrite(f"cannot write the {what} to {path}: {exc.strerror}") from None
    print(f"{what} written to {path}", file=sys.stderr)


def run_report(settings: Settings, args: argparse.Namespace) -> int:
    today = _today(settings, args)
    chosen = chosen_period(args, today)
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            report = build_report(s, settings, chosen, today)
            rows = None
            if args.xlsx or args.csv:  # openpyxl and matplotlib load only for the outputs that need them
                from responders.reports.caselog import CASE_LOG_COLUMNS, case_log_rows
                rows = case_log_rows(cases_in(s, settings, chosen), settings, today)
    finally:
        app.close()
    print(json.dumps(report.to_json(), indent=2) if args.json else render_text(report))
    if args.html:
        from responders.reports.html import render_html
        _write(args.html, render_html(report, app.intake.renderer).encode("utf-8"), "HTML report")
    if rows is not None:
        from responders.reports.workbook import csv_bytes, workbook_bytes
        if args.xlsx:
            _write(args.xlsx, workbook_bytes(report, rows, CASE_LOG_COLUMNS), "Excel workbook")
        if args.csv:
            _write(args.csv, csv_bytes(rows, CASE_LOG_COLUMNS), "case log CSV")
    return EXIT_OK


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    from responders.reports.caselog import DISCLOSURE_COLUMNS, disclosure_rows
    from responders.reports.workbook import csv_bytes, rows_workbook_bytes

    today = _today(settings, args)
    chosen = chosen_period(args, today)
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            rows = disclosure_rows(cases_in(s, settings, chosen), settings, today)
    finally:
        app.close()
    if args.out is None:
        sys.stdout.write(csv_bytes(rows, DISCLOSURE_COLUMNS).decode("utf-8-sig"))
    elif args.out.suffix.lower() == ".xlsx":
        _write(args.out, rows_workbook_bytes("Disclosure log", rows, DISCLOSURE_COLUMNS), "disclosure log")
    else:
        _write(args.out, csv_bytes(rows, DISCLOSURE_COLUMNS), "disclosure log")
    return EXIT_OK


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """Every row read, or nothing written: unreadable rows are listed with the reason and exit 1."""
    from responders.imports import import_cases, load_mapping

    mapping = load_mapping(args.mapping)
    app = open_existing(settings)
    try:
        with app.sessions() as s:
            result = import_cases(s, settings, args.file, mapping, dry_run=args.dry_run)
            if result.written:
                s.commit()
            else:
                s.rollback()
    finally:
        app.close()
    for row, why in result.unreadable:
        print(f"row {row}: {why}", file=sys.stderr)
    print(result.summary(args.dry_run))
    return EXIT_FAILURE if result.unreadable else EXIT_OK

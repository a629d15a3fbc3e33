"""A team's own log as rows: an Excel workbook (merged cells filled from their top-left cell, title rows above the
header skipped, blank rows dropped) or a CSV file, each row a dict of heading to value with its row number."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from intake.errors import FoiIntakeError

__all__ = ["ImportRefused", "Row", "read_rows"]


class ImportRefused(FoiIntakeError):
    """The file or its mapping cannot be read at all (one line); nothing is imported."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet numbers it, so a person can find it
    values: dict[str, Any]  # by heading, case-folded


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _grid_xlsx(path: Path, sheet: str | None) -> list[list[Any]]:
    try:
        wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise ImportRefused(f"{path.name} is not an Excel workbook ({type(exc).__name__})") from None
    if sheet is not None and sheet not in wb.sheetnames:
        raise ImportRefused(f"{path.name} has no sheet {sheet!r}; it has {', '.join(wb.sheetnames)}")
    ws = wb[sheet] if sheet is not None else wb.worksheets[0]
    grid = [[_cell(c) for c in row] for row in ws.iter_rows(values_only=True)]
    # A merged cell holds its value in the top-left cell only: every cell it covers gets that value.
    for merged in ws.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                grid[r][c] = value
    return grid


def _grid_csv(path: Path) -> list[list[Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252")  # Excel's "CSV" on Windows
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


def read_rows(path: Path, headings: set[str], sheet: str | None = None) -> list[Row]:
    """The rows under the first row that holds every one of `headings` (the mapping's required columns)."""
    if not path.is_file():
        raise ImportRefused(f"no file {path}")
    grid = _grid_xlsx(path, sheet) if path.suffix.lower() in (".xlsx", ".xlsm") else _grid_csv(path)
    wanted = {h.casefold() for h in headings}
    for i, row in enumerate(grid):
        names = [str(v).strip() if v is not None else "" for v in row]
        if wanted <= {n.casefold() for n in names if n}:
            header, start = names, i + 1
            break
    else:
        raise ImportRefused(f"{path.name}: no row has all the mapped columns ({', '.join(sorted(headings))})")
    rows = []
    for number, values in enumerate(grid[start:], start=start + 1):
        record = {h.casefold(): v for h, v in zip(header, values, strict=False) if h}
        if all(v in (None, "") for v in record.values()):
            continue  # a blank row
        rows.append(Row(number, record))
    return rows

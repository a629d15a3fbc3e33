"""Importing a team's existing log: `sheet` reads an Excel workbook or a CSV file, `mapping` reads the column
mapping and each row through it, `cases` writes the cases, all or nothing."""

from responders.imports.cases import ImportResult, import_cases
from responders.imports.mapping import Imported, Mapping, load_mapping
from responders.imports.sheet import ImportRefused, Row, read_rows

__all__ = ["ImportRefused", "ImportResult", "Imported", "Mapping", "Row", "import_cases", "load_mapping",
           "read_rows"]

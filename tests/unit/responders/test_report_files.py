"""The report's files opened and read back: the workbook with openpyxl, the HTML parsed, the CSV and the disclosure
log read as a spreadsheet would; and the `report` and `export` commands that write them."""

from __future__ import annotations

import base64
import csv
import io
import stat
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from intake.caselog import Case
from intake.cli import main
from responders.reports.caselog import Column, title_of
from responders.reports.workbook import csv_bytes, rows_workbook_bytes
from tests.unit.responders.report_log import AS_OF, NAMES, write_q3_case_log

Q3_CASES = 16 + 4 + 4 + 1  # FOI/EIR requests, internal reviews, subject access, re-use (report_log)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write_q3_case_log(tmp_path / "log")


def report(config: Path, *args: str) -> int:
    return main(["--config", str(config), "report", "--quarter", "2026Q3", "--as-of", AS_OF.isoformat(), *args])


class Page(HTMLParser):
    """What a reader of the HTML sees: the text, the images and anything fetched from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "img":
            self.images.append(found)
        for key in ("src", "href"):
            if (found.get(key) or "").startswith(("http:", "https:", "//")):
                self.external.append(str(found[key]))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(" ".join(data.split()))


def test_the_workbook_is_the_case_log_ready_to_filter(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.xlsx"
    assert report(config, "--xlsx", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds requesters' names and addresses
    wb = load_workbook(out)
    assert wb.sheetnames == ["Case log", "Figures", "Monthly"]
    log = wb["Case log"]
    header = [c.value for c in log[1]]
    for field in ("Initial date received by the body", "Date received by the DSP team", "Name of the applicant",
                  "Contact details", "Description of the information requested", "Method", "Decision",
                  "Exemptions used", "Date completed", "Date sent to the applicant", "Time taken (working days)"):
        assert field in header, field  # every record field of policy 7.5
    assert log.max_row == 1 + Q3_CASES and log.freeze_panes == "A2"
    assert log.auto_filter.ref == f"A1:{log.cell(1, len(header)).column_letter}{1 + Q3_CASES}"
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in log.iter_rows(min_row=2)]
    first = rows[0]
    assert first["Reference"] == "FOI-2026-00002"  # FOI-2026-00001 is June's, outside Q3
    assert first["Initial date received by the body"] == datetime(2026, 7, 1)  # a date, so a filter by month works
    assert log.cell(2, header.index("Initial date received by the body") + 1).number_format == "dd/mm/yyyy"
    assert first["Name of the applicant"] in NAMES and first["Time taken (working days)"] == 5
    refused = next(r for r in rows if r["Why late"] == "waiting for the police")
    assert refused["Decision"] == "refused" and refused["Exemptions used"] == "31"
    labelled = [(r[0].value, r[1].value) for r in wb["Figures"].iter_rows() if r[0].value]
    figures = dict(reversed(labelled))  # the first of each label: the FOI/EIR section comes first
    assert figures["received"] == 16 and figures["communications from the ICO"] == 2
    assert figures["exemption 43"] == 2 and figures["To"] == datetime(2026, 9, 30)


def test_the_html_report_stands_alone(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.html"
    assert report(config, "--html", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.external == []  # nothing fetched from elsewhere: the file can be emailed as it is
    assert len(page.images) == 4
    for img in page.images:
        src = str(img["src"])
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
        assert img["alt"]  # described for a screen reader
    text = " ".join(page.text)
    assert "Refused in full 7" in text and "Referred for internal review 4" in text
    assert "In time, of those processed 91.7%" in text and "Subject access requests" in text
    assert not any(name in text for name in NAMES)  # figures and references, never who asked


def test_the_csv_is_the_case_log_with_iso_dates_and_no_formulas(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.csv"
    assert report(config, "--csv", str(out)) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == Q3_CASES and rows[0]["Initial date received by the body"] == "2026-07-01"
    assert date.fromisoformat(rows[1]["Date completed"])


def test_the_disclosure_log_has_no_personal_data(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "export", "disclosure-log", "--quarter", "2026Q3",
                 "--as-of", AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["Reference", "Date received", "Title", "Outcome", "Exemptions", "Date of response"]
    assert len(rows) == 12 and all(r["Reference"].startswith("FOI-") for r in rows)  # answered FOI/EIR only
    assert rows[0]["Title"] == "Car parking income"  # "FOI request:" is not part of the title
    assert not any(name.split()[-1] in out for name in NAMES) and "@" not in out


def test_a_period_is_one_way_and_in_order(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--config", str(config), "report"]
    assert main([*base, "--from", "2026-10-01", "--to", "2026-09-30"]) == 1
    assert capsys.readouterr().err == "foi-intake: --from 2026-10-01 is after --to 2026-09-30\n"
    assert main([*base, "--quarter", "2026Q3", "--from", "2026-07-01"]) == 1
    assert capsys.readouterr().err == "foi-intake: give one of --quarter, --financial-year or --from/--to\n"
    assert main([*base, "--financial-year", "2026", "--as-of", "2026-12-01", "--json"]) == 0
    assert '"from": "2026-04-01"' in capsys.readouterr().out


def test_a_title_carries_no_name_address_or_number() -> None:
    case = Case(description="FOI request from Ada Lovelace (ada@example.org, 07700 900123, LS6 2AB): "
                            "parking income; How much in 2025?", requester_name="Ada Lovelace")
    title = title_of(case)
    for leak in ("Ada", "Lovelace", "ada@", "07700", "LS6"):
        assert leak not in title
    assert "parking income" in title and "How much" not in title


def test_requester_text_is_never_a_formula_in_a_spreadsheet() -> None:
    columns = (Column("title", "Title"),)
    rows = [{"title": '=HYPERLINK("http://evil.example","click")'}, {"title": "+44 1234"}]
    sheet = load_workbook(io.BytesIO(rows_workbook_bytes("T", rows, columns)))["T"]
    assert sheet["A2"].data_type == "s" and str(sheet["A2"].value).startswith("=HYPERLINK")
    read = list(csv.reader(io.StringIO(csv_bytes(rows, columns).decode("utf-8-sig"))))
    assert [r[0] for r in read[1:]] == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+44 1234"]

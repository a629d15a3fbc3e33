"""`foi-intake import cases`: a team's messy spreadsheet (a merged title, a merged date over two rows, text dates,
blank rows) imports with a dry run first, all or nothing, references kept and the counters moved past them."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from config.settings import load
from intake.app import build
from intake.caselog import Case, ReferenceCounter, allocate_reference
from intake.caselog.views import case_clock
from intake.cli import main
from tests.conftest import write_maildir_config

MAPPING = """
[columns]
reference = "Ref"
received = "Date received"
name = "Requester"
email = "Email"
description = "Request"
regime = "Type"
outcome = "Outcome"
exemptions = "Exemptions"
responded = "Date sent"
late_reason = "Reason late"

[values.outcome]
"Released in full" = "granted"
"Partially released" = "part"
"Repeated request" = "s14(2)"
"Withdrawn" = "withdrawn"

[values.regime]
"FOI" = "foi"
"EIR" = "eir"
"SAR" = "sar"

[options]
sheet = "Log 2025-26"
"""
HEADINGS = ["Ref", "Type", "Date received", "Requester", "Email", "Request", "Outcome", "Exemptions", "Date sent",
            "Reason late"]


def messy_workbook(path: Path, extra: list[list[object]] = ()) -> Path:  # type: ignore[assignment]
    wb = Workbook()
    wb.active.title = "Notes"  # type: ignore[union-attr]
    ws = wb.create_sheet("Log 2025-26")
    ws.append(["Freedom of Information log 2025/26 (kept by the DSP team)"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append(HEADINGS)
    rows = [
        ["FOI-2025-00041", "FOI", datetime(2025, 4, 3), "Ada Lovelace", "ada@example.org", "Agency nurse spend",
         "Released in full", None, "10/04/2025", None],
        ["FOI-2025-00042", "EIR", "4th April 2025", "Mary Seacole", "mary@example.org", "Air quality monitoring",
         "Partially released", "S.43; s40(2)", datetime(2025, 5, 30), "third party consultation"],
        [],
        ["FOI-2025-00043", "FOI", datetime(2025, 4, 7), "Grace Hopper", "grace@example.org", "IT contracts",
         "Withdrawn", None, None, None],
        ["FOI-2025-00044", "FOI", None, "Alan Turing", "alan@example.org", "Cyber incidents", None, None, None, None],
        ["FOI-2025-00046", "FOI", "2025-06-02", "Ada Lovelace", "ada@example.org", "Agency nurse spend",
         "Repeated request", None, "9 June 2025", None],
        ["SAR-2025-00007", "SAR", "02/06/2025", "Florence Nightingale", "fn@example.org", "My records",
         "Released in full", None, "20/06/2025", None],
        *extra,
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("C7:C8")  # FOI-2025-00043 and -00044 arrived the same day: one merged date
    wb.save(path)
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_maildir_config(tmp_path)
    build(load(path), create=True).close()
    (tmp_path / "map.toml").write_text(MAPPING)
    return path


def run(config: Path, workbook: Path, *extra: str) -> int:
    return main(["--config", str(config), "import", "cases", str(workbook), "--mapping",
                 str(config.parent / "map.toml"), *extra])


def cases(config: Path) -> dict[str, Case]:
    app = build(load(config), migrate=False)
    with app.sessions() as s:
        found = {c.reference: c for c in s.scalars(select(Case))}
        for c in found.values():
            _ = (c.events, c.notices)  # loaded before the session closes
    app.close()
    return found


def test_a_dry_run_reads_every_row_and_writes_nothing(config: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(config, messy_workbook(tmp_path / "log.xlsx"), "--dry-run") == 0
    assert capsys.readouterr().out == "would import 6 case(s) (EIR 1, FOI 4, SAR 1)\n"
    assert cases(config) == {}


def test_the_spreadsheet_imports_with_its_references_and_dates(config: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run(config, messy_workbook(tmp_path / "log.xlsx")) == 0
    assert capsys.readouterr().out == "imported 6 case(s) (EIR 1, FOI 4, SAR 1)\n"
    found = cases(config)
    assert sorted(found) == ["FOI-2025-00041", "FOI-2025-00042", "FOI-2025-00043", "FOI-2025-00044",
                             "FOI-2025-00046", "SAR-2025-00007"]
    settings = load(config)
    granted, part, withdrawn, merged = (found[f"FOI-2025-000{n}"] for n in (41, 42, 43, 44))
    assert (granted.status, granted.decision, case_clock(granted, settings).state) == ("responded", "granted", "met")
    assert part.regime == "eir" and part.exemptions == ["43", "40(2)"]  # "S.43; s40(2)"
    assert case_clock(part, settings).received == date(2025, 4, 4)  # "4th April 2025"
    assert case_clock(part, settings).state == "late"  # 30 May is past its 20 working days
    assert withdrawn.status == "closed" and case_clock(withdrawn, settings).state == "closed"
    assert case_clock(merged, settings).received == date(2025, 4, 7)  # the merged cell's date
    assert merged.status == "open" and case_clock(merged, settings, date(2026, 1, 5)).state == "overdue"
    assert found["FOI-2025-00046"].events[-1].data["section"] == "14(2)"
    assert found["SAR-2025-00007"].regime == "sar"
    app = build(settings, migrate=False)
    with app.sessions() as s:  # the next 2025 reference does not collide with an imported one
        assert s.get(ReferenceCounter, ("", 2025)).last == 46  # type: ignore[union-attr]
        assert allocate_reference(s, settings.organisation, "foi", date(2025, 7, 1)) == "FOI-2025-00047"
        assert allocate_reference(s, settings.organisation, "sar", date(2025, 7, 1)) == "SAR-2025-00008"
    app.close()
    assert main(["--config", str(config), "report", "--financial-year", "2025", "--as-of", "2026-01-05",
                 "--json"]) == 0
    assert '"received": 5' in capsys.readouterr().out


def test_rows_it_cannot_read_are_listed_and_nothing_is_imported(config: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = [["FOI-2025-00047", "FOI", "next Tuesday", "Sam", "sam@example.org", "Beds", None, None, None, None],
           ["FOI-2025-00048", "FOI", "01/07/2025", "Sam", "sam@example.org", "Beds", "Sent", None, "02/07/2025",
            None],
           ["FOI-2025-00041", "FOI", "01/07/2025", "Sam", "sam@example.org", "Beds", None, None, None, None]]
    assert run(config, messy_workbook(tmp_path / "log.xlsx", bad)) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == ["row 11: 'next Tuesday' is not a date",
                                "row 12: outcome 'Sent' is not mapped to one of ours ([values.outcome])",
                                "row 13: FOI-2025-00041 is also on row 4"]
    assert out == "3 row(s) cannot be read: nothing imported (6 would import)\n"
    assert cases(config) == {}  # all or nothing


def test_a_csv_imports_too_and_a_reference_already_there_stops_it(config: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.csv"
    log.write_text("Ref,Date received,Request,Outcome,Date sent\n"
                   "FOI-2024-00100,01/11/2024,Parking,Released in full,05/11/2024\n\n", encoding="utf-8-sig")
    (config.parent / "map.toml").write_text(MAPPING.replace('sheet = "Log 2025-26"', ""))
    assert run(config, log) == 0 and "imported 1 case(s) (FOI 1)" in capsys.readouterr().out
    assert run(config, log) == 1
    assert "row 2: FOI-2024-00100 is already in the case log" in capsys.readouterr().err

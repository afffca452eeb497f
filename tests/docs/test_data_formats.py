"""docs/data-formats.md documents the layouts the code reads and writes, and cannot drift from it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pophealth.cli import main
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_layout import REFERENCE_SHEETS, SHEETS
from pophealth.formats_reference import render_layouts
from pophealth.spc.batch import CASE_REQUIRED
from pophealth.stats_catalogue import METHOD_INFO
from pophealth.warehouse import connect
from tests.delivery_support import build_demo_tracker
from tests.spc.reference_cases import spc_dir

DOC = Path(__file__).parents[2] / "docs" / "data-formats.md"


def test_the_generated_layouts_are_current():
    assert render_layouts() in DOC.read_text(encoding="utf-8"), (
        "regenerate with: python -m pophealth.formats_reference --write docs/data-formats.md")


def test_every_layout_the_issue_names_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for heading in ("pophealth stats METHOD", "pophealth spc batch", "NHS England statistics extracts",
                    "Delivery tracker workbook", "A&E Attendances and Emergency Admissions",
                    "Quality and Outcomes Framework", "Local measure return", "pophealth load omop"):
        assert heading in text, heading
    for method in METHOD_INFO:
        assert f"| `{method.name}` |" in text


def test_the_exported_workbook_has_the_documented_sheets_and_headers(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    build_demo_tracker(con)
    export_workbook(con, tmp_path / "t.xlsx")
    con.close()
    book = load_workbook(tmp_path / "t.xlsx", read_only=True)
    assert book.sheetnames == list(SHEETS) + list(REFERENCE_SHEETS)
    for sheet, columns in {**SHEETS, **REFERENCE_SHEETS}.items():
        header = next(book[sheet].iter_rows(min_row=1, max_row=1, values_only=True))
        assert list(header) == [c.header for c in columns], sheet


@pytest.mark.parametrize("column", CASE_REQUIRED)
def test_a_documented_required_spc_column_is_really_required(column, tmp_path, capsys):
    with (spc_dir() / "cases.csv").open(newline="") as fh:
        reader = csv.DictReader(fh)
        keep = [c for c in reader.fieldnames or [] if c != column]
        rows = list(reader)
    with (tmp_path / "cases.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, keep, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SystemExit) as exit_:
        main(["spc", "batch", "--cases", str(tmp_path / "cases.csv"), "--points", str(spc_dir() / "points.csv"),
              "--out-cases", str(tmp_path / "c.csv"), "--out-points", str(tmp_path / "p.csv")])
    assert exit_.value.code == 3 and f"column '{column}'" in capsys.readouterr().err


@pytest.mark.parametrize("method", [m for m in METHOD_INFO if m.name in ("proportion", "rate", "mean")],
                         ids=lambda m: m.name)
def test_a_documented_required_stats_column_is_really_required(method, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text(",".join(method.numeric[1:] + ("note",)) + "\n" + ",".join(["5"] * (len(method.numeric) - 1)
                                                                                + ["x"]) + "\n")
    with pytest.raises(SystemExit) as exit_:
        main(["stats", method.name, "-i", str(source), "-o", str(tmp_path / "out.csv")])
    assert exit_.value.code == 3 and f"column '{method.numeric[0]}'" in capsys.readouterr().err

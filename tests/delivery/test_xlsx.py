"""Excel round-trip: byte-identical re-export, all-or-nothing import with located errors."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pophealth.delivery.actions import get_action, list_actions
from tests.delivery_support import build_demo_tracker
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_import import import_workbook
from pophealth.errors import InputError
from pophealth.warehouse import connect


@pytest.fixture
def exported(tmp_path):
    con = connect(tmp_path / "a.duckdb")
    build_demo_tracker(con)
    path = tmp_path / "tracker.xlsx"
    export_workbook(con, path)
    yield con, path
    con.close()


def _cells(path):
    wb = load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_export_import_into_empty_store_export_is_byte_identical(exported, tmp_path):
    _, first = exported
    fresh = connect(tmp_path / "b.duckdb")
    import_workbook(fresh, first, "importer")
    second = tmp_path / "again.xlsx"
    export_workbook(fresh, second)
    assert first.read_bytes() == second.read_bytes()
    assert _cells(first) == _cells(second)


def test_layout_first_sheet_is_the_tracker_with_seed_003_columns(exported):
    _, path = exported
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Tracker"
    header = [c.value for c in wb["Tracker"][1]]
    for seed_column in ("Ref", "We will", "Delivery Stage", "Timescale", "Lead Contacts", "Overall RAG Status",
                        "Status Change from Last Period", "Risk/Issue RAG", "Improvement Trajectory RAG"):
        assert seed_column in header
    assert wb["Tracker"].max_row == 1 + 215
    assert {"Activities", "Updates"} <= set(wb.sheetnames)


def test_reimport_is_idempotent_and_edits_are_versioned(exported, tmp_path):
    con, path = exported
    assert sum(import_workbook(con, path, "again").values()) == 0
    wb = load_workbook(path)
    ws = wb["Tracker"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Lead Contacts") + 1, value="Dr A Lead")
    ref = ws.cell(row=2, column=1).value
    wb.save(tmp_path / "edited.xlsx")
    before = get_action(con, ref).version
    assert import_workbook(con, tmp_path / "edited.xlsx", "analyst")["Tracker"] == 1
    assert (get_action(con, ref).leads, get_action(con, ref).version) == ("Dr A Lead", before + 1)
    with pytest.raises(InputError, match="out of date"):
        import_workbook(con, tmp_path / "edited.xlsx", "analyst")  # the same edit from the old export


def test_broken_workbook_is_rejected_whole_naming_sheet_row_and_column(exported, tmp_path):
    con, path = exported
    wb = load_workbook(path)
    ws = wb["Tracker"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Lead Contacts") + 1, value="Would be half-loaded")
    ws.cell(row=7, column=header.index("Timescale") + 1, value="23/25")
    ws.cell(row=9, column=header.index("Resources Y/N") + 1, value="Maybe")
    wb["Updates"].cell(row=3, column=5, value="Purple")
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    before = [a.model_dump() for a in list_actions(con)]
    with pytest.raises(InputError) as info:
        import_workbook(con, broken, "analyst")
    where = {(p.sheet, p.row, p.column) for p in info.value.problems}
    assert where == {("Tracker", 7, "Timescale"), ("Tracker", 9, "Resources Y/N"),
                     ("Updates", 3, "Overall RAG Status")}
    assert [a.model_dump() for a in list_actions(con)] == before


def test_typed_rating_on_the_tracker_sheet_is_refused(exported, tmp_path):
    con, path = exported
    wb = load_workbook(path)
    ws = wb["Tracker"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "ICS-1.1")  # never rated
    ws.cell(row=row, column=header.index("Overall RAG Status") + 1, value="Green")
    wb.save(tmp_path / "typed.xlsx")
    with pytest.raises(InputError) as info:
        import_workbook(con, tmp_path / "typed.xlsx", "analyst")
    assert [(p.sheet, p.row, p.column) for p in info.value.problems] == [("Tracker", row, "Overall RAG Status")]


def test_missing_sheet_and_column_are_named(exported, tmp_path):
    _, path = exported
    wb = load_workbook(path)
    del wb["Activities"]
    wb["Updates"].cell(row=1, column=2, value="Versn")
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as info:
        import_workbook(connect(tmp_path / "c.duckdb"), tmp_path / "bad.xlsx", "x")
    where = {(p.sheet, p.row, p.column) for p in info.value.problems}
    assert where == {("Activities", None, None), ("Updates", 1, "Version")}

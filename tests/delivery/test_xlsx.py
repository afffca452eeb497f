"""Excel round-trip: byte-identical re-export, all-or-nothing import with located errors."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pophealth.delivery.actions import get_action, list_actions
from tests.delivery_support import build_demo_tracker
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_import import import_workbook
from pophealth.errors import InputError
from pophealth.delivery.tracker import tracker_rows
from pophealth.delivery.updates import history, record_update
from pophealth.warehouse import connect


def tracker_row(con, ref):
    return next(r for r in tracker_rows(con) if r.action.ref == ref)


def rate_now(con, ref, overall):
    latest = tracker_row(con, ref)
    return record_update(con, ref, get_action(con, ref).version, stage=latest.stage or "Started", overall_rag=overall,
                         risk_rag=latest.risk_rag or "Green", trajectory_rag=latest.trajectory_rag or "Green",
                         narrative="A web update", editor="Web lead")


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
    con, path = exported
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Tracker"
    header = [c.value for c in wb["Tracker"][1]]
    for seed_column in ("Ref", "We will", "Delivery Stage", "Timescale", "Lead Contacts", "Overall RAG Status",
                        "Status Change from Last Period", "Risk/Issue RAG", "Improvement Trajectory RAG"):
        assert seed_column in header
    assert wb["Tracker"].max_row == 1 + len(list_actions(con))  # every action, one row each
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


def _row_of(ws, ref):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == ref)


def _edit_cells(path, out, edits, sheet="Tracker"):
    """Edit the exported file with openpyxl: ``edits`` maps (ref, header) to the new value."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    rows = {}
    for (ref, column), value in edits.items():
        rows[ref] = _row_of(ws, ref)
        ws.cell(row=rows[ref], column=header.index(column) + 1, value=value)
    wb.save(out)
    return rows


def test_tracker_sheet_edits_record_exactly_one_update_per_changed_row(exported, tmp_path):
    """Done when: one RAG and one stage changed in the Tracker sheet -> exactly two updates."""
    con, path = exported
    assert (tracker_row(con, "L2.1").overall_rag, tracker_row(con, "JFP-3.1").stage) == ("Green", "Evaluation")
    before = {ref: get_action(con, ref).version for ref in ("L2.1", "JFP-3.1")}
    updates_before = {(u.action_ref, u.version) for u in history(con)}
    _edit_cells(path, tmp_path / "edited.xlsx", {("L2.1", "Overall RAG Status"): "Red",
                                                 ("JFP-3.1", "Delivery Stage"): "Complete"})
    counts = import_workbook(con, tmp_path / "edited.xlsx", "Dr A Lead")
    assert counts["Tracker updates"] == 2 and counts["Updates"] == 0 and counts["Tracker"] == 0
    added = [u for u in history(con) if (u.action_ref, u.version) not in updates_before]
    assert {(u.action_ref, u.version, u.editor, u.period_id) for u in added} == {
        ("L2.1", before["L2.1"] + 1, "Dr A Lead", "2024-25 Q2"), ("JFP-3.1", before["JFP-3.1"] + 1, "Dr A Lead", "2024-25 Q2")}
    l21 = tracker_row(con, "L2.1")
    assert (l21.overall_rag, l21.risk_rag, l21.trajectory_rag, l21.stage) == ("Red", "Amber", "Green", "Delivery")
    assert "Overall RAG Status Green -> Red" in l21.latest.narrative
    assert tracker_row(con, "JFP-3.1").stage == "Complete"


def test_a_row_edited_after_a_newer_web_update_is_a_conflict_naming_the_row(exported, tmp_path):
    con, path = exported
    rate_now(con, "L2.1", "Amber")  # someone updates L2.1 on the web after the export
    rows = _edit_cells(path, tmp_path / "edited.xlsx", {("L2.1", "Overall RAG Status"): "Red",
                                                        ("JFP-3.1", "Delivery Stage"): "Complete"})
    count = len(history(con))
    with pytest.raises(InputError) as info:
        import_workbook(con, tmp_path / "edited.xlsx", "Dr A Lead")
    assert [(p.sheet, p.row, p.column) for p in info.value.problems] == [("Tracker", rows["L2.1"], "Version")]
    assert "conflict" in info.value.problems[0].message and "L2.1" in info.value.problems[0].message
    assert len(history(con)) == count and tracker_row(con, "JFP-3.1").stage == "Evaluation"  # all or nothing


def test_stale_rows_nobody_edited_do_not_block_the_rows_that_were(exported, tmp_path):
    con, path = exported
    rate_now(con, "L2.1", "Amber")
    _edit_cells(path, tmp_path / "edited.xlsx", {("JFP-3.1", "Delivery Stage"): "Complete"})
    assert import_workbook(con, tmp_path / "edited.xlsx", "x")["Tracker updates"] == 1
    assert tracker_row(con, "L2.1").overall_rag == "Amber"  # the newer web update stands


def test_an_update_row_needs_no_tracker_edit_version_period_editor_or_time(exported, tmp_path):
    con, path = exported
    wb = load_workbook(path)
    ws = wb["Updates"]
    header = [c.value for c in ws[1]]
    row = {"Ref": "ICS-1.1", "Delivery Stage": "Started", "Overall RAG Status": "Amber", "Risk/Issue RAG": "Green",
           "Improvement Trajectory RAG": "Amber", "Narrative": "Mobilising the programme board"}
    ws.append([row.get(h) for h in header])
    wb.save(tmp_path / "added.xlsx")
    version = get_action(con, "ICS-1.1").version
    assert import_workbook(con, tmp_path / "added.xlsx", "Dr A Lead")["Updates"] == 1
    u = history(con, "ICS-1.1")[-1]
    assert (u.version, u.period_id, u.editor, u.overall_rag) == (version + 1, "2024-25 Q2", "Dr A Lead", "Amber")
    assert tracker_row(con, "ICS-1.1").overall_rag == "Amber"


def test_derived_columns_are_recomputed_never_required(exported, tmp_path):
    con, path = exported
    _edit_cells(path, tmp_path / "edited.xlsx", {("L2.1", "Status Change from Last Period"): "Worsened",
                                                 ("L2.3", "Risk/Issue RAG From"): None,
                                                 ("JFP-3.1", "Resources Recorded (GBP)"): "lots"})
    assert sum(import_workbook(con, tmp_path / "edited.xlsx", "x").values()) == 0


def test_a_first_rating_says_in_plain_words_which_cells_it_still_needs(exported, tmp_path):
    con, path = exported
    rows = _edit_cells(path, tmp_path / "typed.xlsx", {("ICS-1.1", "Overall RAG Status"): "Green"})  # never rated
    with pytest.raises(InputError) as info:
        import_workbook(con, tmp_path / "typed.xlsx", "analyst")
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Tracker", rows["ICS-1.1"], "Delivery Stage")
    assert "Risk/Issue RAG" in problem.message and "Improvement Trajectory RAG" in problem.message
    assert "None" not in str(info.value)


def test_a_bad_rating_cell_names_sheet_row_column_and_what_was_expected(exported, tmp_path):
    con, path = exported
    rows = _edit_cells(path, tmp_path / "bad.xlsx", {("L2.1", "Overall RAG Status"): "Purple"})
    with pytest.raises(InputError) as info:
        import_workbook(con, tmp_path / "bad.xlsx", "analyst")
    [problem] = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Tracker", rows["L2.1"], "Overall RAG Status")
    assert problem.message == "expected one of Red, Amber, Green, got 'Purple'"


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


def test_an_update_row_missing_a_required_cell_says_which_and_what_is_expected(exported, tmp_path):
    con, path = exported
    wb = load_workbook(path)
    ws = wb["Updates"]
    header = [c.value for c in ws[1]]
    ws.append([{"Ref": "ICS-1.1", "Delivery Stage": "Started", "Overall RAG Status": "Amber"}.get(h) for h in header])
    wb.save(tmp_path / "short.xlsx")
    with pytest.raises(InputError) as info:
        import_workbook(con, tmp_path / "short.xlsx", "x")
    found = {(p.sheet, p.row, p.column): p.message for p in info.value.problems}
    assert found == {
        ("Updates", ws.max_row, "Risk/Issue RAG"): "this cell is empty but must be filled in (expected one of Red, Amber, Green)",
        ("Updates", ws.max_row, "Improvement Trajectory RAG"):
            "this cell is empty but must be filled in (expected one of Red, Amber, Green)",
        ("Updates", ws.max_row, "Narrative"): "this cell is empty but must be filled in (expected text)"}


RATED = ("L2.1", "L2.3", "JFP-3.1", "JFP-4.1")  # the demo actions with updates
RAG_COLUMNS = ("Overall RAG Status", "Improvement Trajectory RAG")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pristine")
    con = connect(folder / "store.duckdb")
    build_demo_tracker(con)
    export_workbook(con, folder / "tracker.xlsx")
    con.close()
    return folder


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.tuples(st.sampled_from(RATED), st.sampled_from(RAG_COLUMNS)),
                       st.sampled_from(["Red", "Amber", "Green"]), max_size=5))
def test_each_changed_row_gives_one_update_and_unchanged_rows_none(pristine, tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("case")
    shutil.copy(pristine / "store.duckdb", folder / "store.duckdb")
    con = connect(folder / "store.duckdb")
    try:
        now = {ref: tracker_row(con, ref) for ref in RATED}
        field = {"Overall RAG Status": "overall_rag", "Improvement Trajectory RAG": "trajectory_rag"}
        changed_rows = {ref for (ref, column), value in edits.items() if getattr(now[ref], field[column]) != value}
        before = len(history(con))
        _edit_cells(pristine / "tracker.xlsx", folder / "edited.xlsx", edits)
        counts = import_workbook(con, folder / "edited.xlsx", "prop")
        assert counts["Tracker updates"] == len(changed_rows) == len(history(con)) - before
        for (ref, column), value in edits.items():
            assert getattr(tracker_row(con, ref), field[column]) == value
    finally:
        con.close()

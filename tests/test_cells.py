"""Formula injection: every CSV and XLSX the product writes keeps user text as text (OWASP CSV injection).

The attack replayed: an action lead's narrative ``=HYPERLINK(...)`` became a live formula in the tracker
export, an editor's measure narrative in the board pack, and text starting ``=``, ``-``, ``@`` from a tracker
workbook reached the public open-data CSVs.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pophealth.cells import TRIGGERS, csv_cell, csv_frame, csv_row, is_formula_like, text_only

PAYLOAD = '=HYPERLINK("http://example.invalid","x")'
HOSTILE = [PAYLOAD, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd", "\t=1+1", "\r=1+1", "\uff1d1+1"]
SRC = Path(__file__).parents[1] / "src" / "pophealth"


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def assert_csv_safe(text: str, expected: list[str] = (PAYLOAD,)) -> None:
    """No cell a spreadsheet would run; each expected text present behind its apostrophe."""
    cells = csv_cells(text)
    live = [c for c in cells if c and c[0] in "=+-@\t\r" and not re.fullmatch(r"[+-]?[\d.]+([eE][+-]?\d+)?", c)]
    assert not live, live[:5]
    for value in expected:
        assert "'" + value in cells, f"{value!r} missing"


def assert_xlsx_safe(data: bytes, expected: str = PAYLOAD) -> None:
    """No formula anywhere in the workbook, and the text is there as a string cell, unchanged."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(name)), f"a formula in {name}"
    wb = load_workbook(io.BytesIO(data))
    found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == expected]
    assert found and all(c.data_type == "s" for c in found)


@given(st.text(max_size=30))
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_nothing_else_changes(text):
    out = csv_cell(text)
    if text[:1] in TRIGGERS and not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
        assert out == "'" + text
    else:
        assert out == text


def test_the_hostile_texts_and_plain_numbers():
    assert all(is_formula_like(t) for t in HOSTILE)
    assert [csv_cell(v) for v in ("-5", "+1.5e3", "-0.25", 7, -3.5, None, "")] == ["-5", "+1.5e3", "-0.25", 7, -3.5,
                                                                                   None, ""]
    assert csv_row(["a", PAYLOAD]) == ["a", "'" + PAYLOAD]
    frame = csv_frame(pd.DataFrame({"name": [PAYLOAD, "ok"], "value": [-1.0, 2.0], "@col": ["x", "y"]}))
    assert frame["name"].tolist() == ["'" + PAYLOAD, "ok"] and frame["value"].tolist() == [-1.0, 2.0]
    assert list(frame.columns) == ["name", "value", "'@col"]


def test_text_only_turns_every_formula_openpyxl_made_into_a_string_cell():
    wb = Workbook()
    wb.active.append(HOSTILE)
    assert wb.active["A1"].data_type == "f"  # the attack: openpyxl takes text starting "=" for a formula
    text_only(wb)
    buf = io.BytesIO()
    wb.save(buf)
    assert_xlsx_safe(buf.getvalue())
    # the text reads back unchanged (XML itself turns a carriage return into a line feed)
    assert [c.value for c in load_workbook(buf).active[1]] == [t.replace("\r", "\n") for t in HOSTILE]


WRITERS = re.compile(r"csv\.writer|DictWriter|\.to_csv\(|\.to_excel\(|Workbook\(")
# Package data rebuilt by developers from the reference folder and read back by the program (code lists,
# synthetic code picks): not exports, and an apostrophe would change the codes they hold.
# Modules that match the search but write nothing a person opens: code lists, and readers of the
# publishers' workbooks and extracts (which only read workbooks, or hand a CSV to the Fingertips reader in memory).
NOT_EXPORTS = {"phm/codelists.py", "synth/codepick.py", "sources/nhse_ae_workbook.py", "sources/workbook.py",
               "sources/public_extracts.py", "sources/nhsd_qof_workbook.py"}


def test_every_module_that_writes_csv_or_xlsx_uses_the_guard():
    """A new writer cannot forget the guard: every module writing CSV or XLSX imports ``pophealth.cells``."""
    writers = {str(p.relative_to(SRC)): p.read_text() for p in SRC.rglob("*.py") if WRITERS.search(p.read_text())}
    assert len(writers) >= 10, sorted(writers)  # the search itself still finds the writers
    missing = [name for name, text in writers.items()
               if name not in NOT_EXPORTS and name != "cells.py" and "from pophealth.cells import" not in text]
    assert not missing, missing


# --- every product, end to end ------------------------------------------------------------------------

def test_tracker_export_keeps_a_narrative_as_text_and_round_trips_it(tmp_path):
    from pophealth.delivery.actions import get_action, list_actions
    from pophealth.delivery.updates import history, record_update
    from pophealth.delivery.xlsx_export import export_workbook
    from pophealth.delivery.xlsx_import import import_workbook
    from pophealth.warehouse import connect

    from tests.delivery_support import build_demo_tracker

    con = connect(tmp_path / "a.duckdb")
    build_demo_tracker(con)
    ref = list_actions(con)[0].ref
    record_update(con, ref, get_action(con, ref).version, stage="Delivery", overall_rag="Green", risk_rag="Green",
                  trajectory_rag="Green", narrative=PAYLOAD, editor="A Lead")
    path = tmp_path / "tracker.xlsx"
    export_workbook(con, path)
    con.close()
    assert_xlsx_safe(path.read_bytes())
    fresh = connect(tmp_path / "b.duckdb")
    import_workbook(fresh, path, "test")
    assert PAYLOAD in [u.narrative for u in history(fresh)]
    fresh.close()


def test_board_pack_xlsx_keeps_an_editors_narrative_as_text(tmp_path):
    from pophealth.cli import main
    from pophealth.measures import narrative
    from pophealth.warehouse import connect
    from tests.measures_support import demo_measures_db

    db = demo_measures_db(tmp_path)
    con = connect(db)
    measure_id, period, version = con.execute(
        "SELECT measure_id, period, max(version) FROM measure_narrative GROUP BY ALL ORDER BY period DESC LIMIT 1"
    ).fetchone()
    narrative.add_version(con, measure_id, period, PAYLOAD, ["@SUM(1+1)*cmd"], "An Editor", based_on=version)
    con.close()
    main(["report", "board", "--db", str(db), "--out", str(tmp_path / "out"), "--no-pdf"])
    [xlsx] = (tmp_path / "out").glob("*.xlsx")
    assert_xlsx_safe(xlsx.read_bytes())


def test_public_open_data_csvs_keep_tracker_text_as_text(tmp_path):
    from pophealth.microsite import build_site
    from pophealth.warehouse import connect
    from tests.microsite.conftest import demo_warehouse

    db = demo_warehouse(tmp_path / "w.duckdb")
    con = connect(db)
    con.execute("UPDATE delivery_action SET we_will = ?, ambition = ?, i_will = ?",
                [PAYLOAD, "-2+3", "@SUM(1+1)*cmd"])
    build_site(con, tmp_path / "site")
    con.close()
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.csv")]
    assert_csv_safe("\n".join(texts), [PAYLOAD])


def test_place_csv_and_xlsx_keep_source_text_as_text(tmp_path):
    from fastapi.testclient import TestClient

    from pophealth.indicators.load import load_shipped_fingertips
    from pophealth.warehouse import connect
    from pophealth.web.app import create_app

    con = connect(tmp_path / "w.duckdb")
    load_shipped_fingertips(con)
    con.execute("UPDATE indicator_value SET value_note = ?", [PAYLOAD])
    con.close()
    app = create_app(tmp_path / "w.duckdb", strategy_dir="tests/fixtures/strategy_min")
    try:
        client = TestClient(app)
        assert_csv_safe(client.get("/places/E06000016.csv").content.decode("utf-8-sig"))
        assert_xlsx_safe(client.get("/places/E06000016.xlsx").content)
    finally:
        app.state.con.close()


def test_audit_csv_keeps_what_was_typed_in_an_address_as_text(tmp_path):
    from pophealth.access.audit import record_access
    from pophealth.access.roles import User
    from pophealth.web.app import create_app
    from tests.auth_support import signed_in_client

    app = create_app(tmp_path / "w.duckdb", strategy_dir="tests/fixtures/strategy_min")
    try:
        con = app.state.con.cursor()
        record_access(con, User("c", "C", "care_team", practice_code="C82001"), method="GET",
                      route="/care/worklists/" + PAYLOAD, detail=PAYLOAD)
        con.close()
        assert_csv_safe(signed_in_client(app, "admin").get("/admin/audit.csv").text)
    finally:
        app.state.con.close()


def test_worklist_exports_keep_text_as_text(tmp_path):
    from pophealth.phm.worklists import export

    frame = pd.DataFrame({"person_id": [1], "reasons": [PAYLOAD]})
    assert_csv_safe(export(frame, tmp_path / "w.csv").read_text())
    assert_xlsx_safe(export(frame, tmp_path / "w.xlsx").read_bytes())

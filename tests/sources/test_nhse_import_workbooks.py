"""`pophealth report import-nhse` on the publishers' workbooks: the issue's "done when", all-or-nothing,
idempotence, revised editions, and the load history.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from pophealth.cli import main
from pophealth.config import shared_dir
from pophealth.errors import InputError
from pophealth.sources.nhse_stats import load_nhse_files
from pophealth.warehouse import connect

PUBLISHED = shared_dir() / "data" / "published"
AE = sorted((PUBLISHED / "nhse-ae-by-provider").glob("*.xls*"))
QOF = sorted((PUBLISHED / "nhsd-qof-ccg").glob("*.xls*"))
pytestmark = pytest.mark.skipif(not AE or not QOF, reason="published workbooks missing")


def _cli(capsys, *args: str) -> tuple[int, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


@pytest.mark.reference
def test_init_then_import_gives_rwe_one_ae_4_hour_per_month_as_published(db_file, capsys, shared):
    assert _cli(capsys, "init", "--db", str(db_file))[0] == 0
    code, out = _cli(capsys, "report", "import-nhse", "--db", str(db_file), "--json", *map(str, AE))
    assert code == 0
    assert set(json.loads(out)) == {p.name for p in AE}
    extract = pd.read_csv(shared / "data" / "public" / "ae_attendances_llr_monthly_2015-07_2024-06.csv")
    published = extract[(extract["level"] == "provider") & (extract["org_code"] == "RWE")]
    published = dict(zip(published["source_file"], published["pct_within_4h_all"]))
    con = connect(db_file, read_only=True)
    rows = con.execute("SELECT period_start, value, source_file FROM metric_observation WHERE metric_id = "
                       "'ae-4-hour' AND org_type = 'provider' AND org_code = 'RWE' ORDER BY 1").fetchall()
    con.close()
    assert len(rows) == len(AE) == len({r[0] for r in rows})
    for _, value, source in rows:
        assert abs(value - published[source]) <= 1e-9


def test_reloading_changes_nothing_and_every_load_is_recorded(db_file):
    con = connect(db_file)
    files = [AE[0], QOF[-1]]
    load_nhse_files(con, files)
    first = con.execute("SELECT * EXCLUDE (loaded_at) FROM metric_observation ORDER BY ALL").fetchall()
    load_nhse_files(con, files)
    assert con.execute("SELECT * EXCLUDE (loaded_at) FROM metric_observation ORDER BY ALL").fetchall() == first
    history = con.execute("SELECT load_id, source_file, length(sha256), publisher, rows, replaced_rows "
                          "FROM nhse_load_history ORDER BY 1, 2").fetchall()
    con.close()
    n_ae = sum(1 for r in first if r[-2] == AE[0].name)
    assert [(h[0], h[1], h[2], h[3]) for h in history] == [
        (1, AE[0].name, 64, "NHS England"), (1, QOF[-1].name, 64, "NHS Digital"),
        (2, AE[0].name, 64, "NHS England"), (2, QOF[-1].name, 64, "NHS Digital")]
    assert history[0][4] == n_ae and history[0][5] == 0 and history[2][5] == n_ae


def test_a_revised_edition_replaces_the_months_rows(db_file, tmp_path):
    original = next(p for p in AE if p.name.startswith("March-AE"))  # March 2019, three data sheets
    con = connect(db_file)
    load_nhse_files(con, [original])
    # the "revision": an .xlsx copy of the provider sheet without the RWE row, RWE's total changed elsewhere
    revised = tmp_path / "March-2019-revised.xlsx"
    _provider_sheet_without(original, "RWE", revised)
    load_nhse_files(con, [revised])
    left = con.execute("SELECT count(*) FROM metric_observation WHERE org_code = 'RWE' "
                       "AND period_start = DATE '2019-03-01'").fetchone()[0]
    sources = {r[0] for r in con.execute("SELECT DISTINCT source_file FROM metric_observation").fetchall()}
    con.close()
    assert left == 0 and sources == {revised.name}


def _provider_sheet_without(source: Path, code: str, target: Path) -> None:
    import python_calamine
    from openpyxl import Workbook

    grid = python_calamine.CalamineWorkbook.from_path(str(source)).get_sheet_by_name(
        "Provider Level Data").to_python(skip_empty_area=False)
    book = Workbook()
    ws = book.active
    ws.title = "Provider Level Data"
    for row in grid:
        if any(str(v).strip() == code for v in row[:3]):
            continue
        ws.append(list(row))
    book.save(target)
    assert load_workbook(target).sheetnames == ["Provider Level Data"]


def test_two_editions_of_one_month_in_one_load_are_refused(db_file, tmp_path):
    copy = tmp_path / ("copy-" + AE[0].name)
    shutil.copy(AE[0], copy)
    con = connect(db_file)
    with pytest.raises(InputError, match="same period"):
        load_nhse_files(con, [AE[0], copy])
    assert con.execute("SELECT count(*) FROM metric_observation").fetchone()[0] == 0
    con.close()


def test_one_bad_file_loads_nothing_and_exits_with_the_input_code(db_file, tmp_path, capsys):
    bad = tmp_path / "bad.xls"
    bad.write_bytes(AE[0].read_bytes()[:5000])
    code, _ = _cli(capsys, "report", "import-nhse", "--db", str(db_file), "--create", str(AE[0]), str(QOF[0]), str(bad))
    assert code == 3
    con = connect(db_file, read_only=True)
    assert con.execute("SELECT count(*) FROM metric_observation").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM nhse_load_history").fetchone()[0] == 0
    con.close()


@pytest.mark.reference
def test_workbooks_mixed_with_a_csv_extract(db_file, shared):
    csv = shared / "data" / "reference" / "cwt_llr_subicb_2023-04_to_2023-10.csv"
    con = connect(db_file)
    counts = load_nhse_files(con, [csv, AE[0], QOF[0]])
    layouts = dict(con.execute("SELECT source_file, layout FROM nhse_load_history").fetchall())
    con.close()
    assert set(counts) == {csv.name, AE[0].name, QOF[0].name}
    assert layouts == {csv.name: "cwt_subicb", AE[0].name: "ae-workbook", QOF[0].name: "qof-workbook"}


def test_a_qof_comparison_year_never_overrides_that_years_own_publication(db_file):
    own, later = QOF[0], QOF[1]  # 2014-15 and 2015-16 (which reprints 2014-15 for comparison)
    a, b = connect(db_file), None
    load_nhse_files(a, [later])
    load_nhse_files(a, [own])
    one = a.execute("SELECT * EXCLUDE (loaded_at) FROM metric_observation ORDER BY ALL").fetchall()
    a.close()
    b = connect(db_file.with_name("other.duckdb"))
    load_nhse_files(b, [own])
    load_nhse_files(b, [later])
    other = b.execute("SELECT * EXCLUDE (loaded_at) FROM metric_observation ORDER BY ALL").fetchall()
    b.close()
    assert one == other  # the same warehouse in either order
    assert any(r[-2] == own.name and str(r[4]) == "2014-04-01" for r in one)


def test_progress_on_a_terminal_and_quiet_json(db_file, capsys, monkeypatch):
    import io

    from rich.console import Console

    import pophealth.cli.report as report

    screen = io.StringIO()
    monkeypatch.setattr(report, "console", Console(file=screen, force_terminal=True, width=120))
    code, _ = _cli(capsys, "report", "import-nhse", "--db", str(db_file), "--create", str(AE[0]), str(QOF[-1]))
    assert code == 0
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert "Validating" in shown and "Loading" in shown and f"{AE[0].name}: " in shown
    code, out = _cli(capsys, "report", "import-nhse", "--db", str(db_file), "--json", str(AE[0]))
    assert code == 0 and set(json.loads(out)) == {AE[0].name}  # nothing but the JSON


def test_every_bad_file_is_named_in_one_message(db_file, tmp_path):
    first, second = tmp_path / "first.xls", tmp_path / "second.xlsx"
    first.write_bytes(b"not a workbook")
    second.write_bytes(AE[0].read_bytes()[:3000])
    con = connect(db_file)
    with pytest.raises(InputError) as err:
        load_nhse_files(con, [first, AE[0], second])
    con.close()
    assert {p.file for p in err.value.problems} == {"first.xls", "second.xlsx"}

"""The board pack CLI: a PDF with a summary and a section per pledge, an XLSX, and a reproducible snapshot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pophealth.cli import main
from pophealth.strategy import load_strategy
from tests.measures_support import demo_measures_db

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    return demo_measures_db(tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="module")
def pack(demo_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    main(["report", "board", "--db", str(demo_db), "--out", str(out), "--period", "2023-10"])
    return out


@pytest.mark.slow
def test_pdf_has_a_summary_then_every_pledge(pack):
    reader = PdfReader(pack / "board-pack-2023-10.pdf")
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    assert "Summary of every measure" in pages[0]
    strategy = load_strategy()
    first_pages = []
    for p in strategy.pledges:
        heading = f"Pledge {p.number}: {p.emphasis}"
        found = [i for i, text in enumerate(pages) if heading in text]
        assert found, f"no page carries the heading {heading!r}"
        first_pages.append(found[0])
    # each pledge starts on its own page, in order, after the summary
    assert first_pages == sorted(set(first_pages)) and first_pages[0] > 0
    assert len(pages) >= 1 + len(strategy.pledges)
    text = " ".join(pages)
    assert "Synthetic" not in text and "synthetic" not in text  # nothing made up reaches a board


@pytest.mark.slow
def test_xlsx_has_the_summary_matrix_and_the_data(pack):
    wb = load_workbook(pack / "board-pack-2023-10.xlsx", read_only=True)
    assert wb.sheetnames == ["Summary", "Data", "Figures", "Narrative", "About"]
    rows = list(wb["Summary"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Pledge", "Pledge text", "Measure id", "Measure")
    by_id = {r[2]: r for r in body}
    assert len(by_id) == len(load_strategy().measures)
    cancer = by_id["cancer-62-day"]
    # real CWT: October 2023, LLR sub-ICBs 62-day combined = 54.0% (within / total of the three sub-ICB rows)
    assert cancer[4] == "2023-10" and cancer[5] == pytest.approx(54.0, abs=0.05) and cancer[6] == 85
    assert cancer[10] == "real"
    assert by_id["life-expectancy-at-birth"][9] == "No data"
    narrative = list(wb["Narrative"].iter_rows(values_only=True))
    assert len(narrative) == 1 + 6  # the six seed 000 measure pages


@pytest.mark.slow
def test_snapshot_rebuilds_the_same_pack(pack, tmp_path):
    snapshot = pack / "board-pack-2023-10-snapshot.json"
    assert json.loads(snapshot.read_text())["period"] == "2023-10"
    main(["report", "board", "--snapshot", str(snapshot), "--out", str(tmp_path), "--no-pdf"])
    assert (tmp_path / "board-pack-2023-10.html").read_text() == (pack / "board-pack-2023-10.html").read_text()


def test_a_period_before_any_data_is_refused(demo_db, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "board", "--db", str(demo_db), "--out", str(tmp_path), "--period", "2001-01", "--no-pdf"])
    assert exit_.value.code != 0
    assert not list(tmp_path.glob("board-pack-*"))


def test_period_option_and_bad_period(demo_db, tmp_path, capsys):
    main(["report", "board", "--db", str(demo_db), "--out", str(tmp_path), "--period", "2023-06", "--no-pdf", "--json"])
    written = json.loads(capsys.readouterr().out)
    assert written["period"] == "2023-06" and Path(written["xlsx"]).exists()
    with pytest.raises(SystemExit) as exit_:
        main(["report", "board", "--db", str(demo_db), "--out", str(tmp_path), "--period", "June"])
    assert exit_.value.code == 2


def test_a_pledge_without_measures_is_not_yet_measurable(demo_db, tmp_path):
    main(["report", "board", "--db", str(demo_db), "--out", str(tmp_path), "--no-pdf",
          "--strategy", str(FIXTURE), "--period", "2023-10"])
    html = (tmp_path / "board-pack-2023-10.html").read_text()
    assert "Not yet measurable" in html and 'class="rag' not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_a_bad_snapshot_is_refused(tmp_path):
    bad = tmp_path / "s.json"
    bad.write_text("{}")
    with pytest.raises(SystemExit) as exit_:
        main(["report", "board", "--snapshot", str(bad), "--out", str(tmp_path)])
    assert exit_.value.code == 3


def test_a_warehouse_with_synthetic_rows_gets_no_board_pack(demo_db, tmp_path):
    import shutil

    from pophealth.warehouse import connect

    copy = tmp_path / "w.duckdb"
    shutil.copy(demo_db, copy)
    con = connect(copy)
    con.execute("UPDATE metric_observation SET is_synthetic = TRUE WHERE metric_id = 'cwt-62-day-combined'")
    con.close()
    with pytest.raises(SystemExit) as exit_:
        main(["report", "board", "--db", str(copy), "--out", str(tmp_path / "pack"), "--no-pdf"])
    assert exit_.value.code != 0 and not (tmp_path / "pack").exists()

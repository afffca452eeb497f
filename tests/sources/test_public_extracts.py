"""The curated extracts of published LLR statistics: loaded figures equal the published ones, SUSPECT
rows never load, reloading changes nothing, and a bad file is refused whole naming row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pophealth.errors import InputError
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.sources.public_extracts import load_public_extracts, shipped_folder
from pophealth.warehouse import connect

PUBLIC = Path(__file__).parents[2].parent / "shared" / "data" / "public"
AE = "ae_attendances_llr_monthly_2015-07_2024-06.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("public") / "w.duckdb")
    load_shipped_fingertips(con)
    report = load_public_extracts(con)
    yield con, report
    con.close()


def _obs(con, metric: str, org: str) -> dict:
    rows = con.execute("SELECT period_start, value FROM metric_observation WHERE metric_id = ? AND org_code = ?",
                       [metric, org]).fetchall()
    return {pd.Timestamp(d): v for d, v in rows}


def test_the_shipped_copies_are_the_published_extracts():
    for path in shipped_folder().glob("*.csv"):
        assert path.read_bytes() == (PUBLIC / path.name).read_bytes(), path.name


@pytest.mark.parametrize("level,org,metric", [
    ("provider", "RWE", "ae-4-hour"), ("provider", "ENGLAND", "ae-4-hour"), ("stp_icb", "QK1", "ae-4-hour"),
    ("stp_icb", "E54000015", "ae-4-hour"), ("acute_trust_footprint", "RWE", "ae-4-hour-footprint")])
def test_every_month_equals_the_published_percentage(loaded, level, org, metric):
    con, _ = loaded
    published = pd.read_csv(PUBLIC / AE)
    rows = published[(published["level"] == level) & (published["org_code"] == org)]
    column = "pct_within_4h_all_with_mapped_activity" if level == "acute_trust_footprint" else "pct_within_4h_all"
    got = _obs(con, metric, "QK1" if org == "E54000015" else org)
    assert len(rows) > 10
    for _, r in rows.iterrows():
        assert got[pd.Timestamp(r["period"])] == pytest.approx(r[column], abs=1e-9), r["period"]


def test_rwe_has_one_figure_a_month_from_july_2015(loaded):
    con, _ = loaded
    months = sorted(_obs(con, "ae-4-hour", "RWE"))
    assert months[0] == pd.Timestamp("2015-07-01")
    assert len([m for m in months if m <= pd.Timestamp("2024-06-01")]) == 108


def test_suspect_rows_never_load_and_are_reported(loaded):
    con, report = loaded
    extension = pd.read_csv(PUBLIC / "ae_attendances_llr_monthly_2024-07_2025-07_humaniverse.csv")
    suspect = extension[extension["quality_flag"].str.startswith("SUSPECT")]
    assert len(suspect) >= 2
    got = _obs(con, "ae-4-hour", "RWE")
    for period in set(suspect["period"]):
        assert pd.Timestamp(period) not in got
    beds = pd.read_csv(PUBLIC / "beds_general_acute_critical_care_RWE_monthly.csv")
    for period in beds.loc[beds["quality_flag"].str.startswith("SUSPECT"), "period"]:
        assert pd.Timestamp(period) not in _obs(con, "ga-bed-occupancy", "RWE")
    assert sum("SUSPECT" in f for f in report.findings) == len(suspect) + 1


def test_days_with_no_return_are_left_out_of_the_discharge_mean(loaded):
    con, report = loaded
    daily = pd.read_csv(PUBLIC / "discharge_sitrep_daily_RWE_LLRICB_2022-04_2025-08.csv")
    trust = daily[(daily["level"] == "trust") & (daily["do_not_meet_criteria_to_reside"] > 0)]
    june = trust[trust["date"].str.startswith("2022-06")]["do_not_meet_criteria_to_reside"].mean()
    assert _obs(con, "discharge-not-meeting-criteria", "RWE")[pd.Timestamp("2022-06-01")] == pytest.approx(june, abs=0.05)
    assert any("2022-06-19" in f for f in report.findings)


def test_ambulance_mean_is_total_time_over_incidents(loaded):
    con, _ = loaded
    amb = pd.read_csv(PUBLIC / "ambsys_EMAS_RX9_response_times_snapshots_2021-06_2021-11_2022-05_2022-06.csv")
    for _, r in amb[amb["Category"] == "cat2"].iterrows():
        expected = r["total_response_time_hours_rounded"] * 60 / r["Incident Count"]
        assert _obs(con, "ambulance-c2-mean", "RX9")[pd.Timestamp(r["period"])] == pytest.approx(expected)
        assert expected == pytest.approx(r["mean_response_minutes_derived"], abs=0.01)


def test_county_rows_of_the_fingertips_snapshot_load_and_newer_values_win(loaded):
    con, _ = loaded
    sii = con.execute("""SELECT time_period, sex, value FROM indicator_value WHERE indicator_id = 92901
                         AND area_code = 'E10000018' ORDER BY 1, 2""").fetchall()
    assert ("2015 - 17", "Female", 5.5) in sii and ("2015 - 17", "Male", 6.6) in sii
    # Leicester's 92901 comes only from the newer extract: its 2015 - 17 rows are not the 2020 snapshot's
    sources = {r[0] for r in con.execute("SELECT DISTINCT source FROM indicator_value WHERE indicator_id = 92901 "
                                         "AND area_code = 'E06000016'").fetchall()}
    assert sources == {"fingertips_llr_ltla_extract_trafford_themes.csv"}


def test_reloading_changes_nothing(loaded):
    con, _ = loaded
    before = con.execute("SELECT count(*), sum(value) FROM metric_observation").fetchone()
    indicators = con.execute("SELECT count(*), sum(value) FROM indicator_value").fetchone()
    load_public_extracts(con)
    assert con.execute("SELECT count(*), sum(value) FROM metric_observation").fetchone() == pytest.approx(before)
    assert con.execute("SELECT count(*), sum(value) FROM indicator_value").fetchone() == pytest.approx(indicators)


def test_a_bad_cell_rejects_every_file_naming_row_and_column(tmp_path):
    folder = tmp_path / "extracts"
    shutil.copytree(shipped_folder(), folder)
    bad = folder / "beds_general_acute_critical_care_RWE_monthly.csv"
    lines = bad.read_text().splitlines()
    cells = lines[3].split(",")
    cells[3] = "lots"  # general_acute_beds_occupied
    lines[3] = ",".join(cells)
    bad.write_text("\n".join(lines) + "\n")
    con = connect(tmp_path / "w.duckdb")
    try:
        with pytest.raises(InputError) as err:
            load_public_extracts(con, folder)
        message = str(err.value)
        assert bad.name in message and "row 4" in message and "general_acute_beds_occupied" in message
        assert con.execute("SELECT count(*) FROM metric_observation").fetchone()[0] == 0  # nothing half-loaded
    finally:
        con.close()


def test_a_file_that_is_not_csv_is_refused(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "broken.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x00")
    con = connect(tmp_path / "w.duckdb")
    try:
        with pytest.raises(InputError, match="broken.csv"):
            load_public_extracts(con, folder)
    finally:
        con.close()


def test_every_loaded_publisher_file_is_kept_as_a_dated_snapshot(tmp_path):
    import datetime as dt

    from pophealth.measures.demo import shipped_cwt
    from pophealth.sources.nhse_stats import load_nhse_files

    con = connect(tmp_path / "w.duckdb")
    try:
        load_nhse_files(con, [shipped_cwt()])
        load_nhse_files(con, [shipped_cwt()])  # the same bytes again: one copy
    finally:
        con.close()
    kept = list((tmp_path / "snapshots").rglob("*.csv"))
    assert len(kept) == 1 and kept[0].read_bytes() == shipped_cwt().read_bytes()
    assert kept[0].parent.name == dt.date.today().isoformat()

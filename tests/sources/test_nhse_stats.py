"""NHS England statistics import: real CWT extracts, one tiny spec file per layout, bad input, idempotence."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.errors import InputError
from pophealth.sources.nhse_stats import load_nhse_files, parse_file
from pophealth.warehouse import connect


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    yield c
    c.close()


def _write(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _cwt_files(shared: Path) -> list[Path]:
    files = sorted((shared / "data" / "reference").glob("cwt_*.csv"))
    assert len(files) == 2, "the two real CWT extracts are missing from shared/data/reference"
    return files


@pytest.mark.reference
@pytest.mark.parametrize("name", ["cwt_llr_subicb_2023-04_to_2023-10.csv", "cwt_uhl_rwe_provider_2023-04_to_2023-10.csv"])
def test_real_cwt_extract_loads_row_for_row(con, shared, name):
    path = shared / "data" / "reference" / name
    assert path in _cwt_files(shared)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total_col = "TOTAL" if "TOTAL" in rows[0] else "TOTAL TREATED"
    counts = load_nhse_files(con, [path])
    assert counts == {name: len(rows)}
    # every file row is one observation whose numerator/denominator are the file's figures
    got = con.execute("SELECT sum(numerator), sum(denominator), count(*) FROM metric_observation").fetchone()
    assert got[0] == pytest.approx(sum(float(r["WITHIN STANDARD"]) for r in rows))
    assert got[1] == pytest.approx(sum(float(r[total_col]) for r in rows))
    assert got[2] == len(rows)


@pytest.mark.reference
def test_cwt_subicb_first_row_is_stored_as_published(con, shared):
    path = shared / "data" / "reference" / "cwt_llr_subicb_2023-04_to_2023-10.csv"
    load_nhse_files(con, [path])
    # PERIOD 2023-04-01, 28-day FDS, 03W, TOTAL 1394, WITHIN STANDARD 955 (first data row of the file)
    row = con.execute("SELECT numerator, denominator, period_end, org_type FROM metric_observation "
                      "WHERE metric_id = 'cwt-28-day-fds' AND org_code = '03W' AND period_start = DATE '2023-04-01'"
                      ).fetchone()
    assert row == (955.0, 1394.0, dt.date(2023, 4, 30), "sub_icb")


def test_loading_twice_changes_nothing(con, shared):
    path = _cwt_files(shared)[0]
    load_nhse_files(con, [path])
    first = con.execute("SELECT count(*), sum(numerator) FROM metric_observation").fetchone()
    load_nhse_files(con, [path])
    assert con.execute("SELECT count(*), sum(numerator) FROM metric_observation").fetchone() == first


CWT_HEADER = ["PERIOD", "YEAR", "MONTH", "STANDARD", "ICB SUB LOCATION", "SUB-CATEGORY", "TOTAL", "WITHIN STANDARD",
              "BREACHES"]


def test_a_bad_file_rejects_the_whole_load_naming_row_and_column(con, tmp_path, shared):
    bad = _write(tmp_path / "bad.csv", CWT_HEADER, [
        ["2023-04-01", "2023/24", "APR", "28-day FDS", "03W", "", "10", "7", "3"],
        ["2023-05-01", "2023/24", "MAY", "28-day FDS", "03W", "", "ten", "7", "3"],
        ["2023-06-01", "2023/24", "JUN", "28-day FDS", "03W", "", "10", "7", "4"],
    ])
    with pytest.raises(InputError) as err:
        load_nhse_files(con, [_cwt_files(shared)[0], bad])
    text = str(err.value)
    assert "bad.csv, row 3, column 'TOTAL': expected a number, got 'ten'" in text
    assert "bad.csv, row 4, column 'BREACHES'" in text
    assert con.execute("SELECT count(*) FROM metric_observation").fetchone()[0] == 0  # nothing half-loaded


def test_a_missing_column_is_named(tmp_path):
    path = _write(tmp_path / "cwt.csv", [c for c in CWT_HEADER if c != "BREACHES"] + ["ICB SUB LOCATION"], [])
    with pytest.raises(InputError):
        parse_file(path, "cwt_subicb")
    path = _write(tmp_path / "cwt2.csv", [c for c in CWT_HEADER if c != "TOTAL"], [])
    with pytest.raises(InputError, match="missing column 'TOTAL'"):
        parse_file(path, "cwt_subicb")


def test_an_unknown_layout_is_refused(tmp_path):
    path = _write(tmp_path / "other.csv", ["a", "b"], [["1", "2"]])
    with pytest.raises(InputError, match="other.csv, row 1: not a recognised NHS England statistics layout"):
        parse_file(path)


AE_HEADER = ["Period", "Org Code", "Parent Org", "Org name", "A&E attendances Type 1", "A&E attendances Type 2",
             "A&E attendances Other A&E Department", "Attendances over 4hrs Type 1", "Attendances over 4hrs Type 2",
             "Attendances over 4hrs Other Department", "Patients who have waited 4-12 hs from DTA to admission",
             "Patients who have waited 12+ hrs from DTA to admission"]


def test_ae_four_hour_performance(tmp_path):
    path = _write(tmp_path / "ae.csv", AE_HEADER, [
        ["MSitAE-MARCH-2024", "RWE", "NHS ENGLAND MIDLANDS", "UHL", "1000", "-", "500", "400", "", "50", "30", "12"],
        ["MSitAE-MARCH-2024", "TOTAL", "", "", "1000", "0", "500", "400", "0", "50", "30", "12"],
    ])
    obs = parse_file(path).observations.set_index("metric_id")
    four = obs.loc["ae-4-hour"]
    # 1,500 attendances, 450 over 4 hours -> 1,050 within = 70%; the TOTAL footer is dropped
    assert (four.org_code, four.numerator, four.denominator, four.value) == ("RWE", 1050.0, 1500.0, 0.7)
    assert four.period_start == dt.date(2024, 3, 1) and four.period_end == dt.date(2024, 3, 31)
    assert obs.loc["ae-12-hour-dta"].value == 12.0


def _rtt_header() -> list[str]:
    bands = [f"Gt {i:02d} To {i + 1:02d} Weeks SUM 1" for i in range(0, 104)] + ["Gt 104 Weeks SUM 1"]
    return ["Period", "Provider Parent Org Code", "Provider Parent Name", "Provider Org Code", "Provider Org Name",
            "Commissioner Parent Org Code", "Commissioner Parent Name", "Commissioner Org Code",
            "Commissioner Org Name", "RTT Part Type", "RTT Part Description", "Treatment Function Code",
            "Treatment Function Name", *bands, "Total", "Patients with unknown clock start date", "Total All"]


def _rtt_row(part: str, tf: str, bands: dict[int, int]) -> list[str]:
    cells = ["" for _ in range(105)]
    for i, n in bands.items():
        cells[i] = str(n)
    total = sum(bands.values())
    return ["RTT-April-2026", "Q", "", "RWE", "UHL", "QK1", "", "04C", "City", part, "", tf, "", *cells,
            str(total), "0", str(total)]


def test_rtt_52_week_waiters_and_18_weeks(tmp_path):
    path = _write(tmp_path / "rtt.csv", _rtt_header(), [
        _rtt_row("Part_2", "C_100", {0: 10, 17: 5, 18: 4, 52: 3, 104: 2}),
        _rtt_row("Part_2", "C_999", {0: 10, 17: 5, 18: 4, 52: 3, 104: 2}),  # all-specialty roll-up: excluded
        _rtt_row("Part_1A", "C_100", {60: 100}),  # completed pathways: not waiting
    ])
    obs = parse_file(path).observations.set_index("metric_id")
    assert obs.loc["rtt-52-week-waiters"].value == 5  # band 52-53 (3) and 104+ (2)
    assert obs.loc["rtt-waiting-list"].value == 24
    eighteen = obs.loc["rtt-18-weeks"]  # bands ending at or before 18 weeks: 0-1 (10), 17-18 (5)
    assert (eighteen.numerator, eighteen.denominator) == (15, 24)
    assert obs.loc["rtt-52-week-waiters"].org_code == "04C" and obs.loc["rtt-52-week-waiters"].breakdown == "RWE"


def test_ambsys_category_2_mean_in_minutes(tmp_path):
    path = _write(tmp_path / "amb.csv", ["Year", "Month", "Region", "Org Code", "Org Name", "A8", "A10", "A24", "A30"],
                  [["2024", "1", "Y60", "RX9", "EMAS", "100", "2000", "48000", "4200000"]])
    obs = parse_file(path).observations.set_index("metric_id")
    assert obs.loc["ambulance-c2-mean"].value == pytest.approx(4200000 / 2000 / 60)  # 35 minutes
    assert obs.loc["ambulance-c1-mean"].value == pytest.approx(8.0)


def test_gpad_daily_sub_icb_rolls_up_to_months(tmp_path):
    header = ["SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_ONS_CODE", "SUB_ICB_LOCATION_NAME", "ICB_ONS_CODE",
              "REGION_ONS_CODE", "Appointment_Date", "APPT_STATUS", "HCP_TYPE", "APPT_MODE",
              "TIME_BETWEEN_BOOK_AND_APPT", "COUNT_OF_APPOINTMENTS"]
    base = ["04C", "E38000097", "City", "E54000015", "E40000011"]
    path = _write(tmp_path / "gpad.csv", header, [
        [*base, "01MAR2024", "Attended", "GP", "Face-to-Face", "Same Day", "120"],
        [*base, "02MAR2024", "DNA", "GP", "Telephone", "1 Day", "30"],
        [*base, "01APR2024", "Attended", "GP", "Face-to-Face", "Same Day", "7"],
    ])
    obs = parse_file(path).observations.sort_values("period_start")
    assert list(obs.value) == [150, 7]
    assert list(obs.period_start) == [dt.date(2024, 3, 1), dt.date(2024, 4, 1)]


def test_gpad_bad_date_is_named(tmp_path):
    header = ["SUB_ICB_LOCATION_CODE", "Appointment_Date", "COUNT_OF_APPOINTMENTS"]
    path = _write(tmp_path / "gpad.csv", header, [["04C", "2024-03-01", "5"]])
    with pytest.raises(InputError, match="gpad.csv, row 2, column 'Appointment_Date': expected a date like %d%b%Y"):
        parse_file(path)


def test_ldhc_health_checks_per_practice(tmp_path):
    path = _write(tmp_path / "ldhc.csv", ["ACH_DATE", "PRACTICE_CODE", "IND_CODE", "MEASURE", "VALUE"], [
        ["2024-03-31", "C82001", "LDHCMI034", "Numerator", "3"],
        ["2024-03-31", "C82001", "LDHCMI034", "Denominator", "4"],
        ["2024-03-31", "C82001", "LDHCMI035", "Numerator", "30"],
        ["2024-03-31", "C82001", "LDHCMI035", "Denominator", "36"],
        ["2024-03-31", "C82001", "LDHC021", "Count", "5"],  # monthly count: not part of the FYTD percentage
    ])
    row = parse_file(path).observations.iloc[0]
    assert (row.metric_id, row.org_code, row.numerator, row.denominator) == ("ld-health-checks", "C82001", 33, 40)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 5000)), min_size=1, max_size=8))
def test_ae_performance_is_a_proportion_of_attendances(tmp_path_factory, pairs):
    rows = [["MSitAE-JUNE-2023", f"R{i:02d}", "X", "n", str(a + b), "", "", str(b), "", "", "", ""]
            for i, (a, b) in enumerate(pairs)]
    path = _write(tmp_path_factory.mktemp("ae") / "ae.csv", AE_HEADER, rows)
    obs = parse_file(path).observations
    four = obs[obs.metric_id == "ae-4-hour"]
    assert list(four.numerator) == [float(a) for a, _ in pairs]
    valid = four[four.denominator > 0]
    assert ((valid.value >= 0) & (valid.value <= 1)).all()
    assert four[four.denominator == 0].value.isna().all()

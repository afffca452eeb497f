"""``pophealth measures list|show|import``: the catalogue as data, from real sources and the PHM engine."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pophealth.cli import main
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.measures.demo import load_measures_demo
from pophealth.warehouse import connect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(care_warehouse, tmp_path_factory) -> Path:
    """The demo's published statistics beside a PHM run on synthetic records."""
    path = tmp_path_factory.mktemp("measures-cli") / "w.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    try:
        load_shipped_fingertips(con)
        load_measures_demo(con)
    finally:
        con.close()
    return path


def _json(capsys, *args: str):
    capsys.readouterr()
    main([*args, "--json"])
    return json.loads(capsys.readouterr().out)


def test_list_shows_no_made_up_measure_and_a_real_figure_for_every_pledge_1_to_11(warehouse, capsys):
    rows = _json(capsys, "measures", "list", "--db", str(warehouse))
    assert {r["source_kind"] for r in rows} <= {"public", "local", "phm", "none"}
    assert not any(r["synthetic"] for r in rows)
    with_data = [r for r in rows if r["latest_period"]]
    assert len(with_data) >= 18
    for pledge in range(1, 12):
        assert any(pledge in r["pledges"] for r in with_data), f"pledge {pledge} has no figure"
    for r in rows:
        if not r["latest_period"]:  # says which source would fill it, and how to load it
            assert r["source"]["publisher"] and r["how_to_load"] and r["status"] == "no_data", r["id"]
        if r["target"] is not None:
            assert r["target"]["source"], r["id"]
    phm = {r["id"]: r for r in rows if r["source_kind"] == "phm"}
    assert phm["ld-annual-health-checks"]["computed_on_demo_population"] is True


def test_the_phm_measure_is_the_care_gap_of_the_same_run(warehouse, capsys):
    shown = _json(capsys, "measures", "show", "ld-annual-health-checks", "--org", "LLR", "--db", str(warehouse))
    con = connect(warehouse, read_only=True)
    try:
        gap, eligible = con.execute("""SELECT numerator, denominator FROM phm_aggregate a JOIN phm_run r USING (run_id)
                                       WHERE measure = 'care_gap_ld_annual_health_check' AND dimension = 'all'
                                       ORDER BY r.finished_at DESC LIMIT 1""").fetchone()
    finally:
        con.close()
    latest = shown["observations"][-1]
    assert latest["denominator"] == eligible and latest["numerator"] == eligible - gap
    assert latest["value"] == pytest.approx(100 * (eligible - gap) / eligible)


def test_show_gives_one_observation_per_month_for_an_organisation(warehouse, capsys):
    shown = _json(capsys, "measures", "show", "ae-four-hour", "--org", "RWE", "--db", str(warehouse))
    months = [o["period_start"] for o in shown["observations"]]
    assert len(months) == len(set(months)) >= 108 and shown["unit"] == "percent"
    july_2015 = next(o for o in shown["observations"] if o["period_start"] == "2015-07-01")
    assert july_2015["org"] == "RWE" and 0 < july_2015["value"] <= 100
    assert july_2015["value"] == pytest.approx(100 * july_2015["numerator"] / july_2015["denominator"])
    others = _json(capsys, "measures", "show", "ae-four-hour", "--org", "ENGLAND", "--db", str(warehouse))
    assert {o["org"] for o in others["observations"]} == {"ENGLAND"}


def test_unknown_measure_is_refused(warehouse):
    with pytest.raises(SystemExit) as exit_:
        main(["measures", "show", "no-such-measure", "--db", str(warehouse)])
    assert exit_.value.code != 0


def test_a_local_return_loads_and_a_bad_one_loads_nothing(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    main(["init", "--db", str(db)])
    good = tmp_path / "return.csv"
    good.write_text("measure_id,org_code,period_start,period_end,numerator,denominator,value,source\n"
                    "workforce-vacancy-rate,QK1,2024-04-01,2024-06-30,2400,30000,,ESR quarterly return\n"
                    "workforce-staff-in-post,QK1,2024-06-01,2024-06-30,,,29850,ESR month end\n")
    assert _json(capsys, "measures", "import", str(good), "--db", str(db), "--create") == {
        "workforce-staff-in-post": 1, "workforce-vacancy-rate": 1}
    shown = _json(capsys, "measures", "show", "workforce-vacancy-rate", "--db", str(db))
    assert shown["observations"][0]["value"] == pytest.approx(8.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("measure_id,org_code,period_start,period_end,numerator,denominator,value,source\n"
                   "workforce-staff-in-post,QK1,2024-07-01,2024-07-31,,,29900,ok\n"
                   "workforce-staff-in-post,QK1,2024-08-01,2024-08-31,,,-5,negative\n")
    with pytest.raises(SystemExit) as exit_:
        main(["measures", "import", str(bad), "--db", str(db)])
    assert exit_.value.code == 3
    shown = _json(capsys, "measures", "show", "workforce-staff-in-post", "--db", str(db))
    assert [o["period_start"] for o in shown["observations"]] == ["2024-06-01"]  # nothing from the bad file


def test_init_then_import_nhse_gives_the_measure_one_published_figure_a_month(tmp_path, capsys):
    """The issue's check: an empty warehouse, the publisher's A&E workbooks of any layout, then the measure."""
    import pandas as pd

    from tests.sources.test_nhse_ae_workbook import EXTRACT, WORKBOOKS, shared_dir

    if not WORKBOOKS:
        pytest.skip("no A&E workbooks to import")
    db = tmp_path / "w.duckdb"
    main(["init", "--db", str(db)])
    main(["report", "import-nhse", *map(str, WORKBOOKS), "--db", str(db), "--json"])
    shown = _json(capsys, "measures", "show", "ae-four-hour", "--org", "RWE", "--db", str(db))
    published = pd.read_csv(shared_dir() / "data" / "public" / EXTRACT)
    rwe = published[(published["level"] == "provider") & (published["org_code"] == "RWE")]
    expected = {r["period"]: 100 * r["pct_within_4h_all"] for _, r in rwe.iterrows()}
    got = {o["period_start"]: o["value"] for o in shown["observations"]}
    assert len(got) == len(shown["observations"]) == len(WORKBOOKS)  # one observation per month
    for month, value in got.items():
        assert value == pytest.approx(expected[month], abs=1e-7), month

"""The whole pipeline on 5,000 synthetic people: temporal validation, stored runs, worklist, CLI."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pytest

from pophealth.cli import main
from pophealth.phm.risk import latest_risk_report, latest_run
from pophealth.warehouse import connect

from .conftest import CUTOFF


def test_model_beats_both_baselines_after_the_cutoff(trained):
    _, result = trained
    met = result["emergency_admission_12m"]["metrics"]
    model, base = met["model"], met["baselines"]
    assert model["auroc"] > base["age_sex"]["auroc"]
    assert model["auroc"] > base["ltc"]["auroc"]
    # PHM.md 5.2's benchmark, prior admissions (with age and sex), is reported with the model's gain over it
    assert set(base) == {"age_sex", "age_sex_prior", "ltc"}
    assert base["age_sex_prior"]["auroc"] > base["age_sex"]["auroc"]  # prior use predicts admission
    assert base["age_sex_prior"]["auroc_gain"] == pytest.approx(model["auroc"] - base["age_sex_prior"]["auroc"], abs=2e-6)
    lo, hi = model["auroc_ci"]
    assert lo <= model["auroc"] <= hi
    assert 0.5 < model["calibration_slope"] < 2
    assert model["ppv_top1"] > model["event_rate"] and model["ppv_top5"] > model["event_rate"]
    assert met["training"]["n"] > 0 and model["n"] > 0


def test_fairness_tables_partition_the_evaluated_people(trained):
    _, result = trained
    met = result["emergency_admission_12m"]["metrics"]
    for axis in ("imd_quintile", "ethnic_group"):
        rows = met["fairness"][axis]
        assert sum(r["n"] for r in rows) == met["model"]["n"]
        assert sum(r["events"] for r in rows) == met["model"]["events"]
        assert sum(r["flagged_top5"] for r in rows) == met["model"]["flagged_top5"]


def test_runs_scores_and_worklist_are_stored(trained):
    path, result = trained
    con = connect(path, read_only=True)
    try:
        report = latest_risk_report(con)
        run_id = result["emergency_admission_12m"]["run_id"]
        n, top1, top5, ranks = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE top1), count(*) FILTER (WHERE top5), "
            "count(DISTINCT rank) FROM phm_risk_score WHERE run_id = ?", [run_id]).fetchone()
        death_run = latest_run(con, "death_12m")
        listed = con.execute("SELECT count(*) FROM phm_eol_worklist WHERE run_id = ?",
                             [death_run["run_id"]]).fetchone()[0]
        on_register_listed = con.execute(
            "SELECT count(*) FROM phm_eol_worklist w JOIN phm_risk_score s USING (run_id, person_id) "
            "WHERE w.run_id = ? AND NOT s.top1", [death_run["run_id"]]).fetchone()[0]
    finally:
        con.close()
    assert report["run_id"] == run_id and report["cutoff"] == CUTOFF.isoformat()
    for key in ("auroc", "baseline_age_sex_auroc", "baseline_age_sex_prior_auroc", "baseline_ltc_auroc",
                "calibration_slope"):
        assert isinstance(report[key], float)
    model = result["emergency_admission_12m"]["metrics"]["model"]
    assert n == ranks == model["n"] and top1 == model["flagged_top1"] and top5 == model["flagged_top5"]
    assert on_register_listed == 0  # the worklist is drawn from the flagged top 1% only
    eol = death_run["metrics"]["last_year_of_life"]
    assert eol["worklist_size"] == listed and eol["worklist_size"] <= eol["flagged"]
    ET.fromstring(death_run["calibration_svg"])  # well-formed, accessible SVG
    assert "<title" in death_run["calibration_svg"] and "<desc" in death_run["calibration_svg"]


def test_worklist_leaves_out_people_on_the_palliative_register(trained):
    from pophealth.phm.risk.features import build_features
    from .conftest import cdm_of

    path, result = trained
    con = connect(path, read_only=True)
    try:
        feats = build_features(cdm_of(con), CUTOFF)
        listed = {r[0] for r in con.execute("SELECT person_id FROM phm_eol_worklist WHERE run_id = ?",
                                            [result["death_12m"]["run_id"]]).fetchall()}
    finally:
        con.close()
    on_register = set(feats.index[feats["palliative_register"]])
    assert listed and not listed & on_register


def test_cli_report_and_worklist_csv(trained, tmp_path, capsys):
    path, result = trained
    main(["phm", "risk", "report", "--db", str(path), "--json"])
    summary = json.loads(capsys.readouterr().out)["risk_model"]
    assert summary["run_id"] == result["emergency_admission_12m"]["run_id"] and summary["current"] is True
    con = connect(path, read_only=True)
    practice, expected = con.execute(
        "SELECT practice_code, count(*) FROM phm_eol_current GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    con.close()
    out = tmp_path / "eol.csv"
    main(["phm", "eol-worklist", "--practice", practice, "--out", str(out), "--db", str(path)])
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == expected and {r["practice_code"] for r in rows} == {practice}
    assert [int(r["rank"]) for r in rows] == sorted(int(r["rank"]) for r in rows)


def test_report_before_any_run_is_a_clear_error(db_file, capsys):
    main(["init", "--db", str(db_file)])  # an empty warehouse: a missing one is refused before (exit 2)
    with pytest.raises(SystemExit) as info:
        main(["phm", "risk", "report", "--db", str(db_file)])
    assert info.value.code == 4 and "phm risk train" in capsys.readouterr().err


def test_cutoff_without_a_following_year_of_records_is_refused(synth_db, tmp_path, capsys):
    import shutil

    path = tmp_path / "w.duckdb"
    shutil.copy(synth_db, path)
    with pytest.raises(SystemExit) as info:
        main(["phm", "risk", "train", "--db", str(path), "--cutoff", "2025-09-30"])
    assert info.value.code == 2 and "outcome year" in capsys.readouterr().err


def test_after_the_population_changes_the_risk_run_is_out_of_date_and_no_worklist_is_written(trained, tmp_path,
                                                                                           capsys):
    """Its person ids would name another population's people: the report says so, the export is refused."""
    import shutil

    from pophealth.warehouse.versions import record_population

    path, _ = trained
    copy = tmp_path / "w.duckdb"
    shutil.copy(path, copy)
    con = connect(copy)
    practice = con.execute("SELECT practice_code FROM phm_eol_current GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
                           ).fetchone()[0]
    con.execute("DELETE FROM person WHERE person_id IN (SELECT person_id FROM person ORDER BY person_id LIMIT 25)")
    record_population(con, "a new extract")
    con.close()
    main(["phm", "risk", "report", "--db", str(copy), "--json"])
    assert json.loads(capsys.readouterr().out)["risk_model"]["current"] is False
    from pophealth.phm.summary import risk_model

    con = connect(copy, read_only=True)
    assert risk_model(con)["current"] is False  # as `phm summary --json` shows it
    con.close()
    out = tmp_path / "eol.csv"
    with pytest.raises(SystemExit) as refused:
        main(["phm", "eol-worklist", "--practice", practice, "--out", str(out), "--db", str(copy)])
    assert refused.value.code == 2 and "phm risk train" in capsys.readouterr().err and not out.exists()

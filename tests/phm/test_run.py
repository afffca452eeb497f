"""End to end: a small synthetic population through ``pophealth phm run`` and ``phm summary --json``;
outside data whose codes match no list; worklists; disclosure control of published aggregates."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from pophealth.cli import app
from pophealth.phm.care_gaps import CARE_GAPS, season_start
from pophealth.phm.outputs import published_aggregates
from pophealth.phm.run import run_phm
from pophealth.phm.segments import SEGMENTS
from pophealth.phm.worklists import worklist
from pophealth.warehouse import connect

SUMMARY_COHORTS = {"core20", "learning_disability", "severe_mental_illness", "homelessness", "asylum_seeker",
                   "ethnic_minority"}


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory):
    from pophealth.geography.load import load_geography
    from pophealth.synth.generate import generate

    db = tmp_path_factory.mktemp("phm") / "phm.duckdb"
    con = connect(db)
    load_geography(con)
    con.close()
    generate(db, 3000, 7)
    result = CliRunner().invoke(app, ["phm", "run", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def summary(synth_db):
    result = CliRunner().invoke(app, ["phm", "summary", "--json", "--db", str(synth_db)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.slow
def test_efi_categories_are_the_sums_of_deficit_counts_over_the_published_bands(summary):
    counts = summary["efi_deficits"]
    assert len(counts) == 37  # people 65+ with 0..36 deficits
    assert sum(counts) == summary["efi"]["people_65plus"] > 0
    # Clegg 2016: fit 0-4, mild 5-8, moderate 9-12, severe 13-36 of 36 deficits
    assert summary["efi"]["fit"] == sum(counts[0:5])
    assert summary["efi"]["mild"] == sum(counts[5:9])
    assert summary["efi"]["moderate"] == sum(counts[9:13])
    assert summary["efi"]["severe"] == sum(counts[13:])


@pytest.mark.slow
def test_summary_has_the_promised_shape(summary):
    assert summary["people"] > 2500
    assert set(summary["efi"]) >= {"fit", "mild", "moderate", "severe"}
    assert set(summary["segments"]) == set(SEGMENTS)
    assert set(summary["cohorts"]) >= SUMMARY_COHORTS
    assert set(summary["care_gaps"]) == {g.name for g in CARE_GAPS}
    assert set(summary["risk_model"]) == {"auroc", "baseline_age_sex_auroc", "baseline_age_sex_prior_auroc",
                                          "baseline_ltc_auroc",
                                          "calibration_slope", "current"}
    assert all(v is None for v in summary["risk_model"].values())  # no risk run stored here


@pytest.mark.slow
def test_figures_are_produced_and_consistent(summary):
    assert 0 < summary["ltc_8plus"] <= summary["ltc_5plus"] <= summary["ltc_2plus"] < summary["people"]
    assert sum(summary["segments"].values()) == summary["people"]  # segments partition the population
    assert sum(summary["efi"][c] for c in ("fit", "mild", "moderate", "severe")) == summary["efi"]["people_65plus"]
    for cohort in SUMMARY_COHORTS:
        assert summary["cohorts"][cohort] > 0, cohort
    assert all(summary["care_gaps"][g] > 0 for g in ("flu_vaccination", "cervical_screening", "htn_bp_check"))


@pytest.mark.slow
def test_published_aggregates_hide_small_counts(synth_db, summary):
    con = connect(synth_db)
    try:
        frame = published_aggregates(con, summary["run_id"], "practice_code")
    finally:
        con.close()
    counts = pd.concat([frame.numerator, frame.denominator]).dropna().astype(int)
    assert not counts.between(1, 7).any()
    assert (counts % 5 == 0).all()
    assert frame.numerator.isna().any()  # 3,000 people over ~130 practices: some cells must be hidden


@pytest.mark.slow
def test_worklist_exports_one_practice(synth_db, tmp_path):
    con = connect(synth_db)
    try:
        practice = con.execute("SELECT practice_code FROM phm_person GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
                               ).fetchall()[0][0]
        frame = worklist(con, practice=practice)
    finally:
        con.close()
    assert len(frame) > 0 and (frame.practice_code == practice).all()
    out = tmp_path / "list.xlsx"
    result = CliRunner().invoke(app, ["phm", "worklist", "--practice", practice, "--out", str(out),
                                      "--db", str(synth_db)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_excel(out)) == len(frame)


@pytest.mark.slow
def test_worklist_holds_exactly_the_people_in_need_highest_need_first(synth_db):
    """Everyone of the PCN with an open care gap, 5+ long-term conditions or moderate/severe frailty, and
    nobody else; their cohorts and open gaps listed in name order; highest CMS, then LTC count, first."""
    con = connect(synth_db)
    try:
        run = con.execute("SELECT run_id FROM phm_run ORDER BY finished_at DESC LIMIT 1").fetchall()[0][0]
        pcn = con.execute("SELECT pcn_code FROM phm_person WHERE run_id = ? GROUP BY 1 ORDER BY count(*) DESC "
                          "LIMIT 1", [run]).fetchall()[0][0]
        people = con.execute("SELECT * FROM phm_person WHERE run_id = ? AND pcn_code = ?", [run, pcn]).df()
        gaps = con.execute("SELECT person_id, care_gap FROM phm_care_gap WHERE run_id = ? AND gap", [run]).df()
        cohorts = con.execute("SELECT person_id, cohort FROM phm_person_cohort WHERE run_id = ?", [run]).df()
        frame = worklist(con, pcn=pcn)
    finally:
        con.close()
    open_gaps = gaps.groupby("person_id").care_gap.apply(lambda s: ",".join(sorted(s))).to_dict()
    named = cohorts.groupby("person_id").cohort.apply(lambda s: ",".join(sorted(s))).to_dict()
    in_need = people[people.person_id.isin(open_gaps) | people.ltc_5plus
                     | people.efi_category.isin(["moderate", "severe"])]
    assert set(frame.person_id) == set(in_need.person_id) and len(frame) == len(in_need) > 0
    for row in frame.itertuples():
        assert row.open_care_gaps == open_gaps.get(row.person_id, None) or (
            pd.isna(row.open_care_gaps) and row.person_id not in open_gaps)
        assert row.cohorts == named.get(row.person_id) or (pd.isna(row.cohorts) and row.person_id not in named)
    keys = list(zip(-frame.cms_score, -frame.ltc_count, frame.person_id))
    assert keys == sorted(keys)


def test_outside_data_with_unmatched_codes_gives_empty_registers(tmp_path):
    db = tmp_path / "outside.duckdb"
    con = connect(db)
    con.execute("""INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)
                   VALUES (1, 8507, 1940, 0, 0), (2, 8532, 1990, 0, 0)""")
    con.execute("""INSERT INTO observation_period VALUES (1, 1, DATE '2000-01-01', DATE '2024-12-31', 32817),
                                                         (2, 2, DATE '2000-01-01', DATE '2024-12-31', 32817)""")
    con.execute("""INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
                   condition_start_date, condition_type_concept_id, condition_source_value)
                   VALUES (1, 1, 201826, DATE '2020-01-01', 32817, 'E11.9'), (2, 2, 0, DATE '2021-01-01', 32817, NULL)""")
    run_id = run_phm(con=con)
    assert con.execute("SELECT count(*) FROM phm_person WHERE run_id = ?", [run_id]).fetchall()[0][0] == 2
    assert con.execute("SELECT count(*) FROM phm_person_register WHERE run_id = ?", [run_id]).fetchall()[0][0] == 0
    segments = dict(con.execute("SELECT person_id, segment FROM phm_person WHERE run_id = ?", [run_id]).fetchall())
    assert segments == {1: "healthy", 2: "healthy"}
    con.close()


def test_a_failed_run_leaves_nothing(tmp_path, monkeypatch):
    from pophealth.phm import run as run_module

    con = connect(tmp_path / "fail.duckdb")
    con.execute("INSERT INTO person (person_id, gender_concept_id, year_of_birth, race_concept_id, ethnicity_concept_id)"
                " VALUES (1, 8507, 1940, 0, 0)")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(run_module, "aggregates", broken)
    with pytest.raises(RuntimeError):
        run_phm(con=con, index_date=date(2024, 1, 1))
    for table in ("phm_run", "phm_person", "phm_care_gap", "phm_aggregate"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0
    con.close()


def test_worklist_needs_exactly_one_of_practice_or_pcn(tmp_path):
    from pophealth.errors import InputError

    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(InputError):
        worklist(con)
    con.close()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_season_starts_on_the_1_september_before_the_index_date(index_date):
    start = season_start(index_date)
    assert (start.month, start.day) == (9, 1)
    assert 0 <= (index_date - start).days < 366

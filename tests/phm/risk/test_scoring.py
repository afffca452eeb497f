"""Score only: risk at the index date with the evaluated model, and each person's contributing factors."""

from __future__ import annotations

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pophealth.phm.risk import latest_run
from pophealth.phm.risk.factors import describe, top_factors
from pophealth.phm.risk.models import RiskModel, design, feature_names
from pophealth.phm.risk.pipeline import load_current, load_year, run_risk, score_only
from pophealth.phm.risk.store import ADMISSION, DEATH
from pophealth.phm.run import run_phm
from pophealth.warehouse import connect

from .conftest import CUTOFF, cdm_of
from .test_no_leakage import _add_records

T0 = CUTOFF - dt.timedelta(days=365)
SCORE_ON = dt.date(2025, 9, 30)  # after the cut-off, before the end of the records (2026-03-31)


@pytest.fixture(scope="module")
def fitted(synth_db):
    """The admission model fitted on the training year, as ``run_risk`` fits it."""
    con = connect(synth_db, read_only=True, migrate=False)
    try:
        train = load_year(cdm_of(con), T0)
        return RiskModel(seed=3).fit(train.features, train.admitted), train.features
    finally:
        con.close()


def _scored(path, model):
    con = connect(path, read_only=True, migrate=False)
    try:
        return score_only(model, load_current(cdm_of(con), SCORE_ON), ADMISSION, SCORE_ON)
    finally:
        con.close()


def test_scores_at_the_index_date_read_no_later_records(synth_db, fitted, tmp_path):
    """Records dated the day after the scoring date change no score, rank or factor; the same records on
    the scoring date do (so the first check can fail)."""
    model, _ = fitted
    before = _scored(synth_db, model)
    for day, changes in ((SCORE_ON + dt.timedelta(days=1), False), (SCORE_ON, True)):
        path = tmp_path / f"{day}.duckdb"
        shutil.copy(synth_db, path)
        con = connect(path)
        try:
            ids = _add_records(con, day)
        finally:
            con.close()
        after = _scored(path, model)
        if not changes:
            pd.testing.assert_frame_equal(before.scores, after.scores)
            pd.testing.assert_frame_equal(before.factors, after.factors)
        else:
            changed = before.scores.set_index("person_id").score.reindex(ids).dropna()
            now = after.scores.set_index("person_id").score.reindex(changed.index)
            assert len(changed) > 100 and (now > changed).mean() > 0.9  # an admission today raises the risk


def test_contributions_and_base_value_reproduce_the_margin(fitted):
    model, frame = fitted
    base, contrib = model.contributions(frame)
    assert list(contrib.columns) == feature_names()
    margin = model.model.decision_function(design(frame))  # scikit-learn's own raw score
    np.testing.assert_allclose(base + contrib.sum(axis=1).to_numpy(), margin, rtol=0, atol=1e-6)
    # the margin is the model's own log-odds: its probability is what predict gives
    np.testing.assert_allclose(1 / (1 + np.exp(-margin)), model.predict(frame), rtol=0, atol=1e-9)
    # a person with the training population's mean inputs would sit at the base value
    assert np.isclose(contrib.mean(axis=0).abs().max(), 0, atol=1e-9)


ROW = st.fixed_dictionaries({
    "age": st.integers(18, 105), "ea_6m": st.integers(0, 6), "ea_12m": st.integers(0, 10),
    "ea_24m": st.integers(0, 20), "ae_12m": st.integers(0, 10), "ae_24m": st.integers(0, 20),
    "medicines": st.integers(0, 30), "female": st.booleans(),
    "imd_decile": st.one_of(st.none(), st.integers(1, 10)), "ltc_count": st.integers(0, 15),
    "deficits_all_ages": st.integers(0, 36), "cms_score": st.floats(0, 20), "palliative_register": st.booleans(),
    "housebound": st.booleans()})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=20))
def test_factors_add_up_and_are_the_largest_for_any_inputs(fitted, rows):
    model, _ = fitted
    frame = pd.DataFrame(rows, index=pd.Index(range(1, len(rows) + 1), name="person_id"))
    frame["imd_decile"] = frame["imd_decile"].astype(float)
    base, contrib = model.contributions(frame)
    np.testing.assert_allclose(base + contrib.sum(axis=1).to_numpy(), model.margin(frame), rtol=0, atol=1e-6)
    _, top = top_factors(model, frame)
    assert (top.groupby("person_id").size() == 3).all()
    for pid, got in top.groupby("person_id"):
        largest = contrib.loc[pid].abs().sort_values(ascending=False, kind="stable")
        assert got.sort_values("position")["feature"].tolist() == largest.index[:3].tolist()
        assert np.allclose(got["contribution"].to_numpy(), contrib.loc[pid, got["feature"]].to_numpy())
        assert (got["value"].fillna(-1).to_numpy() ==
                frame.loc[pid, got["feature"]].astype(float).fillna(-1).to_numpy()).all()


def test_describe_says_direction_in_plain_words():
    assert describe("ea_12m", 3.0, 0.84) == ("Emergency admissions in the last 12 months: 3 (raises risk, "
                                             "+0.84 log-odds)")
    assert describe("female", 0.0, -0.1).startswith("Sex: male (lowers risk")
    assert describe("imd_decile", float("nan"), 0.2).startswith("Deprivation (IMD decile, 1 = most deprived): not known")


@pytest.fixture(scope="module")
def scored_run(synth_db, tmp_path_factory):
    """A PHM run at SCORE_ON, then the risk runs (scoring by default at the PHM run's index date)."""
    path = tmp_path_factory.mktemp("scored") / "scored.duckdb"
    shutil.copy(synth_db, path)
    con = connect(path)
    try:
        run_phm(con=con, index_date=SCORE_ON)
        result = run_risk(con, CUTOFF, seed=3, reps=0)
    finally:
        con.close()
    return path, result


def test_the_score_date_is_the_phm_runs_index_date(scored_run):
    path, result = scored_run
    con = connect(path, read_only=True)
    try:
        index_date = con.execute("SELECT index_date FROM phm_run").fetchone()[0]
        assert index_date == SCORE_ON
        for outcome in (ADMISSION, DEATH):
            run = latest_run(con, outcome)
            assert run["scored_at"] == index_date == result[outcome]["scored_at"]
            assert run["cutoff"] == CUTOFF  # trained and evaluated as before
            stored, people, top5 = con.execute(
                "SELECT count(*), any_value(s.people), count(*) FILTER (WHERE top5) FROM phm_risk_current_score c "
                "JOIN phm_risk_scoring s USING (run_id) WHERE run_id = ?", [run["run_id"]]).fetchone()
            assert stored == people > 0 and 0 < top5 <= 0.05 * stored + 1
            # everyone scored is an adult registered at the index date (in the PHM run)
            outside = con.execute(
                "SELECT count(*) FROM phm_risk_current_score c LEFT JOIN phm_person p ON p.person_id = c.person_id "
                "AND p.run_id = (SELECT run_id FROM phm_run) WHERE c.run_id = ? AND (p.person_id IS NULL OR p.age < 18)",
                [run["run_id"]]).fetchone()[0]
            assert outside == 0
    finally:
        con.close()


def test_stored_factors_reproduce_the_stored_margin(scored_run):
    """Three factors per scored person; the stored margin is the log-odds of the stored score."""
    path, result = scored_run
    con = connect(path, read_only=True)
    try:
        run_id = result[ADMISSION]["run_id"]
        scores = con.execute("SELECT person_id, score, margin FROM phm_risk_current_score WHERE run_id = ?",
                             [run_id]).df()
        per_person = con.execute("SELECT person_id, count(*) AS n, max(position) AS last FROM phm_risk_factor "
                                 "WHERE run_id = ? GROUP BY 1", [run_id]).df()
    finally:
        con.close()
    np.testing.assert_allclose(scores["margin"], np.log(scores["score"] / (1 - scores["score"])), atol=1e-6)
    assert len(per_person) == len(scores) and (per_person["n"] == 3).all() and (per_person["last"] == 3).all()


def test_the_last_year_of_life_list_at_the_index_date_holds_no_one_on_the_register(scored_run):
    path, result = scored_run
    con = connect(path, read_only=True)
    try:
        run_id = result[DEATH]["run_id"]
        listed = con.execute("SELECT count(*) FROM phm_eol_current WHERE run_id = ?", [run_id]).fetchone()[0]
        on_register = con.execute(
            "SELECT count(*) FROM phm_eol_current e JOIN phm_person_register r ON r.person_id = e.person_id "
            "AND r.run_id = (SELECT run_id FROM phm_run) AND r.register = 'palliative_care' WHERE e.run_id = ?",
            [run_id]).fetchone()[0]
        flagged = con.execute("SELECT count(*) FROM phm_risk_current_score WHERE run_id = ? AND top1",
                              [run_id]).fetchone()[0]
    finally:
        con.close()
    assert 0 < listed <= flagged and on_register == 0


def test_a_scoring_date_before_the_cutoff_is_refused(synth_db, tmp_path):
    from pophealth.errors import ConfigError

    path = tmp_path / "w.duckdb"
    shutil.copy(synth_db, path)
    con = connect(path)
    try:
        with pytest.raises(ConfigError, match="before the cut-off"):
            run_risk(con, CUTOFF, reps=0, score_on=CUTOFF - dt.timedelta(days=1))
    finally:
        con.close()

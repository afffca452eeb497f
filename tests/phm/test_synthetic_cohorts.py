"""On 20,000 synthetic people the cohorts the generator once left empty or inflated look plausible."""

from __future__ import annotations

import shutil

import pytest

from pophealth.phm.run import run_phm
from pophealth.phm.summary import summary
from pophealth.warehouse import connect
from tests.synth.conftest import small_db  # noqa: F401  (20,000 people, seed 7)


@pytest.fixture(scope="module")
def figures(small_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("phm_cohorts") / "w.duckdb"
    shutil.copy(small_db, path)
    con = connect(path)
    try:
        run_id = run_phm(con=con)
        dementia = con.execute("SELECT count(*) FROM phm_person_register WHERE run_id = ? AND register = 'dementia'",
                               [run_id]).fetchone()[0]
        return summary(con, run_id), dementia
    finally:
        con.close()


@pytest.mark.slow
def test_children_and_autism_cohorts_are_populated(figures):
    s, _ = figures
    people = s["people"]
    # about 0.2% of under-18s with diabetes, 0.42% with epilepsy; autism about 0.6% of all ages
    assert s["cohorts"]["cyp_diabetes"] >= 3 and s["cohorts"]["cyp_epilepsy"] >= 8
    assert 0.003 < s["cohorts"]["autism"] / people < 0.01


@pytest.mark.slow
def test_dementia_register_is_not_inflated_by_medication_reviews(figures):
    s, dementia = figures
    # QOF 2023/24 dementia prevalence is about 0.75% of all ages; medication reviews coded with a dementia
    # code once added everyone reviewed (most people on 5+ medicines) to the register
    assert 0.004 < dementia / s["people"] < 0.012

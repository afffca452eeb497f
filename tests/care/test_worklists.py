"""The worklists are selections over the PHM engine's stored results: each is checked against a plain query of
the stored tables (not against care code), with scope and ordering invariants."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from pophealth.care.results import NO_RISK_RUN, latest_runs, scope_people
from pophealth.care.scope import CareScope
from pophealth.care.worklists import CORE20PLUS5_GAPS, WORKLISTS, select
from pophealth.errors import PermissionDenied
from pophealth.warehouse import connect


@pytest.fixture(scope="module")
def con(care_warehouse):
    con = connect(care_warehouse)
    yield con
    con.close()


@pytest.fixture(scope="module")
def pcn(con):
    return con.execute("SELECT pcn_code FROM phm_person GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]


def stored(con, sql: str, pcn: str) -> list[int]:
    """Person ids of the latest PHM run in ``pcn`` meeting ``sql`` (a condition on p, the phm_person row)."""
    runs = latest_runs(con)
    params = {"run": runs.phm_run, "pcn": pcn, "adm": runs.admission.run_id, "death": runs.death.run_id}
    query = f"""SELECT p.person_id FROM phm_person p WHERE p.run_id = $run AND p.pcn_code = $pcn AND ({sql})
                ORDER BY p.person_id"""
    return [r[0] for r in con.execute(query, {k: v for k, v in params.items() if f"${k}" in query}).fetchall()]


EXPECTED = {
    "frailty": "p.efi_category IN ('moderate', 'severe')",
    "care-gaps": "EXISTS (SELECT 1 FROM phm_care_gap g WHERE g.run_id = $run AND g.person_id = p.person_id AND g.gap)",
    "admission-risk": "EXISTS (SELECT 1 FROM phm_risk_score s WHERE s.run_id = $adm AND s.person_id = p.person_id "
                      "AND s.top5)",
    "last-year-of-life": "EXISTS (SELECT 1 FROM phm_eol_worklist e WHERE e.run_id = $death AND e.person_id = p.person_id)",
    "core20plus5": "EXISTS (SELECT 1 FROM phm_person_cohort c WHERE c.run_id = $run AND c.person_id = p.person_id "
                   "AND c.cohort = 'core20plus') AND EXISTS (SELECT 1 FROM phm_care_gap g WHERE g.run_id = $run "
                   "AND g.person_id = p.person_id AND g.gap AND g.care_gap IN ("
                   + ", ".join(f"'{g}'" for g in CORE20PLUS5_GAPS) + "))",
}


@pytest.mark.parametrize("name", list(WORKLISTS))
def test_each_worklist_is_the_engine_selection_of_its_scope(con, pcn, name):
    people = scope_people(con, latest_runs(con), CareScope("pcn", pcn))
    chosen = select(people, WORKLISTS[name])
    assert sorted(chosen["person_id"]) == stored(con, EXPECTED[name], pcn)


def test_the_fixture_exercises_every_worklist(con):
    """At the whole-population level every list has someone, so the comparisons above are not vacuous."""
    runs = latest_runs(con)
    everyone = pd.concat([scope_people(con, runs, CareScope("pcn", p)) for (p,) in con.execute(
        "SELECT DISTINCT pcn_code FROM phm_person WHERE pcn_code IS NOT NULL").fetchall()])
    assert all(len(select(everyone, w)) > 0 for w in WORKLISTS.values())


def test_risk_lists_follow_the_stored_rank(con, pcn):
    runs = latest_runs(con)
    people = scope_people(con, runs, CareScope("pcn", pcn))
    for name, column in (("admission-risk", "admission_rank"), ("last-year-of-life", "eol_rank")):
        ranks = select(people, WORKLISTS[name])[column].tolist()
        assert ranks == sorted(ranks), name


def test_scope_holds_only_people_of_the_latest_run(con, pcn):
    runs = latest_runs(con)
    people = scope_people(con, runs, CareScope("pcn", pcn))
    in_run = {r[0] for r in con.execute("SELECT person_id FROM phm_person WHERE run_id = ? AND pcn_code = ?",
                                        [runs.phm_run, pcn]).fetchall()}
    assert set(people["person_id"]) == in_run and (people["pcn_code"] == pcn).all()


def test_a_pcn_worklist_is_the_union_of_its_practices_worklists(con, pcn):
    runs = latest_runs(con)
    practices = [r[0] for r in con.execute("SELECT DISTINCT practice_code FROM phm_person WHERE pcn_code = ?",
                                           [pcn]).fetchall()]
    whole = scope_people(con, runs, CareScope("pcn", pcn))
    parts = [scope_people(con, runs, CareScope("practice", p)) for p in practices]
    assert len(practices) > 1
    for worklist in WORKLISTS.values():
        together = set(select(whole, worklist)["person_id"])
        assert together == set().union(*(set(select(part, worklist)["person_id"]) for part in parts)), worklist.name


@settings(max_examples=40, deadline=None)
@given(low=st.integers(0, 100), high=st.integers(0, 100))
def test_age_filters_keep_a_subset_in_the_same_order(care_people, low, high):
    worklist = WORKLISTS["care-gaps"]
    whole = select(care_people, worklist)["person_id"].tolist()
    part = select(care_people, worklist, min_age=low, max_age=high)
    assert part["age"].between(low, high).all()
    assert part["person_id"].tolist() == [p for p in whole if p in set(part["person_id"])]


@pytest.fixture(scope="module")
def care_people(con, pcn):
    return scope_people(con, latest_runs(con), CareScope("pcn", pcn))


def test_no_phm_run_means_no_runs(care_records):
    con = connect(care_records)
    try:
        assert latest_runs(con) is None
    finally:
        con.close()


def test_risk_lists_say_so_when_no_risk_run_is_stored(care_warehouse, tmp_path):
    path = tmp_path / "no_risk.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    try:
        con.execute("DELETE FROM phm_eol_worklist; DELETE FROM phm_risk_score; DELETE FROM phm_risk_run")
        runs = latest_runs(con)
    finally:
        con.close()
    assert runs is not None and runs.admission is None and runs.death is None
    unavailable = {name: w.unavailable(runs) for name, w in WORKLISTS.items()}
    assert unavailable == {"frailty": None, "admission-risk": NO_RISK_RUN, "care-gaps": None,
                           "last-year-of-life": NO_RISK_RUN, "core20plus5": None}


@pytest.mark.parametrize("scope", [None, "", "practice:", "region:X"])
def test_no_scope_means_no_care_relationship(scope):
    with pytest.raises(PermissionDenied):
        CareScope.parse(scope)

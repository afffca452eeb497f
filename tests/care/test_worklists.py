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
    "admission-risk": "EXISTS (SELECT 1 FROM phm_risk_current_score s WHERE s.run_id = $adm "
                      "AND s.person_id = p.person_id AND s.top5)",
    "last-year-of-life": "EXISTS (SELECT 1 FROM phm_eol_current e WHERE e.run_id = $death AND e.person_id = p.person_id)"
                         " AND NOT EXISTS (SELECT 1 FROM phm_person_register r WHERE r.run_id = $run "
                         "AND r.person_id = p.person_id AND r.register = 'palliative_care')",
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


def test_risk_is_scored_at_the_phm_runs_index_date(con):
    runs = latest_runs(con)
    assert runs.admission.scored_at == runs.death.scored_at == runs.index_date
    assert runs.admission.cutoff < runs.index_date  # trained and tested on earlier, complete years


def test_latest_runs_are_the_engines_latest_runs(care_warehouse, tmp_path):
    """The care views' two-query look-up picks the runs the engines call latest, also after newer runs."""
    from pophealth.phm.risk import latest_run as latest_risk_run
    from pophealth.phm.run import latest_run

    path = tmp_path / "runs.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    try:
        for step in range(2):
            runs = latest_runs(con)
            assert runs.phm_run == latest_run(con)
            for run, outcome in ((runs.admission, "emergency_admission_12m"), (runs.death, "death_12m")):
                engine = latest_risk_run(con, outcome)
                assert (run.run_id, run.cutoff, run.training_cutoff, run.scored_at) == (
                    engine["run_id"], engine["cutoff"], engine["training_cutoff"], engine["scored_at"])
            # a newer admission run stored without index-date scores, and a newer PHM run
            con.execute(f"INSERT INTO phm_risk_run SELECT run_id || '-z{step}', outcome, cutoff, training_cutoff, model, "
                        "metrics, calibration_svg, definitions_version, created_at + INTERVAL 1 HOUR FROM phm_risk_run "
                        "WHERE outcome = 'emergency_admission_12m'")
            con.execute(f"INSERT INTO result_data_version SELECT * REPLACE (product_id || '-z{step}' AS product_id) "
                        "FROM result_data_version WHERE product = 'risk run'")  # computed on the same population
            con.execute(f"INSERT INTO phm_run SELECT * REPLACE (run_id || '-z{step}' AS run_id, "
                        "finished_at + INTERVAL 1 HOUR AS finished_at) FROM phm_run")
        assert latest_runs(con).admission.scored_at is None
    finally:
        con.close()


def test_a_run_without_index_date_scores_reads_its_cutoff_scores(care_warehouse, tmp_path, pcn):
    """A risk run stored before scoring at the index date existed: its cut-off scores, as before."""
    path = tmp_path / "old_risk.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    try:
        con.execute("DELETE FROM phm_risk_scoring")
        runs = latest_runs(con)
        people = scope_people(con, runs, CareScope("pcn", pcn))
        at_cutoff = {r[0] for r in con.execute(
            "SELECT s.person_id FROM phm_risk_score s JOIN phm_person p ON p.person_id = s.person_id "
            "AND p.run_id = ? WHERE s.run_id = ? AND s.top5 AND p.pcn_code = ?",
            [runs.phm_run, runs.admission.run_id, pcn]).fetchall()}
    finally:
        con.close()
    assert runs.admission.scored_at is None and runs.admission.score_date == runs.admission.cutoff
    assert set(select(people, WORKLISTS["admission-risk"])["person_id"]) == at_cutoff
    assert (people["admission_factors"].map(len) == 0).all()


def test_the_scope_cache_is_keyed_by_the_runs(care_warehouse, tmp_path, pcn):
    """A new risk run (new ids) is read afresh; the same runs come from the cache, the same frame."""
    from pophealth.care.results import SCOPE_CACHE

    path = tmp_path / "cache.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    try:
        scope = CareScope("pcn", pcn)
        runs = latest_runs(con)
        first = scope_people(con, runs, scope)
        assert scope_people(con, latest_runs(con), scope) is first
        con.execute("UPDATE phm_risk_current_score SET top5 = NOT top5 WHERE run_id = ?", [runs.admission.run_id])
        assert scope_people(con, latest_runs(con), scope) is first  # same runs: the stored results are the run's
        for table in ("phm_risk_run", "phm_risk_scoring", "phm_risk_current_score", "phm_risk_factor"):
            con.execute(f"UPDATE {table} SET run_id = run_id || '-new' WHERE run_id = ?", [runs.admission.run_id])
        fresh = scope_people(con, latest_runs(con), scope)
    finally:
        con.close()
    assert fresh is not first
    assert (fresh.set_index("person_id")["admission_top5"] != first.set_index("person_id")["admission_top5"]).any()
    SCOPE_CACHE.clear()


def test_the_scope_cache_is_safe_under_concurrent_readers(con):
    """Many threads reading many scopes at once get each scope's own results, as read without the cache."""
    from concurrent.futures import ThreadPoolExecutor

    from pophealth.care.results import SCOPE_CACHE, _people

    SCOPE_CACHE.clear()
    runs = latest_runs(con)
    practices = [r[0] for r in con.execute("SELECT DISTINCT practice_code FROM phm_person WHERE run_id = ? "
                                           "ORDER BY 1 LIMIT 6", [runs.phm_run]).fetchall()]
    truth = {p: _people(con, runs, lambda t, p=p: t.practice_code == p) for p in practices}

    def read(i: int) -> tuple[str, pd.DataFrame]:
        practice = practices[i % len(practices)]
        cur = con.cursor()
        try:
            return practice, scope_people(cur, runs, CareScope("practice", practice))
        finally:
            cur.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(read, range(60)))
    for practice, frame in results:
        pd.testing.assert_frame_equal(frame, truth[practice])
    SCOPE_CACHE.clear()


@pytest.mark.parametrize("scope", [None, "", "practice:", "region:X"])
def test_no_scope_means_no_care_relationship(scope):
    with pytest.raises(PermissionDenied):
        CareScope.parse(scope)


def _same(a, b) -> bool:
    """Equal values, NaN equal to NaN and NA to NA (what a display row treats alike)."""
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    if a is pd.NA or b is pd.NA:
        return a is b
    return type(a) is type(b) and bool(a == b) if not isinstance(a, list) else a == b


def test_rows_as_records_are_what_to_dict_gives_for_every_scope_frame(con, pcn):
    """``records`` builds the display rows' records column by column; it must give exactly the values (and
    Python types) ``to_dict("records")`` gives, on the real stored results (lists, dates, nulls, flags)."""
    from pophealth.care.worklists import records

    people = scope_people(con, latest_runs(con), CareScope("pcn", pcn))
    assert len(people) > 10
    mine, theirs = records(people), people.to_dict("records")
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        assert a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a), (a, b)


@given(st.lists(st.tuples(st.integers(-10**12, 10**12), st.one_of(st.none(), st.floats(allow_nan=True)),
                          st.booleans(), st.one_of(st.none(), st.text(max_size=5))), max_size=30))
def test_records_agree_with_to_dict_on_mixed_columns(rows):
    from pophealth.care.worklists import records

    frame = pd.DataFrame(rows, columns=["i", "f", "b", "s"])
    frame["d"] = pd.to_datetime("2026-01-01") + pd.to_timedelta(frame["i"].abs() % 1000, unit="D")
    frame["n"] = pd.array([None if r[1] is None else int(r[0] % 7) for r in rows], dtype="Int64")
    for a, b in zip(records(frame), frame.to_dict("records"), strict=True):
        assert a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a), (a, b)


@pytest.mark.parametrize("name", sorted(WORKLISTS))
def test_a_cached_selection_shows_the_same_rows_as_the_list_worked_out_afresh(con, pcn, name):
    """The column values formatted once with a cached selection are those of the list formatted on the spot."""
    from pophealth.cache import DataCache
    from pophealth.care.worklists import WorklistRow, selection, to_rows

    runs, scope, worklist = latest_runs(con), CareScope("pcn", pcn), WORKLISTS[name]
    if worklist.unavailable(runs):
        pytest.skip(f"{name}: no risk run in the fixture")
    cached = selection(con, runs, scope, worklist, database="care", cache=DataCache(), sort="age")
    afresh = select(scope_people(con, runs, scope), worklist, sort="age")
    assert len(cached) == len(afresh) > 0
    rows = to_rows(cached, worklist, identify=True)
    assert rows == to_rows(afresh, worklist, identify=True)
    # rows are built without validation: each is exactly what validating its values gives
    assert all(WorklistRow.model_validate(r.model_dump()) == r for r in rows)

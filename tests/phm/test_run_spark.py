"""``POPHEALTH_ENGINE=pyspark pophealth phm run`` computes on Spark and stores the same results as DuckDB."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from pophealth.cli import app
from pophealth.errors import ConfigError
from pophealth.phm.run import run_phm
from pophealth.warehouse import connect
from tests.synth.conftest import build

PEOPLE = 500
PERSON_SQL = "SELECT * EXCLUDE (run_id) FROM phm_person ORDER BY person_id"
LONG = {"phm_person_register": "person_id, register", "phm_person_cohort": "person_id, cohort",
        "phm_care_gap": "person_id, care_gap"}


def _invoke(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.spark
@pytest.mark.slow
def test_the_spark_run_gives_the_same_summary_and_person_results_as_duckdb(tmp_path):
    duck = build(tmp_path / "duck.duckdb", PEOPLE, 21)
    spark = tmp_path / "spark.duckdb"
    shutil.copy(duck, spark)
    _invoke("phm", "run", "--db", str(duck), env={"POPHEALTH_ENGINE": "duckdb"})
    assert "engine: pyspark" in _invoke("phm", "run", "--db", str(spark), env={"POPHEALTH_ENGINE": "pyspark"})
    summaries = [json.loads(_invoke("phm", "summary", "--json", "--db", str(db))) for db in (duck, spark)]
    for s in summaries:
        assert s.pop("run_id") and s["current"] is True
    assert summaries[0]["people"] > 0.8 * PEOPLE
    assert summaries[0] == summaries[1]
    frames = []
    for db in (duck, spark):
        con = connect(db)
        try:
            assert con.execute("SELECT engine FROM phm_run").fetchall() == [
                ("pyspark" if db == spark else "duckdb",)]
            frames.append((con.execute(PERSON_SQL).df(),
                           {t: con.execute(f"SELECT * EXCLUDE (run_id) FROM {t} ORDER BY {k}").df() for t, k in LONG.items()},
                           con.execute("SELECT * EXCLUDE (run_id) FROM phm_aggregate ORDER BY ALL").df()))
        finally:
            con.close()
    import pandas as pd

    pd.testing.assert_frame_equal(frames[0][0], frames[1][0], check_dtype=False, atol=1e-9)
    for table in LONG:
        pd.testing.assert_frame_equal(frames[0][1][table], frames[1][1][table], check_dtype=False)
    pd.testing.assert_frame_equal(frames[0][2], frames[1][2], check_dtype=False)


def test_an_unknown_engine_is_refused_before_anything_is_stored(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    with pytest.raises(ConfigError, match="Unknown engine 'sparkle'"):
        run_phm(db, engine="sparkle")
    con = connect(db)
    try:
        assert con.execute("SELECT count(*) FROM phm_run").fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.spark
@pytest.mark.slow
def test_risk_training_on_spark_stores_the_same_scores_as_duckdb(care_records, tmp_path):
    """``POPHEALTH_ENGINE=pyspark pophealth phm risk train``: the features come from Spark, the models and
    scores are stored in the warehouse, and they equal the DuckDB run's (2,500 people: enough deaths to fit)."""
    duck, spark = tmp_path / "duck.duckdb", tmp_path / "spark.duckdb"
    shutil.copy(care_records, duck)
    shutil.copy(care_records, spark)
    scores = []
    for db, engine in ((duck, "duckdb"), (spark, "pyspark")):
        _invoke("phm", "risk", "train", "--bootstrap", "0", "--db", str(db), env={"POPHEALTH_ENGINE": engine})
        con = connect(db)
        try:
            scores.append(con.execute("""SELECT r.outcome, s.* EXCLUDE (run_id) FROM phm_risk_score s
                                         JOIN phm_risk_run r USING (run_id) ORDER BY ALL""").df())
        finally:
            con.close()
    import pandas as pd

    assert len(scores[0]) > 1_000
    pd.testing.assert_frame_equal(scores[0], scores[1], check_dtype=False, atol=1e-9)

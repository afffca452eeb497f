"""Speed of `load omop` and of the per-person queries on a generated OMOP CSV export.

Usage: python benchmarks/bench_omop_load.py [--persons 100000]. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

import duckdb
import ibis

from pophealth import omop
from pophealth.sources.omop import load_omop
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.warehouse import connect


def write_export(folder: Path, persons: int) -> dict[str, int]:
    """Upper-case OHDSI-style CSV files: persons, periods, 2 visits, 5 conditions, 5 measurements each."""
    con = duckdb.connect()
    tables = {
        "PERSON": f"""SELECT i AS person_id, CASE WHEN i % 2 = 0 THEN 8507 ELSE 8532 END AS gender_concept_id,
                       1930 + i % 90 AS year_of_birth, 1 + i % 12 AS month_of_birth, 1 + i % 28 AS day_of_birth,
                       0 AS race_concept_id, 0 AS ethnicity_concept_id, 'SRC' || i AS person_source_value
                      FROM range(1, {persons} + 1) t(i)""",
        "OBSERVATION_PERIOD": f"""SELECT i AS observation_period_id, i AS person_id,
                       DATE '2005-01-01' + CAST(i % 3000 AS INTEGER) AS observation_period_start_date,
                       DATE '2025-03-31' AS observation_period_end_date, 32817 AS period_type_concept_id
                      FROM range(1, {persons} + 1) t(i)""",
        "VISIT_OCCURRENCE": f"""SELECT i AS visit_occurrence_id, 1 + i % {persons} AS person_id,
                       [9201, 9202, 9203, 262][1 + i % 4] AS visit_concept_id,
                       DATE '2023-01-01' + CAST(i % 700 AS INTEGER) AS visit_start_date,
                       DATE '2023-01-01' + CAST(i % 700 AS INTEGER) AS visit_end_date, 32817 AS visit_type_concept_id
                      FROM range(1, 2 * {persons} + 1) t(i)""",
        "CONDITION_OCCURRENCE": f"""SELECT i AS condition_occurrence_id, 1 + i % {persons} AS person_id,
                       0 AS condition_concept_id, DATE '2000-01-01' + CAST(i % 9000 AS INTEGER) AS condition_start_date,
                       32817 AS condition_type_concept_id,
                       ['44054006', '38341003', '195967001', '13645005', '84114007'][1 + i % 5] AS condition_source_value
                      FROM range(1, 5 * {persons} + 1) t(i)""",
        "MEASUREMENT": f"""SELECT i AS measurement_id, 1 + i % {persons} AS person_id, 0 AS measurement_concept_id,
                       DATE '2020-01-01' + CAST(i % 1800 AS INTEGER) AS measurement_date,
                       32817 AS measurement_type_concept_id, 30 + (i % 700) / 10.0 AS value_as_number,
                       'HBA1C' AS measurement_source_value
                      FROM range(1, 5 * {persons} + 1) t(i)""",
    }
    rows = {}
    for name, sql in tables.items():
        con.sql(f"COPY ({sql}) TO '{folder / (name + '.csv')}' (HEADER)")
        rows[name.lower()] = con.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    key = Pseudonymiser(os.urandom(32))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "export"
        folder.mkdir()
        rows = write_export(folder, args.persons)
        con = connect(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        load_omop(con, folder, key)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        load_omop(con, folder, key)
        reload_s = time.perf_counter() - started
        cdm = omop.Cdm(ibis.duckdb.from_connection(con))
        on = dt.date(2024, 3, 31)
        queries = {
            "age_on": lambda: omop.age_on(cdm, on),
            "observed_on": lambda: omop.observed_on(cdm, on),
            "has_condition": lambda: omop.has_condition(cdm, ["44054006"], on),
            "latest_measurement": lambda: omop.latest_measurement(cdm, ["HBA1C"], on),
            "emergency_admissions": lambda: omop.emergency_admissions(cdm, dt.date(2023, 4, 1), on),
        }
        timings = {}
        for name, build in queries.items():
            started = time.perf_counter()
            result = build().to_pyarrow()
            timings[name] = round(time.perf_counter() - started, 3)
            assert result.num_rows == args.persons
        total = sum(rows.values())
        print(json.dumps({
            "benchmark": "omop_load_duckdb", "persons": args.persons, "rows": total, "rows_by_table": rows,
            "load_seconds": round(load_s, 2), "rows_per_second": round(total / load_s),
            "reload_seconds": round(reload_s, 2), "query_seconds_duckdb": timings,
        }, indent=2))


if __name__ == "__main__":
    main()

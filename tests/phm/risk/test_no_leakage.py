"""Features at a date read nothing dated after it: changing later records leaves them unchanged."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from pophealth.phm.risk.features import build_features
from pophealth.warehouse import connect

from .conftest import CUTOFF, cdm_of

T0 = CUTOFF - dt.timedelta(days=365)
HYPERTENSION, PALLIATIVE, EGFR, WHITE_BRITISH = "56218007", "1025611000000105", "1107411000000104", "976631000000101"


def _add_records(con, on: dt.date, people: int = 300) -> list[int]:
    """Give the first ``people`` people an emergency admission, A&E visit, LTC, palliative and ethnicity
    codes, a medicine and an eGFR result, all dated ``on``."""
    ids = [r[0] for r in con.execute("SELECT person_id FROM person ORDER BY person_id LIMIT ?", [people]).fetchall()]
    frame = pd.DataFrame({"person_id": ids})
    con.register("who", frame)
    d = on.isoformat()
    con.execute(f"""
        INSERT INTO visit_occurrence BY NAME
        SELECT (SELECT max(visit_occurrence_id) FROM visit_occurrence) + row_number() OVER () + k * 100000
                   AS visit_occurrence_id, person_id, c AS visit_concept_id, DATE '{d}' AS visit_start_date,
               DATE '{d}' AS visit_end_date, 32817 AS visit_type_concept_id
        FROM who, (VALUES (0, 262), (1, 9203)) v(k, c)""")
    con.execute(f"""
        INSERT INTO condition_occurrence BY NAME
        SELECT (SELECT max(condition_occurrence_id) FROM condition_occurrence) + row_number() OVER ()
                   AS condition_occurrence_id, person_id, 0 AS condition_concept_id,
               DATE '{d}' AS condition_start_date, 32817 AS condition_type_concept_id,
               '{HYPERTENSION}' AS condition_source_value FROM who""")
    con.execute(f"""
        INSERT INTO observation BY NAME
        SELECT (SELECT max(observation_id) FROM observation) + row_number() OVER () AS observation_id, person_id,
               0 AS observation_concept_id, DATE '{d}' AS observation_date, 32817 AS observation_type_concept_id,
               code AS observation_source_value
        FROM who, (VALUES ('{PALLIATIVE}'), ('{WHITE_BRITISH}')) v(code)""")
    con.execute(f"""
        INSERT INTO drug_exposure BY NAME
        SELECT (SELECT max(drug_exposure_id) FROM drug_exposure) + row_number() OVER () AS drug_exposure_id,
               person_id, 0 AS drug_concept_id, DATE '{d}' AS drug_exposure_start_date,
               DATE '{d}' AS drug_exposure_end_date, 32838 AS drug_type_concept_id,
               '999999999' AS drug_source_value FROM who""")
    con.execute(f"""
        INSERT INTO measurement BY NAME
        SELECT (SELECT max(measurement_id) FROM measurement) + row_number() OVER () AS measurement_id, person_id,
               0 AS measurement_concept_id, DATE '{d}' AS measurement_date, 32817 AS measurement_type_concept_id,
               7.5 AS value_as_number, '{EGFR}' AS measurement_source_value FROM who""")
    con.unregister("who")
    return ids


@pytest.fixture(scope="module")
def before(synth_db):
    con = connect(synth_db, read_only=True, migrate=False)
    try:
        return build_features(cdm_of(con), T0)
    finally:
        con.close()


def _features_after_change(synth_db, tmp_path, on: dt.date) -> tuple[pd.DataFrame, list[int]]:
    path = tmp_path / "changed.duckdb"
    shutil.copy(synth_db, path)
    con = connect(path)
    try:
        ids = _add_records(con, on)
        return build_features(cdm_of(con), T0), ids
    finally:
        con.close()


def test_records_after_the_feature_date_change_nothing(synth_db, tmp_path, before):
    after, _ = _features_after_change(synth_db, tmp_path, T0 + dt.timedelta(days=1))
    pd.testing.assert_frame_equal(before, after)


def test_the_same_records_on_the_feature_date_do_change_features(synth_db, tmp_path, before):
    """The control: the check above can fail, because the same records dated on T0 are picked up."""
    after, ids = _features_after_change(synth_db, tmp_path, T0)
    first = before.index.intersection(ids)
    assert len(first) > 250
    assert (after.loc[first, "ea_12m"] == before.loc[first, "ea_12m"] + 1).all()
    assert (after.loc[first, "ae_12m"] == before.loc[first, "ae_12m"] + 2).all()  # the 262 visit is also A&E
    assert after.loc[first, "ltc_hypertension"].all() and after.loc[first, "palliative_register"].all()
    assert (after.loc[first, "egfr"] == 7.5).all() and (after.loc[first, "ethnic_group"] == "White").all()
    assert (after.loc[first, "medicines"] == before.loc[first, "medicines"] + 1).all()

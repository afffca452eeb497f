"""The loader's checks come from the warehouse schema; that schema must say what the OHDSI spec says."""

import csv

import pytest

from pophealth.sources.cdm_schema import CDM_TABLES, cdm_schema

SPEC_TYPES = {"integer": "BIGINT", "bigint": "BIGINT", "float": "DOUBLE", "date": "DATE", "datetime": "TIMESTAMP"}


def _spec(reference):
    path = reference / "omop" / "omop_cdm_v5.4_fields_all.csv"
    with path.open(encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["cdmTableName"].lower() in CDM_TABLES]


@pytest.mark.reference
def test_required_fields_and_types_match_the_ohdsi_spec(reference):
    rows = _spec(reference)
    assert {r["cdmTableName"].lower() for r in rows} == set(CDM_TABLES)
    schema = cdm_schema()
    for row in rows:
        column = schema[row["cdmTableName"].lower()].column(row["cdmFieldName"].lower())
        assert column is not None, row["cdmFieldName"]
        assert column.required == (row["isRequired"] == "Yes"), (row["cdmTableName"], row["cdmFieldName"])
        datatype = row["cdmDatatype"].lower()
        expected = "VARCHAR" if datatype.startswith("varchar") else SPEC_TYPES[datatype]
        assert column.type == expected, (row["cdmTableName"], row["cdmFieldName"], datatype)


@pytest.mark.reference
def test_primary_keys_are_the_keys_the_loader_checks(reference):
    schema = cdm_schema()
    for row in _spec(reference):
        if row["isPrimaryKey"] == "Yes":
            assert schema[row["cdmTableName"].lower()].key == row["cdmFieldName"].lower()

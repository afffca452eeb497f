"""A corrected extract is a new population, even with the same people and row counts; the same files loaded
again are not (warehouse.versions)."""

from __future__ import annotations

import csv
import shutil

from pophealth.sources.omop import load_omop
from pophealth.warehouse import connect
from pophealth.warehouse.versions import latest_population

from .conftest import FIXTURES


def _corrected(tmp_path):
    """The fixture extract with one measurement's value corrected: same people, same rows, new content."""
    folder = shutil.copytree(FIXTURES / "omop_csv", tmp_path / "corrected")
    path = folder / "MEASUREMENT.csv"
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["VALUE_AS_NUMBER"] != "61"
    rows[0]["VALUE_AS_NUMBER"] = "61"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_a_corrected_extract_is_a_new_population_and_a_repeat_load_is_not(db_file, key, tmp_path):
    con = connect(db_file)
    try:
        load_omop(con, FIXTURES / "omop_csv", key)
        first = latest_population(con)
        load_omop(con, FIXTURES / "omop_csv", key)  # the same files again: the same data
        assert latest_population(con) == first
        load_omop(con, _corrected(tmp_path), key)
        corrected = latest_population(con)
        assert corrected.version_id == first.version_id + 1 and corrected.content_id != first.content_id
        assert corrected.people == first.people
        load_omop(con, FIXTURES / "omop_csv", key)  # back to the first files: new again, not the corrected one
        assert latest_population(con).content_id != corrected.content_id
    finally:
        con.close()

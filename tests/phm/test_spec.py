"""Spec tests: the tiny population of spec_data.py through every definition, on DuckDB and on Spark.

Each expected value is worked out by hand from the rules in docs/methods/phm.md; most are the rows of the
table in spec_tables.py (rendered into that doc), the numeric ones (CMS, eFI score) are written below.
"""

from __future__ import annotations

import pytest

from pophealth.phm.context import PhmContext
from pophealth.phm.pipeline import compute
from tests.phm import spec_data
from tests.phm.conftest import build_cdm
from tests.phm.spec_tables import DOC, EXPECTED, observed, render, section


@pytest.fixture(scope="module")
def results(engine):
    cdm = build_cdm(engine, spec_data.tables())
    res = compute(PhmContext.create(cdm, spec_data.T))
    out = {name: getattr(res, name).to_pandas() for name in ("person", "registers", "ltc", "deficits", "cohorts",
                                                            "care_gaps")}
    out["facts"] = res.facts.to_pandas()
    return out


def by_person(frame, column):
    return dict(zip(frame.person_id.astype(int), frame[column]))


def sets(frame, column):
    out: dict[int, set] = {}
    for pid, value in zip(frame.person_id.astype(int), frame[column]):
        out.setdefault(pid, set()).add(value)
    return out


def test_cms(results):
    cms = by_person(results["person"], "cms_score")
    assert cms[1] == pytest.approx(0.75 + 0.08 + 1.46 + 1.18)
    assert cms[2] == pytest.approx(1.53 + 0.50 + 0.92)  # anxiety and depression are one item
    assert cms[3] == 0 and cms[7] == pytest.approx(2.50)


def test_efi_score_and_category(results):
    p = results["person"].set_index("person_id")
    assert p.loc[1, "efi_deficits"] >= 5 and p.loc[1, "efi_category"] in ("mild", "moderate")
    assert p.loc[1, "efi_score"] == pytest.approx(p.loc[1, "efi_deficits"] / 36, abs=1e-4)
    assert "chronic_kidney_disease" in p.loc[1, "efi_deficit_list"].split(",")


@pytest.mark.parametrize("row", EXPECTED, ids=lambda r: f"{r.person}-{r.kind}-{r.item}")
def test_spec_table(results, row):
    assert observed(results, row) == row.expected, row.why


def test_the_doc_holds_the_current_spec_tables():
    assert section(DOC.read_text(encoding="utf-8")) == render(), \
        "regenerate with: PYTHONPATH=src python -m tests.phm.spec_tables"

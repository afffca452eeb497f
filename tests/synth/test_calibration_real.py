"""The real-LLR calibration checks: targets read from the published QOF tables, checks that state their
source, target, tolerance and result, and the JHWS 5+/8+ shares."""

from __future__ import annotations

import duckdb
import pytest

from pophealth.synth.calibration import calibration_report
from pophealth.synth.calibration_real import JHWS, QOF_REGISTERS, qof_targets

pytestmark = pytest.mark.reference


def test_qof_targets_are_the_published_prevalence_of_the_latest_year():
    t = qof_targets()
    assert {y for _, _, y in t.values()} == {"2019-20"}
    # NHS Digital QOF 2019-20: Leicester City (04C) diabetes 31,242 of 333,816 patients 17+ = 9.359%
    assert t[("DM", "04C")][:2] == (pytest.approx(31_242 / 333_816, rel=1e-9), 17)
    assert t[("CHD", "04C")][1] == 0  # over the whole list, not the 80+ sub-list
    assert t[("CKD", "03W")][1] == 18 and t[("OST", "04V")][1] == 50
    assert {g for g, _ in t} == set(QOF_REGISTERS) and {s for _, s in t} == {"03W", "04C", "04V"}


def test_report_holds_every_qof_and_jhws_check_with_its_terms(small_db):
    report = calibration_report(duckdb.connect(str(small_db)), real=True)
    real = report["real_llr_checks"]
    assert len(real) == 3 * len(QOF_REGISTERS) + len(JHWS)
    for c in real:
        assert c["source"] and c["tolerance"] and isinstance(c["passed"], bool)
        assert 0 <= c["generated"] <= 1
    assert report["all_passed"] == (report["passed"] and all(c["passed"] for c in real))
    jhws = [c for c in real if c["name"].startswith("JHWS")]
    assert [c["target"] for c in jhws] == [0.072, 0.022]

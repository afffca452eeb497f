"""NHS England A&E by-provider workbooks: every published workbook against the LLR extract (1a).

The extract ``ae_attendances_llr_monthly_2015-07_2024-06.csv`` holds the LLR and England rows of
all 108 monthly workbooks as published (README §1a). For every workbook in
``shared/data/published/nhse-ae-by-provider`` (whatever the folder holds), each LLR/England figure
the importer produces is compared with the extract's row for that month: counts exactly,
proportions to 1e-9.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from pophealth.config import shared_dir
from pophealth.sources.nhse_ae_workbook import parse_ae_workbook
from pophealth.sources.stp_codes import stable_stp_code
from pophealth.sources.workbook import open_workbook

# POPHEALTH_AE_WORKBOOKS points the check at another folder of the same publication's workbooks.
FOLDER = Path(os.environ.get("POPHEALTH_AE_WORKBOOKS", shared_dir() / "data" / "published" / "nhse-ae-by-provider"))
WORKBOOKS = sorted(p for p in FOLDER.glob("*") if p.suffix.lower() in (".xls", ".xlsx")) if FOLDER.is_dir() else []
EXTRACT = "ae_attendances_llr_monthly_2015-07_2024-06.csv"
EXTENSION = "ae_attendances_llr_monthly_2024-07_2025-07_humaniverse.csv"  # README §1c, RWE and LLR ICB


@pytest.fixture(scope="module")
def extract(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / "data" / "public" / EXTRACT, dtype={"org_code": str}, float_precision="round_trip")


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _four_hour(row: pd.Series, suffix: str, attendances: float | None) -> tuple[float | None, float | None]:
    """Within 4 hours and its denominator from the extract's columns, as README §1a describes them:
    within as published (else attendances − over 4 hours); denominator within + over where both are
    published (providers without 4-hour data are outside NHS England's percentage), else attendances."""
    within, over = _num(row[f"within_4h_{suffix}"]), _num(row[f"over_4h_{suffix}"])
    if within is not None:
        return within, within + over if over is not None else attendances
    if over is None or attendances is None:
        return None, None
    return attendances - over, attendances


def _expected(row: pd.Series) -> dict[str, tuple]:
    """metric → (numerator, denominator, value-as-published or None) / (value,) for counts."""
    att = _num(row["att_total"])
    within, reported = _four_hour(row, "total", att)
    if row["level"] == "acute_trust_footprint":
        return {"ae-4-hour-footprint": (within, reported, _num(row["pct_within_4h_all_with_mapped_activity"]))}
    out: dict[str, tuple] = {}
    if within is not None and reported:
        out["ae-4-hour"] = (within, reported, _num(row["pct_within_4h_all"]))
    within1, reported1 = _four_hour(row, "type1", _num(row["att_type1"]))
    if within1 is not None and reported1:
        out["ae-4-hour-type1"] = (within1, reported1, _num(row["pct_within_4h_type1"]))
    for metric, column in (("ae-attendances", "att_total"), ("ae-emergency-admissions", "em_adm_total"),
                           ("ae-4-hour-dta", "dta_to_admission_over_4h"),
                           ("ae-12-hour-dta", "dta_to_admission_over_12h")):
        if _num(row[column]) is not None:
            out[metric] = (float(row[column]),)
    return out


def _matches_extension(parsed, shared: Path) -> None:
    """Months after June 2024: RWE and the LLR ICB against README §1c (rows flagged SUSPECT skipped)."""
    ext = pd.read_csv(shared / "data" / "public" / EXTENSION)
    rows = ext[(ext["period"] == f"{parsed.period_start:%Y-%m-%d}") & (ext["quality_flag"] == "ok")]
    if rows.empty:
        pytest.skip(f"no extract row to compare {parsed.period_start:%B %Y} with")
    obs = parsed.observations
    for row in rows.itertuples():
        org, org_type = ("RWE", "provider") if row.level == "provider" else ("QK1", "stp_icb")
        got = obs[(obs["org_code"] == org) & (obs["org_type"] == org_type)].set_index("metric_id")
        assert got.loc["ae-attendances", "value"] == row.total_attendances
        assert got.loc["ae-4-hour", "numerator"] == row.total_attendances - row.attendances_over_4hours
        assert got.loc["ae-4-hour", "denominator"] == row.total_attendances
        assert got.loc["ae-emergency-admissions", "value"] == row.total_emergency_admissions
        assert got.loc["ae-4-hour-dta", "value"] == row.dta_to_admission_over_4h_as_published


@pytest.mark.reference
@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_workbook_matches_the_llr_extract(path: Path, extract: pd.DataFrame, shared: Path):
    parsed = parse_ae_workbook(open_workbook(path))
    month = extract[extract["period"] == f"{parsed.period_start:%Y-%m-%d}"]
    if month.empty:
        _matches_extension(parsed, shared)
        return
    # the month was read from the workbook: the extract took that month's rows from this very file
    assert set(month["source_file"]) == {path.name}
    # the STP/ICB England row repeats the provider sheet's England row: compare providers and England once
    month = month[~((month["level"] == "stp_icb") & (month["org_code"] == "ENGLAND"))]
    obs = parsed.observations
    expected: dict[tuple[str, str, str], tuple] = {}
    for _, row in month.iterrows():
        org = stable_stp_code(row["org_code"]) if row["level"] == "stp_icb" else row["org_code"]
        org_type = "england" if org == "ENGLAND" else ("stp_icb" if row["level"] == "stp_icb" else "provider")
        for metric, want in _expected(row).items():
            expected[(metric, org, org_type)] = want
    llr_orgs = {org for _, org, _ in expected}
    produced = obs[obs["org_code"].isin(llr_orgs)]
    got = {(r.metric_id, r.org_code, r.org_type): r for r in produced.itertuples()}
    assert set(got) == set(expected), (set(got) ^ set(expected))
    for key, want in expected.items():
        row = got[key]
        if len(want) == 1:
            assert row.unit == "count"
            assert row.value == want[0], key
            continue
        numerator, denominator, published = want
        assert (row.numerator, row.denominator) == (numerator, denominator), key
        assert row.value == pytest.approx(numerator / denominator, abs=1e-12)
        if published is not None:
            assert abs(row.value - published) <= 1e-9, (key, row.value, published)


@pytest.mark.reference
def test_the_samples_cover_every_layout():
    """The published folder holds the 2015, 2017, 2019-2020, 2022 and 2023 sheet layouts."""
    names = set()
    for path in WORKBOOKS:
        names.add(tuple(sorted(parse_ae_workbook(open_workbook(path)).sheets)))
    assert ("A&E Data",) in names
    assert ("Provider Level Data",) in names
    assert ("Acute Trust Footprint Data", "Provider Level Data", "STP Level Data") in names
    assert ("Acute Trust Footprint Data", "Provider Level Data", "System Level Data") in names

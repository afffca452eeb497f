"""NHS Digital QOF CCG-level workbooks against the LLR extract (README §6a), for every workbook.

For each workbook in ``shared/data/published/nhsd-qof-ccg``: every LLR CCG figure the importer
produces equals the extract's (register exactly; the denominator is one of the list sizes the
extract lists for that group, or the sum of its age bands; register ÷ denominator equals the
published prevalence to 1e-9), and the registers summed over all CCGs equal the extract's
England sum of CCG rows, so every CCG of the file is loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from pophealth.config import shared_dir
from pophealth.sources.nhsd_qof_workbook import parse_qof_workbook, year_period
from pophealth.sources.workbook import open_workbook

FOLDER = Path(os.environ.get("POPHEALTH_QOF_WORKBOOKS", shared_dir() / "data" / "published" / "nhsd-qof-ccg"))
WORKBOOKS = sorted(p for p in FOLDER.glob("*.xls*")) if FOLDER.is_dir() else []
LLR = {"03W", "04C", "04V"}


@pytest.fixture(scope="module")
def extract(shared: Path) -> pd.DataFrame:
    return pd.read_csv(shared / "data" / "public" / "qof_prevalence_llr_ccg_2013-14_to_2019-20.csv",
                       float_precision="round_trip")


def _check(frame: pd.DataFrame, rows: pd.DataFrame, year: str) -> int:
    checked = 0
    start, end = year_period(year)
    for obs in frame.itertuples():
        assert (obs.period_start, obs.period_end, obs.org_type, obs.unit) == (start, end, "sub_icb", "proportion")
        group = obs.metric_id.removeprefix("qof-prevalence-").upper()
        mine = rows[(rows["group"] == group) & (rows["ccg_code"] == obs.org_code)]
        measures = dict(zip(mine["measure"], mine["value"]))
        assert measures, f"the extract has no {group} {obs.org_code} {year}"
        assert obs.numerator == measures["Register"]
        prevalence = next(v for k, v in measures.items() if k.lower().startswith("prevalence"))
        sizes = {k: v for k, v in measures.items() if "list size" in k.lower()}
        aged = [v for k, v in sizes.items() if any(ch.isdigit() for ch in k)]
        assert obs.denominator in [*sizes.values(), sum(aged)], (group, obs.org_code, obs.denominator, sizes)
        assert abs(obs.value - prevalence / 100) <= 1e-9
        checked += 1
    return checked


@pytest.mark.reference
@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_workbook_matches_the_llr_extract(path: Path, extract: pd.DataFrame):
    parsed = parse_qof_workbook(open_workbook(path))
    rows = extract[(extract["source_file"] == path.name)]
    own = rows[rows["qof_year"] == parsed.year]
    assert len(own), f"the extract has no {parsed.year} rows from {path.name}"
    llr = parsed.observations[parsed.observations["org_code"].isin(LLR)]
    # every group the extract holds for the year is produced for the three LLR CCGs, and nothing else
    assert {(o.metric_id, o.org_code) for o in llr.itertuples()} == {
        ("qof-prevalence-" + g.lower(), c) for g, c in own[own["ccg_code"].isin(LLR)][["group", "ccg_code"]]
        .drop_duplicates().itertuples(index=False)}
    assert _check(llr, own, parsed.year) == len(llr) > 0
    # all CCGs of the file: registers and CCG counts add up to the extract's England sums
    england = own[own["ccg_code"] == "ENGLAND_SUM_OF_CCGS"]
    for group, register in england[england["measure"] == "Register"][["group", "value"]].itertuples(index=False):
        mine = parsed.observations[parsed.observations["metric_id"] == "qof-prevalence-" + group.lower()]
        assert mine["numerator"].sum() == register, group
        n_ccgs = england[england["group"] == group]["n_ccgs"].dropna()
        if len(n_ccgs):
            assert len(mine) == int(n_ccgs.iloc[0]), group
    # earlier years printed for comparison: only clean blocks, equal to the extract where it has them
    for year, block in parsed.comparison.groupby(parsed.comparison["period_start"].map(lambda d: d.year)):
        label = f"{year}-{(year + 1) % 100:02d}"
        extract_year = rows[rows["qof_year"] == label]
        if len(extract_year):
            _check(block[block["org_code"].isin(LLR)], extract_year, label)


@pytest.mark.reference
def test_2013_14_comparison_block_is_imported_where_clean():
    path = FOLDER / "qof-1415-ccg-all.xlsx"
    if not path.exists():
        pytest.skip("the 2014-15 workbook is not in the published folder")
    parsed = parse_qof_workbook(open_workbook(path))
    groups = set(parsed.comparison["metric_id"])
    assert "qof-prevalence-dm" in groups
    # the CKD sheet advises against its 2013-14 figures; HF's 2013-14 prevalence is not register ÷ list size
    assert "qof-prevalence-ckd" not in groups and "qof-prevalence-hf" not in groups
    assert any(s.startswith("CKD") for s in parsed.skipped_comparison)

"""RAG against England: the reference cases, and agreement with Fingertips' published comparisons."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.config import reference_dir, shared_dir
from pophealth.indicators.benchmarking import compare_with_benchmark, published_outcome
from pophealth.indicators.profile import rag_frame
from pophealth.sources.fingertips_csv import read_batch

POLARITY = {"RAG_high_is_good": "high_is_good", "RAG_low_is_good": "low_is_good",
            "BOB_no_judgement": "no_judgement"}
EXPECTED = {"Better": "better", "Same": "similar", "Worse": "worse", "NotCompared": "not compared"}


def _single_level_cases() -> list[dict]:
    path = reference_dir() / "phe_methods" / "benchmark_fingertips.csv"
    with path.open(newline="") as f:  # a missing file fails here, at collection
        rows = [r for r in csv.DictReader(f) if r["comparator_method"] == "single_ci_one_level"]
    assert rows, "no single_ci_one_level cases in benchmark_fingertips.csv"
    return rows


def _f(text: str) -> float:
    return float(text) if text.strip() else math.nan


@pytest.mark.reference
@pytest.mark.parametrize("case", _single_level_cases(), ids=lambda c: c["case_id"])
def test_reference_single_ci_cases(case):
    level = "998" if case["confidence"] == "99.8" else "95"
    outcome = compare_with_benchmark([_f(case["area_value"])], [_f(case[f"area_lower{level}"])],
                                     [_f(case[f"area_upper{level}"])], [_f(case["comparator_value"])],
                                     POLARITY[case["polarity"]], 99.8 if level == "998" else 95)
    assert outcome[0] == EXPECTED[case["expected_significance"]]


@pytest.mark.reference
def test_computed_rag_agrees_with_every_published_comparison_that_has_limits():
    """The verbatim suicide export carries 95% limits and Fingertips' own England comparison."""
    path = shared_dir() / "data" / "reference" / "fingertips_sample_export_suicide_east_midlands_2015-17.csv"
    frame = read_batch(path).frame
    england = frame[frame["area_code"] == "E92000001"].set_index(["indicator_id", "sex", "age", "time_period"])
    frame = frame[frame["area_code"] != "E92000001"].copy()
    frame["england_value"] = [england["value"].get((i, s, a, t), np.nan) for i, s, a, t in
                              zip(frame["indicator_id"], frame["sex"], frame["age"], frame["time_period"])]
    judged = rag_frame(frame)
    with_limits = judged[judged["rag_basis"] == "computed"]
    assert len(with_limits) >= 40
    mismatches = with_limits[~with_limits["agrees"].astype(bool)]
    assert mismatches.empty, mismatches[["indicator_id", "area_name", "rag", "published"]].to_string()
    assert set(with_limits["rag"]) >= {"similar", "lower"}


@pytest.mark.parametrize("label, outcome", [("Better", "better"), ("Higher 99.8", "higher"), ("Lower 99.8", "lower"),
                                            ("Not compared", "not compared"), ("", "not compared"),
                                            ("Similar", "similar")])
def test_published_labels_are_read_in_one_vocabulary(label, outcome):
    assert published_outcome(label) == outcome


finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(finite, finite, st.floats(0, 1), finite)
def test_polarity_only_renames_the_direction(a, b, share, bench):
    lo, hi = min(a, b), max(a, b)
    v = min(max(lo + share * (hi - lo), lo), hi)  # a confidence interval holds its own point estimate
    good_high = compare_with_benchmark([v], [lo], [hi], [bench], "high_is_good")[0]
    good_low = compare_with_benchmark([v], [lo], [hi], [bench], "low_is_good")[0]
    neutral = compare_with_benchmark([v], [lo], [hi], [bench], "no_judgement")[0]
    swap = {"better": "worse", "worse": "better", "similar": "similar"}
    assert swap[good_high] == good_low
    assert {"better": "higher", "worse": "lower", "similar": "similar"}[good_high] == neutral
    assert (good_high == "similar") == (lo <= bench <= hi)

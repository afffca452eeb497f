"""Metrics on hand-worked examples, and invariants checked with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from pophealth.phm.risk import metrics as m


def test_auroc_by_hand():
    # events score 0.35 and 0.8; non-events 0.1 and 0.4: 0.35 beats 0.1 only, 0.8 beats both -> 3 of 4 pairs
    assert m.auroc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == pytest.approx(0.75)


def test_auroc_ties_count_one_half():
    assert m.auroc(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9])) == pytest.approx((0.5 + 1 + 1 + 1) / 4)


def test_auroc_undefined_without_both_classes():
    assert math.isnan(m.auroc(np.array([1, 1]), np.array([0.2, 0.3])))


def test_calibration_slope_and_intercept_by_hand():
    # Two groups of 10: predicted 20% with 1 event, predicted 50% with 5 events. The logistic fit on
    # logit(p) is saturated, so slope = (logit .5 - logit .1) / (logit .5 - logit .2) = ln 9 / ln 4.
    p = np.r_[np.full(10, 0.2), np.full(10, 0.5)]
    y = np.r_[np.ones(1), np.zeros(9), np.ones(5), np.zeros(5)]
    assert m.calibration_slope(y, p) == pytest.approx(math.log(9) / math.log(4), rel=1e-6)
    # One group, predicted 20%, observed 10%: intercept = logit .1 - logit .2 = ln(1/9) - ln(1/4).
    assert m.calibration_intercept(y[:10], p[:10]) == pytest.approx(math.log(4 / 9), rel=1e-6)
    assert m.observed_expected(y[:10], p[:10]) == pytest.approx(0.5)
    assert m.brier(np.array([1, 0]), np.array([0.5, 0.5])) == pytest.approx(0.25)


def test_top_flags_ppv_and_capture_by_hand():
    score = np.array([0.9, 0.1, 0.5, 0.5, 0.2, 0.3, 0.05, 0.4, 0.6, 0.7])
    y = np.array([1, 0, 1, 0, 0, 0, 0, 1, 0, 1])
    flags = m.top_flags(score, 0.3, tiebreak=np.arange(10))  # ceil(3) highest: 0.9, 0.7, 0.6
    assert flags.tolist() == [True, False, False, False, False, False, False, False, True, True]
    ppv, capture = m.ppv_capture(y, flags)
    assert ppv == pytest.approx(2 / 3) and capture == pytest.approx(2 / 4)
    # a tie at the boundary goes to the lower tiebreak value
    tie = m.top_flags(np.array([0.5, 0.5, 0.1]), 0.33, tiebreak=np.array([7, 3, 1]))
    assert tie.tolist() == [False, True, False]


def test_bootstrap_is_seeded_and_brackets_the_estimate():
    rng = np.random.default_rng(0)
    s = rng.random(500)
    y = rng.random(500) < s
    stats = {"auroc": lambda w: m.auroc(y, s, w)}
    a, b = m.bootstrap(stats, 500, 100, seed=5)["auroc"], m.bootstrap(stats, 500, 100, seed=5)["auroc"]
    assert a == b and a.low < a.value < a.high
    assert m.bootstrap(stats, 500, 100, seed=6)["auroc"] != a


def test_calibration_bins_cover_everyone():
    p = np.linspace(0.01, 0.5, 103)
    bins = m.calibration_bins((p > 0.3).astype(float), p)
    assert len(bins) == 10 and sum(b["n"] for b in bins) == 103
    assert [b["predicted"] for b in bins] == sorted(b["predicted"] for b in bins)


scores = st.lists(st.tuples(st.booleans(), st.integers(0, 20)), min_size=2, max_size=60)


@given(scores)
def test_auroc_matches_sklearn(rows):
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows], dtype=float)
    if y.all() or not y.any():
        assert math.isnan(m.auroc(y, s))
    else:
        assert m.auroc(y, s) == pytest.approx(roc_auc_score(y, s))


@given(scores, st.lists(st.integers(0, 4), min_size=60, max_size=60))
def test_weights_equal_repeating_rows(rows, counts):
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows], dtype=float)
    w = np.array(counts[:len(rows)], dtype=float)
    rep_y, rep_s = np.repeat(y, w.astype(int)), np.repeat(s, w.astype(int))
    expected = m.auroc(rep_y, rep_s)
    got = m.auroc(y, s, w)
    assert (math.isnan(expected) and math.isnan(got)) or got == pytest.approx(expected)


@given(scores)
def test_auroc_unchanged_by_monotone_transform(rows):
    y = np.array([r[0] for r in rows])
    s = np.array([r[1] for r in rows], dtype=float)
    if y.all() or not y.any():
        return
    assert m.auroc(y, np.exp(s / 3) * 2 + 1) == pytest.approx(m.auroc(y, s))

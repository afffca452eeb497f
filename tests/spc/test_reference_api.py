"""Every reference case through the Python API: every output column of every point."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.spc import xmr
from tests.spc.reference_cases import case_ids, cases, points_by_case, same_float

CASES = {c["case_id"]: c for c in cases()}
POINTS = points_by_case()


def _text(value: object) -> str:
    """The reference's spelling of a nullable boolean or integer (empty when missing)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    return str(int(value))


def _run(case: dict[str, str], rows: list[dict[str, str]]):
    return xmr(
        [float(r["value"]) if r["value"] != "" else None for r in rows],
        [r["date"] for r in rows],
        improvement=case["improvement_direction"],
        target=float(case["target"]) if case["target"] else None,
        rebase_points=[d for d in case["rebase_dates"].split(";") if d],
        fix_after_n_points=int(case["fix_after_n_points"]) if case["fix_after_n_points"] else None,
        screening=case["screen_outliers"] == "TRUE",
    )


@pytest.mark.reference
@pytest.mark.parametrize("case_id", case_ids())
def test_reference_case_through_api(case_id: str) -> None:
    case, rows = CASES[case_id], POINTS[case_id]
    assert len(rows) == int(case["n_points"])
    result = _run(case, rows)
    pts = result.points
    assert len(pts) == len(rows)
    for i, (exp, got) in enumerate(zip(rows, pts.itertuples(index=False))):
        where = f"{case_id} point {i} ({exp['date']})"
        assert got.date.strftime("%Y-%m-%d") == exp["date"], where
        assert got.rebase_group == int(exp["rebase_group"]), where
        assert _text(got.short_group_warning) == exp["short_group_warning"], where
        for col in ("mean", "lpl", "upl"):
            assert same_float(getattr(got, col), exp[col]), f"{where} {col}: {getattr(got, col)!r} != {exp[col]}"
        for col in ("outside_limits", "relative_to_mean", "close_to_limits", "special_cause_flag"):
            assert _text(getattr(got, col)) == exp[col], f"{where} {col}"
        assert got.special_cause_type == exp["special_cause_type"], where
        assert got.point_type == exp["point_type"], where
        assert got.type == exp["type"], where
    assert result.last_point_type == case["expected_last_point_type"]
    assert result.variation_icon == case["expected_variation_icon"]
    assert (result.assurance_type or "") == case["expected_assurance_type"]
    assert (result.assurance_icon or "") == case["expected_assurance_icon"]

"""The SPC reference cases, read straight from the files (no pophealth parsing of expectations)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from pophealth.config import reference_dir

CASE_COLUMNS = ("case_id", "improvement_direction", "target", "rebase_dates", "fix_after_n_points",
                "screen_outliers", "n_points", "expected_last_point_type", "expected_variation_icon",
                "expected_assurance_type", "expected_assurance_icon")
POINT_COLUMNS = ("case_id", "date", "value", "rebase_group", "short_group_warning", "mean", "lpl", "upl",
                 "outside_limits", "relative_to_mean", "close_to_limits", "special_cause_flag",
                 "special_cause_type", "point_type", "type")


def spc_dir() -> Path:
    return reference_dir() / "spc"


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    path = spc_dir() / name
    assert path.is_file(), f"reference file missing: {path.resolve()}"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        assert not missing, f"{path} lacks columns {missing}"
        return list(reader)


def cases() -> list[dict[str, str]]:
    return _rows("cases.csv", CASE_COLUMNS)


def points_by_case() -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for row in _rows("points.csv", POINT_COLUMNS):
        out.setdefault(row["case_id"], []).append(row)
    return out


def case_ids() -> list[str]:
    """Case ids for parametrising; reading fails (not skips) when the files are missing."""
    return [c["case_id"] for c in cases()]


def same_float(got: float, expected_text: str) -> bool:
    expected = float(expected_text)  # "NaN" reads as nan
    if math.isnan(expected):
        return math.isnan(got)
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)

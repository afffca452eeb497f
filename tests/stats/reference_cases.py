"""Reading the reference cases: one pytest parameter per case id, read from the files.

A missing file or column fails the run (a parameter that fails), never a skip.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pophealth.config import reference_dir

FOLDER = "phe_methods"


def path_of(name: str) -> Path:
    return reference_dir() / FOLDER / name


@lru_cache(maxsize=None)
def load(name: str) -> pd.DataFrame:
    path = path_of(name)
    if not path.is_file():
        pytest.fail(f"reference file missing: {path}")
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def case_ids(name: str) -> list:
    """Case ids in file order; a missing or unreadable file gives one failing parameter."""
    path = path_of(name)
    if not path.is_file():
        return [pytest.param(f"MISSING:{path}", id=f"missing-{name}")]
    ids = pd.read_csv(path, usecols=lambda c: c == "case_id", dtype=str)
    if "case_id" not in ids.columns:
        return [pytest.param(f"NO-CASE-ID:{path}", id=f"no-case_id-{name}")]
    return list(dict.fromkeys(ids["case_id"]))


def case(name: str, case_id: str, columns: list[str]) -> pd.DataFrame:
    """Rows of one case, failing when the file, the case or a needed column is missing."""
    if case_id.startswith(("MISSING:", "NO-CASE-ID:")):
        pytest.fail(f"reference file unusable: {case_id}")
    df = load(name)
    missing = [col for col in columns if col not in df.columns]
    assert not missing, f"{name}: missing column(s) {missing}"
    rows = df[df["case_id"] == case_id]
    assert len(rows), f"{name}: no rows for {case_id}"
    return rows.reset_index(drop=True)


def assert_close(actual: object, expected: object, *, rel: float = 1e-9, abs_: float = 0.0,
                 what: str = "") -> None:
    """Equal within tolerance, with missing (NaN) only where missing is expected."""
    a = np.atleast_1d(np.asarray(actual, dtype=float))
    e = np.atleast_1d(np.asarray(expected, dtype=float))
    assert np.array_equal(np.isnan(a), np.isnan(e)), f"{what}: missing differs: {a} vs {e}"
    keep = ~np.isnan(e)
    np.testing.assert_allclose(a[keep], e[keep], rtol=rel, atol=abs_, err_msg=what)

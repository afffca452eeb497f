"""NHS numbers for care teams: the range reserved for testing, and the 3-3-4 form people read.

The modulus 11 check itself is ``pophealth.sources.nhs_number`` (re-exported here). Synthetic people get
numbers from 999 000 0000 to 999 999 9999, the range NHS England reserves for testing, so a synthetic
number can never be a real patient's.
"""

from __future__ import annotations

import numpy as np

from pophealth.sources.nhs_number import check_digit, is_valid, normalise

__all__ = ["check_digit", "is_valid", "normalise", "is_test_number", "formatted", "valid_test_numbers"]

TEST_PREFIX = "999"
_WEIGHTS = np.arange(10, 1, -1)


def is_test_number(number: str) -> bool:
    return is_valid(number) and normalise(number).startswith(TEST_PREFIX)


def formatted(number: str) -> str:
    """The 3-3-4 form people read and type: ``999 123 4567``."""
    d = normalise(number)
    return f"{d[:3]} {d[3:6]} {d[6:]}"


def valid_test_numbers() -> np.ndarray:
    """Every valid NHS number in the test range, ascending (about 909,000 of them), as 10-digit strings."""
    stems = np.arange(999_000_000, 1_000_000_000, dtype=np.int64)
    digits = (stems[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits * _WEIGHTS).sum(axis=1) % 11
    check = np.where(check == 11, 0, check)
    keep = check != 10
    return np.char.add(stems[keep].astype(str), check[keep].astype(str))

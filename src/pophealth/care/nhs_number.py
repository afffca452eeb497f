"""NHS numbers: the modulus 11 check digit, and the range reserved for testing.

An NHS number is ten digits; the tenth is a check digit over the first nine (weights 10 down to 2,
11 minus the remainder mod 11; 11 becomes 0, 10 means the nine digits can never be a number). Synthetic
people get numbers from 999 000 0000 to 999 999 9999, the range NHS England reserves for testing, so a
synthetic number can never be a real patient's.
"""

from __future__ import annotations

import re

import numpy as np

TEST_PREFIX = "999"
_DIGITS = re.compile(r"^\d{10}$")
_WEIGHTS = np.arange(10, 1, -1)


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number starts with them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    check = 11 - total % 11
    return None if check == 10 else (0 if check == 11 else check)


def is_valid(number: str) -> bool:
    """Ten digits (spaces allowed, as ``999 123 4567``) whose last is the check digit of the first nine."""
    digits = number.replace(" ", "")
    return bool(_DIGITS.match(digits)) and check_digit(digits[:9]) == int(digits[9])


def is_test_number(number: str) -> bool:
    digits = number.replace(" ", "")
    return is_valid(digits) and digits.startswith(TEST_PREFIX)


def formatted(number: str) -> str:
    """The 3-3-4 form people read and type: ``999 123 4567``."""
    d = number.replace(" ", "")
    return f"{d[:3]} {d[3:6]} {d[6:]}"


def valid_test_numbers() -> np.ndarray:
    """Every valid NHS number in the test range, ascending (about 909,000 of them), as 10-digit strings."""
    stems = np.arange(999_000_000, 1_000_000_000, dtype=np.int64)
    digits = (stems[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits * _WEIGHTS).sum(axis=1) % 11
    check = np.where(check == 11, 0, check)
    keep = check != 10
    return np.char.add(stems[keep].astype(str), check[keep].astype(str))

"""NHS number check digit (modulus 11), so that a mistyped number is caught before it is used.

The NHS number is ten digits; the tenth is a check digit computed from the first nine with
weights 10 down to 2: ``11 - (sum mod 11)``, where 11 becomes 0 and 10 means the nine digits
cannot form a valid number (NHS Data Dictionary, "NHS NUMBER").
"""

from __future__ import annotations

import re

_SPACING = re.compile(r"[\s-]")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid NHS number starts with them."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError(f"expected nine digits, got {first_nine!r}")
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1)))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def normalise(value: str) -> str:
    """Drop the spaces or hyphens people write NHS numbers with (``943 476 5919``)."""
    return _SPACING.sub("", value.strip())


def is_valid(value: str) -> bool:
    """Whether ``value`` (spaces allowed) is ten digits with a correct modulus-11 check digit."""
    digits = normalise(value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    return check_digit(digits[:9]) == int(digits[9])

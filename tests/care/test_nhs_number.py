"""NHS number check digits, against numbers published as valid and the modulus 11 rule itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pophealth.care.nhs_number import check_digit, formatted, is_test_number, is_valid, valid_test_numbers


def test_published_examples():
    # 943 476 5919 is NHS Digital's worked example of a valid number; changing any digit breaks it
    assert is_valid("9434765919") and is_valid("943 476 5919")
    assert not is_valid("9434765918") and not is_valid("943476591") and not is_valid("94347659190")
    assert not is_test_number("9434765919")  # valid, but outside the range reserved for testing


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_check_digit_is_the_modulus_11_rule(nine):
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1)))
    expected = {0: 0, 1: None}.get(total % 11, 11 - total % 11)
    assert check_digit(nine) == expected
    for last in "0123456789":
        assert is_valid(nine + last) == (expected is not None and int(last) == expected)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 9), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_number_makes_it_invalid(number, position, shift):
    if not is_valid(number):
        return
    digits = list(number)
    digits[position] = str((int(digits[position]) + shift) % 10)
    assert not is_valid("".join(digits))


def test_the_test_range_is_all_valid_and_complete():
    numbers = valid_test_numbers()
    assert all(n.startswith("999") and len(n) == 10 for n in numbers[::997])
    assert all(is_test_number(n) for n in numbers[::997])
    # every 9-digit stem 999xxxxxx gives exactly one number, except the 1 in 11 whose check digit would be 10
    stems = {n[:9] for n in numbers}
    assert len(stems) == numbers.size
    assert sum(check_digit(f"{s}") is None for s in range(999_000_000, 999_011_000)) == 11_000 - sum(
        n[:9] < "999011000" for n in numbers)
    assert formatted("9990000018") == "999 000 0018"

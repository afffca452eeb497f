import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.sources import nhs_number

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _complete(first_nine: str) -> str | None:
    digit = nhs_number.check_digit(first_nine)
    return None if digit is None else first_nine + str(digit)


# Published examples: NHS Digital's test number 943 476 5919 and the Data Dictionary's 401 023 2137.
@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_known_valid_numbers(value):
    assert nhs_number.is_valid(value)


@pytest.mark.parametrize("value", ["9434765918", "943476591", "94347659190", "abcdefghij", "", "٩٤٣٤٧٦٥٩١٩"])
def test_known_invalid_numbers(value):
    assert not nhs_number.is_valid(value)


def test_nine_digits_whose_check_would_be_ten_have_no_valid_number():
    # A weighted sum of 1 (mod 11) would need check digit 10, which does not exist.
    first = next(f"{i:09d}" for i in range(10**6) if sum(int(d) * w for d, w in zip(f"{i:09d}", range(10, 1, -1))) % 11 == 1)
    assert nhs_number.check_digit(first) is None
    assert not any(nhs_number.is_valid(first + str(d)) for d in range(10))


@given(nine_digits)
def test_a_number_with_its_computed_check_digit_passes(first_nine):
    number = _complete(first_nine)
    if number is not None:
        assert nhs_number.is_valid(number)


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_fails(first_nine, position, shift):
    number = _complete(first_nine)
    if number is None:
        return
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not nhs_number.is_valid(changed)

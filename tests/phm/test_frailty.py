"""The eFI category of every deficit count 0..36 against Clegg 2016's score cut-offs."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from pophealth.phm.frailty import EFI_DEFICITS, CleggEfi


def published(n: int) -> str:
    """Clegg 2016: score = deficits / 36; fit <= 0.12 < mild <= 0.24 < moderate <= 0.36 < severe (exact)."""
    score = Fraction(n, 36)
    if score <= Fraction(12, 100):
        return "fit"
    if score <= Fraction(24, 100):
        return "mild"
    return "moderate" if score <= Fraction(36, 100) else "severe"


def engine_category(n: int) -> str:
    for most, label in CleggEfi().boundaries():
        if n <= most:
            return label
    return "severe"


@given(st.integers(min_value=0, max_value=len(EFI_DEFICITS)))
def test_category_of_each_count_matches_the_published_score_rule(n):
    assert engine_category(n) == published(n)


def test_boundaries_are_4_8_12_of_36():
    assert len(EFI_DEFICITS) == 36
    assert [most for most, _ in CleggEfi().boundaries()] == [4, 8, 12]

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


def test_scorer_counts_a_repeated_deficit_once_and_lists_names_alphabetically():
    """``CleggEfi.score`` is given the deficits undeduplicated (a deficit met by a code and by a value is two
    rows): the count, score and list must be those of each person's set of deficits (computed here with sets)."""
    import ibis
    import pandas as pd

    people = pd.DataFrame({"person_id": [1, 2, 3, 4], "age": [70, 80, 66, 40]})
    rows = [(1, "falls"), (1, "falls"), (1, "anaemia"), (1, "not_a_deficit")]  # falls twice; not an eFI name
    rows += [(2, n) for n in reversed(EFI_DEFICITS[:13])] + [(2, EFI_DEFICITS[0])]  # 13 distinct, one twice
    rows += [(4, "falls")]  # under 65: not scored
    deficits = pd.DataFrame(rows, columns=["person_id", "deficit"])
    con = ibis.duckdb.connect()
    out = con.execute(CleggEfi().score(ibis.memtable(deficits), ibis.memtable(people))).set_index("person_id")
    assert sorted(out.index) == [1, 2, 3]
    for pid in (1, 2, 3):
        mine = sorted({d for p, d in rows if p == pid and d in EFI_DEFICITS})
        assert out.efi_deficits[pid] == len(mine)
        assert out.efi_score[pid] == round(len(mine) / 36, 4)
        if mine:
            assert out.efi_deficit_list[pid] == ",".join(mine)
        else:  # nobody's list is empty text
            assert pd.isna(out.efi_deficit_list[pid])
    assert out.efi_category.to_dict() == {1: "fit", 2: "severe", 3: "fit"}

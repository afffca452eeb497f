"""Own-data tables protected across nested levels and through their limits (issue 15, item 4).

The attacks replayed: subtracting a PCN's published practices from the PCN's published count, and reading the
event count back from where a rate sits between its Dobson limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.disclosure import DEFAULT_POLICY
from pophealth.indicators.own_definitions import level, nested_levels
from pophealth.indicators.own_disclosure import protect_nested
from pophealth.stats.intervals import byars_lower, byars_upper

TOTAL = "TOTAL"


def _table(codes: list[str], counts: list[float], values=None, scale=None) -> pd.DataFrame:
    """An own-data table (areas then the total) with Dobson limits at ``scale`` per event, as the engine makes."""
    counts = [*counts, float(sum(counts))]
    codes = [*codes, TOTAL]
    o = np.asarray(counts, dtype=float)
    value = np.asarray(values if values is not None else [np.nan] * len(o), dtype=float)
    s = np.asarray(scale if scale is not None else [np.nan] * len(o), dtype=float)
    frame = pd.DataFrame({"area_code": codes, "area_name": codes, "events_count": o, "person_years": 1000.0,
                          "value": value, "label95": "Similar", "label998": "Similar", "flag": ""})
    for tag, lvl in (("95", 0.95), ("998", 0.998)):
        frame[f"lower{tag}"] = value + s * (byars_lower(o, lvl) - o)
        frame[f"upper{tag}"] = value + s * (byars_upper(o, lvl) - o)
    frame.loc[frame.area_code == TOTAL, ["label95", "label998"]] = "Comparator"
    return frame


def _invert(row) -> int:
    """The attack: the count k whose Byar ratio (k - L(k)) / (U(k) - k) matches (value - lower) / (upper - value)."""
    k = np.arange(10, 5000, dtype=float)
    seen = (row.value - row.lower95) / (row.upper95 - row.value)
    return int(k[np.argmin(np.abs((k - byars_lower(k, 0.95)) / (byars_upper(k, 0.95) - k) - seen))])


def test_levels_nest_practice_in_pcn_and_district_in_place():
    assert [x.slug for x in nested_levels(level("pcn"))] == ["practice", "pcn"]
    assert [x.slug for x in nested_levels(level("practice"))] == ["practice", "pcn"]
    assert [x.slug for x in nested_levels(level("place"))] == ["district", "place"]
    assert [x.slug for x in nested_levels(level("imd-decile"))] == ["imd-decile"]


def test_a_suppressed_practice_cannot_be_recovered_from_its_pcn():
    # PCN A = P1 (3) + P2 (40) + P3 (52). Protected one table at a time, the practice table hides P1 and P4 (6,
    # in PCN B) and the PCN table hides nothing: A 95 - P2 40 - P3 50 = 5 gave P1 back to within rounding
    practices = _table(["P1", "P2", "P3", "P4", "P5"], [3, 40, 52, 6, 30])
    pcns = _table(["A", "B"], [95, 36])
    parents = {"P1": "A", "P2": "A", "P3": "A", "P4": "B", "P5": "B"}
    prac, pcn = protect_nested([practices, pcns], [parents], total_code=TOTAL, polarity="RAG_low_is_good")
    shown = dict(zip(prac.area_code, prac.events_count))
    for code, count in zip(pcn.area_code, pcn.events_count):
        if code != TOTAL and not pd.isna(count):
            hidden = [p for p, parent in parents.items() if parent == code and pd.isna(shown[p])]
            assert len(hidden) != 1, f"PCN {code} minus its published practices gives {hidden[0]} back"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), min_size=2, max_size=14))
def test_no_family_or_level_ever_has_exactly_one_hidden_count(cells):
    """Property: whatever the counts, every published parent and the total have 0 or at least 2 hidden parts."""
    codes = [f"P{i}" for i in range(len(cells))]
    parents = {c: f"N{pcn}" for c, (pcn, _) in zip(codes, cells)}
    practice_counts = [float(n) for _, n in cells]
    pcn_codes = sorted(set(parents.values()))
    pcn_counts = [sum(n for c, n in zip(codes, practice_counts) if parents[c] == p) for p in pcn_codes]
    prac, pcn = protect_nested([_table(codes, practice_counts), _table(pcn_codes, pcn_counts)], [parents],
                               total_code=TOTAL, polarity="RAG_low_is_good")
    shown = dict(zip(prac.area_code, prac.events_count))
    shown_pcn = dict(zip(pcn.area_code, pcn.events_count))
    for p in pcn_codes:
        if not pd.isna(shown_pcn[p]):
            assert sum(pd.isna(shown[c]) for c in codes if parents[c] == p) != 1
    if not pd.isna(shown_pcn[TOTAL]):
        assert sum(pd.isna(shown[c]) for c in codes) != 1
        assert sum(pd.isna(shown_pcn[p]) for p in pcn_codes) != 1
    for c, n in zip(codes, practice_counts):
        assert pd.isna(shown[c]) or (shown[c] % 5 == 0 and not DEFAULT_POLICY.is_small(shown[c]))


def test_limits_give_back_only_the_published_count():
    counts = [23.0, 41.0, 68.0, 112.0]
    values = [230.0, 410.0, 600.0, 900.0]
    scale = [11.0, 9.5, 8.0, 7.0, 8.5]
    exact = _table(["A", "B", "C", "D"], counts, values=[*values, 700.0], scale=scale)
    # the attack works on the exact figures ...
    assert [_invert(r) for r in exact.iloc[:4].itertuples()] == [23, 41, 68, 112]
    (out,) = protect_nested([exact], [], total_code=TOTAL, polarity="RAG_low_is_good")
    for r in out.itertuples():
        assert r.events_count % 5 == 0
        # ... and on the published ones it finds the published count, never the exact one
        assert _invert(r) == r.events_count
        assert r.lower95 < r.value < r.upper95 and r.lower998 < r.lower95 and r.upper998 > r.upper95
    # the rate is the DSR scaled to the published count: 23 events at 230 -> 25 events at 250
    assert out.loc[out.area_code == "A", "value"].iloc[0] == 250.0


def test_a_published_ten_gets_no_rate_whether_it_was_eight_or_twelve():
    exact = _table(["A", "B", "C"], [9, 12, 30], values=[np.nan, 120.0, 300.0, 250.0], scale=[10.0] * 4)
    (out,) = protect_nested([exact], [], total_code=TOTAL, polarity="RAG_low_is_good")
    rows = out.set_index("area_code")
    assert rows.loc["A", "events_count"] == rows.loc["B", "events_count"] == 10
    assert pd.isna(rows.loc["A", "value"]) and pd.isna(rows.loc["B", "value"]) and pd.isna(rows.loc["B", "upper95"])
    assert rows.loc["B", "label95"] == "Not compared" and not pd.isna(rows.loc["C", "value"])

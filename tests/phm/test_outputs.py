"""PHM aggregates as they leave the secure zone: one protection across nested levels, percentages from the
published counts (issue 15, item 4). Each test replays an attack on a small warehouse built by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pophealth.phm.outputs import nested_dimensions, published_aggregates, published_levels
from pophealth.warehouse import connect

RUN = "run-1"
# practice -> (PCN, people, with 5+ long-term conditions); PCN A = P1 + P2 + P3, B = P4 + P5
PRACTICES = {"P1": ("A", 103, 3), "P2": ("A", 400, 40), "P3": ("A", 520, 52), "P4": ("B", 206, 6),
             "P5": ("B", 300, 31)}


@pytest.fixture()
def con():
    con = connect(":memory:")
    rows = []
    for dim, key in (("practice_code", lambda p, v: p), ("pcn_code", lambda p, v: v[0]), ("all", lambda p, v: "all")):
        sums: dict[str, list[int]] = {}
        for practice, values in PRACTICES.items():
            s = sums.setdefault(key(practice, values), [0, 0])
            s[0] += values[2]
            s[1] += values[1]
        rows += [dict(run_id=RUN, measure="ltc_5plus", dimension=dim, category=c, numerator=n, denominator=d)
                 for c, (n, d) in sums.items()]
    con.register("_a", pd.DataFrame(rows))
    con.execute("INSERT INTO phm_aggregate BY NAME SELECT * FROM _a")
    people = [dict(run_id=RUN, person_id=i, practice_code=p, pcn_code=v[0]) for i, (p, v) in enumerate(PRACTICES.items())]
    con.register("_p", pd.DataFrame(people))
    con.execute("INSERT INTO phm_person BY NAME SELECT * FROM _p")
    yield con
    con.close()


def test_a_pcn_minus_its_published_practices_does_not_give_a_hidden_practice(con):
    practices = published_aggregates(con, RUN, "practice_code").set_index("category")
    pcns = published_aggregates(con, RUN, "pcn_code").set_index("category")
    everyone = published_aggregates(con, RUN, "all")
    for pcn, row in pcns.iterrows():
        inside = [p for p, v in PRACTICES.items() if v[0] == pcn]
        for col in ("numerator", "denominator"):
            if not pd.isna(row[col]):
                hidden = [p for p in inside if pd.isna(practices.loc[p, col])]
                # exactly one hidden practice in a published PCN: 95 - 40 - 50 = 5 gave P1 (3) back
                assert len(hidden) != 1, (pcn, col, hidden)
    for col in ("numerator", "denominator"):
        if not pd.isna(everyone[col].iloc[0]):
            assert sum(pd.isna(pcns[col])) != 1 and sum(pd.isna(practices[col])) != 1


def test_percentages_are_computed_from_the_published_counts(con):
    for frame in published_levels(con, RUN, nested_dimensions("pcn_code")).values():
        for r in frame.itertuples():
            if pd.isna(r.numerator) or pd.isna(r.denominator):
                assert pd.isna(r.percent)
            else:
                # P5: 31 of 300 is 10.3 %, but the page shows 30 of 300: it must say 10.0 %
                assert r.percent == round(100 * r.numerator / r.denominator, 1), r


def test_each_page_shows_figures_of_one_protection(con):
    together = published_levels(con, RUN, ("practice_code", "pcn_code", "all"))
    for dim in ("practice_code", "pcn_code", "all"):
        pd.testing.assert_frame_equal(published_aggregates(con, RUN, dim), together[dim])
    assert nested_dimensions("place") == ("district", "place", "all")
    assert nested_dimensions("imd_decile") == ("imd_decile", "all")

"""The prevention spend finance return and resources: the pledge 2 measure, loads, and located errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.delivery.finance_return import load_finance_return, prevention_shares, read_finance_return
from pophealth.delivery.resources import add_resource, list_resources, totals_by_action
from pophealth.errors import InputError
from pophealth.measures.series import how_to_load, read_series
from pophealth.warehouse import connect

HEADER = "org_code,period_start,period_end,category,amount_gbp,prevention,source\n"
GOOD = HEADER + ('QK1,2024-04-01,2025-03-31,Acute services,"£1,800,000",N,Ledger month 12\n'
                 "QK1,2024-04-01,2025-03-31,Public health grant,200000.00,Y,Ledger month 12\n"
                 "QK1,2023-04-01,2024-03-31,Acute services,950000,N,Ledger month 12\n"
                 "QK1,2023-04-01,2024-03-31,Smoking cessation,50000,Y,Ledger month 12\n")


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "f.duckdb")
    yield c
    c.close()


def write(tmp_path, text, name="return.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_pledge_2_measure_says_no_data_yet_and_how_to_load_until_a_return_is_loaded(con, tmp_path, strategy):
    measure = next(m for m in strategy.measures if m.id == "prevention-spend-share")
    assert 2 in measure.pledges
    assert read_series(con, measure).state == "not_loaded"
    assert how_to_load(measure).startswith("pophealth resources import FILE")
    load_finance_return(con, write(tmp_path, GOOD))
    series = read_series(con, measure)
    # 50,000 / 1,000,000 = 5% in 2023/24; 200,000 / 2,000,000 = 10% in 2024/25
    assert series.state == "ok" and [round(p.value, 6) for p in series.points] == [5.0, 10.0]


def test_a_reload_replaces_the_same_periods_and_is_idempotent(con, tmp_path):
    path = write(tmp_path, GOOD)
    load_finance_return(con, path)
    first = prevention_shares(con)
    load_finance_return(con, path)
    assert [(s["numerator"], s["denominator"]) for s in prevention_shares(con)] == \
        [(s["numerator"], s["denominator"]) for s in first]
    assert con.execute("SELECT count(*) FROM finance_return_line").fetchone()[0] == 4
    corrected = HEADER + "QK1,2024-04-01,2025-03-31,Acute services,1800000,N,Ledger month 13\n"
    load_finance_return(con, write(tmp_path, corrected, "corrected.csv"))
    shares = {str(s["period_start"]): s["value"] for s in prevention_shares(con)}
    assert shares == {"2023-04-01": 0.05, "2024-04-01": 0.0}  # the old 2024/25 lines are gone, 2023/24 kept
    assert con.execute("SELECT count(*) FROM finance_return_line").fetchone()[0] == 3


def test_every_bad_cell_is_named_by_file_row_and_column_and_nothing_loads(con, tmp_path):
    bad = HEADER + ("QK1,2024-04-01,2025-03-31,Acute,abc,N,Ledger\n"
                    "QK1,2024-04-31,2025-03-31,Community,10,Y,Ledger\n"
                    "QK1,2024-04-01,2025-03-31,Acute,10,Maybe,Ledger\n"
                    "QK1,2024-04-01,2024-03-31,Mental health,-5,N,\n")
    with pytest.raises(InputError) as info:
        load_finance_return(con, write(tmp_path, bad, "bad.csv"))
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert where == {("bad.csv", 2, "amount_gbp"), ("bad.csv", 3, "period_start"), ("bad.csv", 4, "prevention"),
                     ("bad.csv", 5, "source"), ("bad.csv", 5, "period_end"), ("bad.csv", 5, "amount_gbp")}
    assert con.execute("SELECT count(*) FROM finance_return_line").fetchone()[0] == 0
    assert prevention_shares(con) == []


def test_missing_columns_duplicates_and_a_zero_total_are_refused(tmp_path):
    with pytest.raises(InputError) as info:
        read_finance_return(write(tmp_path, "org_code,amount\nQK1,1\n"))
    assert {p.column for p in info.value.problems} == {"period_start", "period_end", "category", "amount_gbp",
                                                       "prevention", "source"}
    twice = HEADER + "QK1,2024-04-01,2025-03-31,Acute,1,N,L\nQK1,2024-04-01,2025-03-31,acute,2,N,L\n"
    with pytest.raises(InputError, match="appears twice"):
        read_finance_return(write(tmp_path, twice))
    zero = HEADER + "QK1,2024-04-01,2025-03-31,Acute,0,N,L\n"
    with pytest.raises(InputError, match="totals £0"):
        read_finance_return(write(tmp_path, zero))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**9), st.booleans()), min_size=1, max_size=8))
def test_the_share_is_prevention_pounds_over_all_pounds_and_between_0_and_1(tmp_path_factory, lines):
    body = "".join(f"QK1,2024-04-01,2025-03-31,Line {i},{p},{'Y' if y else 'N'},L\n" for i, (p, y) in enumerate(lines))
    total = sum(p for p, _ in lines)
    path = tmp_path_factory.mktemp("h") / "r.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    if total == 0:
        with pytest.raises(InputError):
            read_finance_return(path)
        return
    [share] = read_finance_return(path)[1]
    assert share["denominator"] == total and share["numerator"] == sum(p for p, y in lines if y)
    assert 0 <= share["value"] <= 1


def test_resources_record_pounds_year_and_prevention(con, tmp_path):
    from pophealth.delivery.actions import load_strategy_actions

    load_strategy_actions(con)
    add_resource(con, amount_gbp="£125,000", funding_source="Public health grant", financial_year_text="2024-25",
                 prevention=True, action_ref="L2.1", who="x")
    add_resource(con, amount_gbp=10000.5, funding_source="ICB", financial_year_text="2024/25", prevention=False,
                 action_ref="L2.1", who="x")
    assert totals_by_action(con) == {"L2.1": Decimal("135000.50")}
    [first, _] = list_resources(con, action_ref="L2.1")
    assert (first.financial_year, first.prevention, first.priority_id) == ("2024/25", True, "leicester:L2")
    for bad in ("2024/26", "24/25", ""):
        with pytest.raises(InputError, match="financial year"):
            add_resource(con, amount_gbp=1, funding_source="x", financial_year_text=bad, prevention=False,
                         action_ref="L2.1", who="x")
    with pytest.raises(InputError, match="amount in pounds"):
        add_resource(con, amount_gbp="-1", funding_source="x", financial_year_text="2024/25", prevention=False,
                     action_ref="L2.1", who="x")

"""Latest values and last dates per person, against their rules worked out record by record in plain Python.

The rules (events.py, docs/methods/phm.md): a list's latest value is the value recorded on the latest date any
code of the list was recorded with a value; two values on that day: the higher wins. A list's last date is
the latest date any of its codes was recorded. A code in two lists counts for both.
"""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.omop import Cdm
from pophealth.phm.context import PhmContext
from pophealth.phm.events import latest_dates, latest_values

DAY0 = dt.date(2025, 1, 1)
# list -> codes; code "3" is in both lists; "test.none" has no code
LISTS = {"test.a": ("1", "3"), "test.b": ("2", "3")}
NAMES = {"a": "test.a", "b": "test.b", "none": "test.none"}
CODES = pd.DataFrame([(lst, code, "snomedct") for lst, codes in LISTS.items() for code in codes],
                     columns=["list_id", "code", "system"])
CON = ibis.duckdb.connect()
CTX = PhmContext.create(Cdm(CON), dt.date(2026, 3, 31), CODES)

records = st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["1", "2", "3", "9"]), st.integers(0, 4),
                             st.sampled_from([1.0, 2.5, 2.5, 7.0, -3.0])), max_size=25)


def _table(rows: list[tuple]) -> ibis.Table:
    frame = pd.DataFrame([(p, DAY0 + dt.timedelta(days=d), c, v) for p, c, d, v in rows],
                         columns=["person_id", "event_date", "code", "value"])
    schema = {"person_id": "int64", "event_date": "date", "code": "string", "value": "float64"}
    return ibis.memtable(frame.astype({"person_id": "int64", "value": "float64"}), schema=schema)


def _in(code: str, list_id: str) -> bool:
    return code in LISTS.get(list_id, ())


@settings(max_examples=40, deadline=None)
@given(records)
def test_latest_value_is_the_highest_on_the_latest_day(rows):
    got = CON.to_pandas(latest_values(CTX, _table(rows), NAMES)).set_index("person_id")
    people = sorted({p for p, c, _, _ in rows if any(_in(c, x) for x in LISTS)})
    assert sorted(got.index.astype(int)) == people
    for person in people:
        for name, list_id in NAMES.items():
            mine = [(d, v) for p, c, d, v in rows if p == person and _in(c, list_id)]
            value, date = got.loc[person, f"{name}_latest"], got.loc[person, f"{name}_date"]
            if not mine:
                assert pd.isna(value) and pd.isna(date)
                continue
            last = max(d for d, _ in mine)
            assert pd.Timestamp(date).date() == DAY0 + dt.timedelta(days=last)
            assert value == max(v for d, v in mine if d == last)


@settings(max_examples=40, deadline=None)
@given(records)
def test_last_date_of_each_list(rows):
    _check_last_dates(rows, halves=None)


@settings(max_examples=40, deadline=None)
@given(records)
def test_last_date_of_each_list_pivoted_in_halves(rows):
    _check_last_dates(rows, halves=True)


def _check_last_dates(rows: list[tuple], halves: bool | None) -> None:
    columns = {f"last_{name}": list_id for name, list_id in NAMES.items()}
    got = CON.to_pandas(latest_dates(CTX, _table(rows), columns, halves=halves)).set_index("person_id")
    assert list(got.columns) == list(columns)
    people = sorted({p for p, c, _, _ in rows if any(_in(c, x) for x in LISTS)})
    assert sorted(got.index.astype(int)) == people
    for person in people:
        for column, list_id in columns.items():
            days = [d for p, c, d, _ in rows if p == person and _in(c, list_id)]
            found = got.loc[person, column]
            if not days:
                assert pd.isna(found)
            else:
                assert pd.Timestamp(found).date() == DAY0 + dt.timedelta(days=max(days))

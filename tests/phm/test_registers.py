"""Registers and LTCs from one grouping of each condition's dates give what each rule set gives on its own."""

from __future__ import annotations

import datetime as dt

import ibis
import pandas as pd
import pytest

from pophealth.phm.multimorbidity import ltc_conditions, ltc_specs
from pophealth.phm.registers import condition_dates, register_specs, registers

ON = dt.date(2026, 3, 31)
D = dt.date


def _summary() -> pd.DataFrame:
    """Per person and list, first and last dates (the shape of ``events.list_summary``)."""
    rows = [
        (1, "ltc.asthma", D(2010, 1, 1), D(2020, 1, 1)), (1, "med.asthma", D(2025, 6, 1), D(2025, 6, 1)),  # treated
        (2, "ltc.asthma", D(2015, 1, 1), D(2015, 1, 1)),  # no medicine in 12 months: LTC, not on the register
        (3, "ltc.asthma", D(2012, 1, 1), D(2012, 1, 1)), (3, "ltc.asthma.resolved", D(2019, 1, 1), D(2019, 1, 1)),
        (3, "med.asthma", D(2026, 1, 1), D(2026, 1, 1)),  # resolved: neither
        (4, "ltc.cancer", D(2000, 1, 1), D(2024, 1, 1)),  # register (since 2003 on the last date); LTC no (first 2000)
        (5, "ltc.diabetes", D(2020, 1, 1), D(2020, 1, 1)),  # aged 10: LTC, not the 17+ register
        (6, "ltc.epilepsy", D(2001, 1, 1), D(2001, 1, 1)), (6, "med.epilepsy", D(2025, 4, 1), D(2025, 4, 1)),
    ]
    return pd.DataFrame(rows, columns=["person_id", "list_id", "first_date", "last_date"])


def _rows(t: ibis.Table, name: str) -> set[tuple]:
    return {(r["person_id"], r[name]) for r in t.select("person_id", name).to_pyarrow().to_pylist()}


def test_one_grouping_for_registers_and_ltcs():
    con = ibis.duckdb.connect()
    summary = con.create_table("summary", _summary())
    people = con.create_table("people", pd.DataFrame({"person_id": [1, 2, 3, 4, 5, 6],
                                                      "age": [30, 30, 30, 70, 10, 40]}))
    dates = condition_dates(summary, register_specs() + ltc_specs())
    shared_regs = _rows(registers(summary, people, ON, dates), "register")
    shared_ltc = _rows(ltc_conditions(summary, people, ON, dates), "condition")
    assert shared_regs == _rows(registers(summary, people, ON), "register")
    assert shared_ltc == _rows(ltc_conditions(summary, people, ON), "condition")
    # the rules worked out by hand from definitions.yaml (register_rule, ltc_first_within_days)
    assert shared_regs == {(1, "asthma"), (4, "cancer"), (6, "epilepsy")}
    assert shared_ltc == {(1, "asthma"), (2, "asthma"), (5, "diabetes"), (6, "epilepsy")}


def test_specs_of_one_name_with_other_lists_are_refused():
    spec = {"name": "x", "lists": ["ltc.x"], "resolved": None}
    with pytest.raises(ValueError, match="different lists"):
        condition_dates(ibis.memtable(_summary()), [spec, spec | {"lists": ["ltc.y"]}])

"""Matching every coded record against the code lists once, so each definition reads a small summary.

The OMOP tables hold codes in ``*_source_value`` (see docs/synthetic-population.md); a record matches a list
when its code equals one of the list's codes as text. Only records dated on or before the index date count.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from pophealth.phm.context import PhmContext

# (table, date column, code column, value column or None)
CODED_TABLES = (
    ("condition_occurrence", "condition_start_date", "condition_source_value", None),
    ("observation", "observation_date", "observation_source_value", "value_as_number"),
    ("measurement", "measurement_date", "measurement_source_value", "value_as_number"),
    ("procedure_occurrence", "procedure_date", "procedure_source_value", None),
    ("drug_exposure", "drug_exposure_start_date", "drug_source_value", None),  # issues (``med.*`` lists)
)


def coded_records(ctx: PhmContext) -> ir.Table:
    """Every coded record up to the index date as ``person_id, event_date, code, value``.

    A value outside the plausible range of its code (plausibility.py) becomes null.
    """
    parts = []
    for table, date_col, code_col, value_col in CODED_TABLES:
        t = ctx.table(table)
        value = t[value_col].cast("float64") if value_col else ibis.null("float64")
        parts.append(
            t.filter(t[date_col] <= ctx.index_date, t[code_col].notnull())
            .select(person_id=t.person_id, event_date=t[date_col].cast("date"), code=t[code_col], value=value)
        )
    records = ibis.union(*parts)
    r = ctx.ranges
    t = records.left_join(r, records.code == r.code)
    v = t.value
    ok = r.plausible_low.isnull() | ((v >= t.plausible_low) & (v <= t.plausible_high))
    return t.select("person_id", "event_date", code=records.code, value=ok.ifelse(v, ibis.null("float64")))


def list_events(ctx: PhmContext, records: ir.Table) -> ir.Table:
    """Records whose code is in a list: ``person_id, list_id, event_date, value``."""
    codes = ctx.codes
    joined = records.join(codes, records.code == codes.code)
    return joined.select("person_id", "list_id", "event_date", "value")


def list_summary(events: ir.Table) -> ir.Table:
    """Per person and list: the first and the last date a code from the list was recorded."""
    return events.group_by(["person_id", "list_id"]).aggregate(
        first_date=events.event_date.min(), last_date=events.event_date.max(),
    )


def latest_values(events: ir.Table, lists: list[str]) -> ir.Table:
    """The latest numeric value of each list for each person: ``person_id, list_id, value, value_date``.

    Two values on the same day: the higher wins, so the answer does not depend on the engine's order.
    """
    valued = events.filter(events.list_id.isin(lists), events.value.notnull())
    ranked = valued.mutate(_rank=ibis.row_number().over(
        group_by=["person_id", "list_id"], order_by=[ibis.desc("event_date"), ibis.desc("value")]))
    return ranked.filter(ranked._rank == 0).select("person_id", "list_id", "value", value_date=ranked.event_date)

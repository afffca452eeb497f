"""Writing a run's results to the warehouse, its aggregates, and the disclosure-controlled view of them.

Person-level tables stay in the secure zone. Aggregates are stored exact; anything that leaves (the web
page, exports of counts) goes through ``published_aggregates``, which applies small-number suppression
and rounding with ``pophealth.disclosure.protect_table``.
"""

from __future__ import annotations

import duckdb
import ibis
import numpy as np
import ibis.expr.types as ir
import pandas as pd

from pophealth.disclosure import DisclosurePolicy, protect_table
from pophealth.phm.bits import bit, packed
from pophealth.phm.segments import SEGMENTS

DIMENSIONS = ("all", "practice_code", "pcn_code", "district", "place", "imd_decile", "ethnic_group", "age_band")
EFI_CATEGORIES = ("fit", "mild", "moderate", "severe")


def insert(raw: duckdb.DuckDBPyConnection, con: ibis.BaseBackend, table: str, run_id: str, expr: ir.Table) -> None:
    """``INSERT INTO table`` the rows of ``expr`` with the run id, inside DuckDB (no round trip through Python)."""
    sql = con.compile(expr)
    raw.execute(f"INSERT INTO {table} BY NAME SELECT ? AS run_id, * FROM ({sql})", [run_id])


def person_measures(person: ir.Table, cohorts: ir.Table, cohort_names: list[str]) -> list[tuple[str, ir.Value, ir.Value]]:
    """(measure, numerator flag, denominator flag) over the person table joined to cohort flags."""
    everyone = person.person_id.notnull()
    older = person.age >= 65
    out = [("people", everyone, everyone), ("ltc_2plus", person.ltc_count >= 2, everyone),
           ("ltc_5plus", person.ltc_5plus, everyone), ("ltc_8plus", person.ltc_8plus, everyone)]
    out += [(f"efi_{c}", (person.efi_category == c).fill_null(False), older) for c in EFI_CATEGORIES]
    out += [(f"segment_{s}", person.segment == s, everyone) for s in SEGMENTS]
    out += [(f"cohort_{c}", person[f"c_{c}"], everyone) for c in cohort_names]
    return out


def aggregates(person: ir.Table, cohorts: ir.Table, gaps: ir.Table, cohort_names: list[str]) -> pd.DataFrame:
    """``measure, dimension, category, numerator, denominator`` for every measure and dimension.

    Each person's cohorts and care gaps are first gathered into a few integers (``_memberships``), so one
    grouped pass over the people counts every measure, care gaps included, as a pair of columns; the small
    result is then reshaped to long form.
    """
    gap_names = sorted(gaps.select("care_gap").distinct().to_pandas().care_gap)
    p = person.left_join(_memberships(cohorts, gaps, cohort_names, gap_names), "person_id")
    p = p.drop("person_id_right") if "person_id_right" in p.columns else p
    p = p.mutate(**{f"c_{c}": bit(p, "c", i) for i, c in enumerate(cohort_names)})
    measures = person_measures(p, cohorts, cohort_names)
    # a care gap's numerator: people with the gap; denominator: people in the gap's denominator (a row)
    gap_measures = [(f"care_gap_{g}", bit(p, "n", i), bit(p, "d", i)) for i, g in enumerate(gap_names)]
    return _reshape(p, measures, gap_measures)


def _memberships(cohorts: ir.Table, gaps: ir.Table, cohort_names: list[str], gap_names: list[str]) -> ir.Table:
    """One row per person in any cohort or care gap denominator: the bits of their cohorts (``c*``), of the
    gaps whose denominator they are in (``d*``) and of the gaps they have (``n*``). One grouped pass with a few
    bitwise-or aggregates, much cheaper than a flag aggregate per cohort or a grouping per gap."""
    c = packed(cohorts.cohort, cohort_names, "c")
    d = packed(gaps.care_gap, gap_names, "d")
    n = packed(gaps.care_gap, gap_names, "n", gaps.gap)
    zero = ibis.literal(0, "int64")
    rows = ibis.union(cohorts.select("person_id", **c, **{k: zero for k in (*d, *n)}),
                      gaps.select("person_id", **{k: zero for k in c}, **d, **n))
    return rows.group_by("person_id").aggregate(**{k: rows[k].bit_or() for k in (*c, *d, *n)})


def _reshape(p: ir.Table, measures: list[tuple[str, ir.Value, ir.Value]],
             gap_measures: list[tuple[str, ir.Value, ir.Value]]) -> pd.DataFrame:
    """The measures counted once per combination of all the dimensions' categories (tens of thousands of cells
    rather than a million people), each dimension's figures then added up from those cells, all dimensions in
    one query (a union). A care gap has a row for the categories with anyone in its denominator only."""
    dims = [d for d in DIMENSIONS if d != "all"]
    every = [*measures, *gap_measures]
    cells = p.group_by(dims).aggregate(
        **{f"n{i}": num.ifelse(1, 0).sum() for i, (_, num, _) in enumerate(every)},
        **{f"d{i}": den.ifelse(1, 0).sum() for i, (_, _, den) in enumerate(every)})
    people = []
    for dim in DIMENSIONS:
        category = ibis.literal("all") if dim == "all" else cells[dim].cast("string")
        people.append(cells.group_by(category=category).aggregate(
            **{c: cells[c].sum() for i in range(len(every)) for c in (f"n{i}", f"d{i}")}).mutate(
            dimension=ibis.literal(dim)))
    wide_all = ibis.union(*people).to_pandas()
    frames = []
    for dim in DIMENSIONS:
        wide = wide_all[wide_all.dimension == dim]
        for i, (measure, _, _) in enumerate(every):
            rows = wide if i < len(measures) else wide[wide[f"d{i}"] > 0]
            frames.append(pd.DataFrame({"measure": measure, "dimension": dim, "category": rows.category,
                                        "numerator": rows[f"n{i}"], "denominator": rows[f"d{i}"]}))
    out = pd.concat(frames, ignore_index=True)[["measure", "dimension", "category", "numerator", "denominator"]]
    return out.astype({"numerator": "int64", "denominator": "int64"})


# dimensions whose areas lie wholly inside the next one's (finest first); every chain ends in "all"
NESTED = (("practice_code", "pcn_code"), ("district", "place"))


def nested_dimensions(dimension: str) -> tuple[str, ...]:
    """The dimensions published under one protection with ``dimension`` (finest first, then ``all``)."""
    for chain in NESTED:
        if dimension in chain:
            return (*chain, "all")
    return (dimension, "all") if dimension != "all" else ("all",)


def _parents(con: duckdb.DuckDBPyConnection, run_id: str, child: str, parent: str) -> dict[str, str]:
    pairs = con.execute(f"SELECT DISTINCT CAST({child} AS VARCHAR), CAST({parent} AS VARCHAR) FROM phm_person "
                        "WHERE run_id = ?", [run_id]).fetchall()
    return {str(c): str(p) for c, p in pairs}


def published_levels(con: duckdb.DuckDBPyConnection, run_id: str, dimensions: tuple[str, ...],
                     policy: DisclosurePolicy | None = None) -> dict[str, pd.DataFrame]:
    """Aggregates of nested ``dimensions`` (finest first, ending in ``all``) fit to leave the secure zone,
    protected together so that no level can be differenced against another.

    Counts 1-7 are suppressed and the rest rounded; secondary suppression keeps at least two hidden cells in
    every group that adds up to a published figure: the categories of one measure at one level against the
    whole population (``all``), and the areas inside one larger area (the practices of a PCN, the districts of
    a place) against it. Percentages are computed from the published (rounded) counts, never the exact ones,
    and are blank where either count is.
    """
    frame = con.execute(f"""SELECT measure, dimension, category, numerator, denominator FROM phm_aggregate
                            WHERE run_id = ? AND dimension IN ({', '.join('?' * len(dimensions))})
                            ORDER BY measure, category""", [run_id, *dimensions]).df()
    level = frame["dimension"].map({d: i for i, d in enumerate(dimensions)})
    category = frame["category"].astype(str)
    own = "own\x1f" + frame["dimension"] + "\x1f" + category + "\x1f" + frame["measure"]
    keys = []
    for i, dim in enumerate(dimensions[:-1]):
        # the categories of one measure at this level add up to the whole population's figure
        frame[f"level{i}"] = np.where((level == i) | (frame["dimension"] == "all"), frame["measure"], own)
        keys.append(f"level{i}")
    for i, (child, parent) in enumerate(zip(dimensions[:-2], dimensions[1:-1])):
        # the areas inside one larger area add up to its figure
        inside = category.map(_parents(con, run_id, child, parent)).fillna("?")
        frame[f"family{i}"] = np.where(level == i, frame["measure"] + "\x1f" + inside,
                                       np.where(level == i + 1, frame["measure"] + "\x1f" + category, own))
        keys.append(f"family{i}")
    kwargs = {"count_columns": ["numerator", "denominator"], "dependent_columns": [],
              "group_by": [[k] for k in keys] or None}
    protected = protect_table(frame, **kwargs) if policy is None else protect_table(frame, policy=policy, **kwargs)
    num = pd.to_numeric(protected["numerator"], errors="coerce").astype("float64")
    den = pd.to_numeric(protected["denominator"], errors="coerce").astype("float64")
    protected["percent"] = (100 * num / den.where(den > 0)).round(1)
    columns = ["measure", "category", "numerator", "denominator", "percent"]
    return {d: protected.loc[protected["dimension"] == d, columns].reset_index(drop=True) for d in dimensions}


def published_aggregates(con: duckdb.DuckDBPyConnection, run_id: str, dimension: str = "all",
                         policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """One dimension's aggregates fit to leave the secure zone (``published_levels`` of the dimensions it nests
    with, so every page shows figures of the same protection): columns measure, category, numerator,
    denominator, percent."""
    return published_levels(con, run_id, nested_dimensions(dimension), policy)[dimension]

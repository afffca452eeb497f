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

    One grouped pass per dimension computes every measure as a pair of columns; the small result is then
    reshaped to long form.
    """
    flags = cohorts.group_by("person_id").aggregate(
        **{f"c_{c}": (cohorts.cohort == c).any() for c in cohort_names})
    p = person.left_join(flags, "person_id")
    p = p.drop("person_id_right") if "person_id_right" in p.columns else p
    p = p.mutate(**{f"c_{c}": p[f"c_{c}"].fill_null(False) for c in cohort_names})
    g = gaps.join(person.select("person_id", *[d for d in DIMENSIONS if d != "all"]), "person_id")
    return _reshape(p, g, person_measures(p, cohorts, cohort_names))


def _reshape(p: ir.Table, g: ir.Table, measures: list[tuple[str, ir.Value, ir.Value]]) -> pd.DataFrame:
    """The person measures counted once per combination of all the dimensions' categories (tens of thousands
    of cells rather than a million people), each dimension's figures then added up from those cells; the care
    gaps grouped per dimension. All dimensions in one query per table (a union), so the warehouse is asked
    twice, not twice per dimension."""
    dims = [d for d in DIMENSIONS if d != "all"]
    cells = p.group_by(dims).aggregate(
        **{f"n{i}": num.ifelse(1, 0).sum() for i, (_, num, _) in enumerate(measures)},
        **{f"d{i}": den.ifelse(1, 0).sum() for i, (_, _, den) in enumerate(measures)})
    people, gaps = [], []
    for dim in DIMENSIONS:
        category = ibis.literal("all") if dim == "all" else cells[dim].cast("string")
        people.append(cells.group_by(category=category).aggregate(
            **{c: cells[c].sum() for i in range(len(measures)) for c in (f"n{i}", f"d{i}")}).mutate(
            dimension=ibis.literal(dim)))
        gcat = ibis.literal("all") if dim == "all" else g[dim].cast("string")
        gaps.append(g.group_by(care_gap=g.care_gap, category=gcat).aggregate(
            numerator=g.gap.ifelse(1, 0).sum(), denominator=g.count()).mutate(dimension=ibis.literal(dim)))
    wide_all = ibis.union(*people).to_pandas()
    gaps_all = ibis.union(*gaps).to_pandas()
    frames = []
    for dim in DIMENSIONS:
        wide = wide_all[wide_all.dimension == dim]
        for i, (measure, _, _) in enumerate(measures):
            frames.append(pd.DataFrame({"measure": measure, "dimension": dim, "category": wide.category,
                                        "numerator": wide[f"n{i}"], "denominator": wide[f"d{i}"]}))
        gaps_by = gaps_all[gaps_all.dimension == dim]
        frames.append(gaps_by.assign(measure="care_gap_" + gaps_by.care_gap).drop(columns="care_gap"))
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

"""The CSV methods the command line offers: names, help, columns, without loading pandas.

Why a module outside ``pophealth.stats``: ``pophealth --help`` lists every ``stats`` command and
must start in well under a second, but importing anything inside ``pophealth.stats`` loads pandas
and SciPy (its ``__init__`` gathers the methods). So the names and help texts live here, and
``pophealth.stats.csv_io`` attaches the computation to them. ``aggregates`` marks methods that return one row per group: run on a file with
several areas and no grouping by area, they would pool the areas into one figure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MethodInfo:
    """One ``pophealth stats`` method as documented: its input columns and what it returns."""

    name: str
    help: str
    numeric: tuple[str, ...]
    aggregates: bool


METHOD_INFO: tuple[MethodInfo, ...] = (
    MethodInfo("proportion", "Proportions with Wilson score limits.", ("numerator", "denominator"), True),
    MethodInfo("rate", "Crude rates: exact limits below 10 events, Byar's from 10.", ("numerator", "denominator"),
               True),
    MethodInfo("dsr", "Directly standardised rates (Dobson); ESP2013 when no stdpop column.",
               ("count", "pop", "stdpop"), True),
    MethodInfo("isr", "Indirectly standardised rates.", ("count", "pop", "refcount", "refpop"), True),
    MethodInfo("isratio", "Indirectly standardised ratios (refvalue 1 or 100).",
               ("count", "pop", "refcount", "refpop"), True),
    MethodInfo("mean", "Means with Student-t limits.", ("x",), True),
    MethodInfo("life-expectancy", "Life expectancy (Chiang II; 20 bands 0, 1, 5, ..., 90+).",
               ("startage", "deaths", "pop"), True),
    MethodInfo("sii", "Slope and relative index of inequality (simulated limits; --set seed=N).",
               ("quantile", "population"), True),
    MethodInfo("quantiles", "Quantile assignment within groups (--set nquantiles=10 invert=true).", ("value",), False),
    MethodInfo("funnel", "Funnel-plot significance (--set statistic=proportion|ratio|rate).",
               ("numerator", "denominator"), False),
    MethodInfo("funnel-limits", "Funnel-plot control limits (2s and 3s) along the axis, per data set.",
               ("dataset_min_denominator", "dataset_max_denominator"), True),
    MethodInfo("benchmark", "Compare areas with a comparator (Better / Similar / Worse).",
               ("area_value", "comparator_value"), False),
    MethodInfo("trend", "Recent trend over the last five points (chi-squared test for trend).", ("year", "value"),
               True),
)

# Column names that name a place or organisation. A file whose such column holds several values is
# several areas; an aggregating method must then be grouped by it (or told --pool).
AREA_COLUMN_WORDS: tuple[str, ...] = (
    "area", "org", "ods", "geography", "region", "place", "lsoa", "msoa", "practice", "pcn", "district",
    "ward", "icb", "ccg", "provider", "trust", "la_", "lad", "utla", "ltla", "locality",
)


def looks_like_area(column: str) -> bool:
    """True for a column whose name suggests it identifies an area (``area_code``, ``OrgName``, ``lsoa21``...)."""
    name = column.strip().lower()
    return name == "la" or any(word in name for word in AREA_COLUMN_WORDS)

"""Fingertips export column names in every header style, mapped to the warehouse's own names.

Fingertips has published three header styles for the same columns: the current "spaced" API
names (``Lower CI 95.0 limit``), the legacy compact names (``Lower_CI_95.0_limit``) and the
whitespace-stripped names fingertipsR produces (``LowerCI95.0limit``). Normalising a header by
lower-casing and dropping spaces, underscores and dots makes all three the same key, so one
table serves them all (see docs/data-formats.md, "Fingertips").
"""

from __future__ import annotations

import re

# normalised header -> warehouse column, in export order
COLUMNS: dict[str, str] = {
    "indicatorid": "indicator_id",
    "indicatorname": "indicator_name",
    "parentcode": "parent_code",
    "parentname": "parent_name",
    "areacode": "area_code",
    "areaname": "area_name",
    "areatype": "area_type",
    "sex": "sex",
    "age": "age",
    "categorytype": "category_type",
    "category": "category",
    "timeperiod": "time_period",
    "value": "value",
    "lowerci950limit": "lower_ci95",
    "upperci950limit": "upper_ci95",
    "lowerci998limit": "lower_ci998",
    "upperci998limit": "upper_ci998",
    "count": "count",
    "denominator": "denominator",
    "valuenote": "value_note",
    "recenttrend": "recent_trend",
    "comparedtoenglandvalueorpercentiles": "compared_to_england",
    "timeperiodsortable": "time_period_sortable",
    "newdata": "new_data",
    "comparedtogoal": "compared_to_goal",
}

REQUIRED = ("indicator_id", "indicator_name", "area_code", "area_name", "sex", "time_period", "value")
NUMERIC = ("value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator")
KEY = ("indicator_id", "area_code", "sex", "age", "category_type", "category", "time_period")

# The spaced (current API) name of each warehouse column, used in messages and CSV downloads.
SPACED: dict[str, str] = {
    "indicator_id": "Indicator ID", "indicator_name": "Indicator Name", "parent_code": "Parent Code",
    "parent_name": "Parent Name", "area_code": "Area Code", "area_name": "Area Name",
    "area_type": "Area Type", "sex": "Sex", "age": "Age", "category_type": "Category Type",
    "category": "Category", "time_period": "Time period", "value": "Value",
    "lower_ci95": "Lower CI 95.0 limit", "upper_ci95": "Upper CI 95.0 limit",
    "lower_ci998": "Lower CI 99.8 limit", "upper_ci998": "Upper CI 99.8 limit", "count": "Count",
    "denominator": "Denominator", "value_note": "Value note", "recent_trend": "Recent Trend",
    "compared_to_england": "Compared to England value or percentiles",
    "time_period_sortable": "Time period Sortable", "new_data": "New data",
    "compared_to_goal": "Compared to goal",
}

_PARENT = re.compile(r"^compared[ _]?to[ _]?(?P<parent>.+?)[ _]?value[ _]?or[ _]?percentiles$", re.IGNORECASE)


def normalise(header: str) -> str:
    """The style-free key of a header: lower case without spaces, underscores, dots or a BOM."""
    return re.sub(r"[\s_.\ufeff]", "", header).lower()


def parent_label(header: str) -> str | None:
    """The parent area type a "Compared to <parent> value or percentiles" column names, else None.

    The England column is not a parent column; the parent's name varies by area type and era
    (``Region``, ``Counties & UAs (from Apr 2021)``), so it is kept as data, not as a column name.
    """
    if normalise(header) == "comparedtoenglandvalueorpercentiles":
        return None
    match = _PARENT.match(header.strip())
    return match.group("parent").replace("_", " ").strip() if match else None


def map_headers(headers: list[str]) -> tuple[dict[str, str], str | None]:
    """Warehouse column -> header as written in the file, and the parent comparison header if any.

    Unknown extra columns are tolerated (published loaders show placeholder columns).
    """
    found: dict[str, str] = {}
    parent: str | None = None
    for header in headers:
        key = normalise(header)
        if key in COLUMNS and COLUMNS[key] not in found:
            found[COLUMNS[key]] = header
        elif parent is None and parent_label(header):
            parent = header
    return found, parent

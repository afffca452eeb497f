"""Typed results of the indicator engine, shared by pages, JSON twins and downloads."""

from __future__ import annotations

from pydantic import BaseModel


class ProfileRow(BaseModel):
    """One line of a place profile (the JHWS Figure 3 layout) plus what the spine chart needs."""

    indicator_id: int
    indicator: str
    sex: str
    age: str
    period: str
    value: float | None
    lower_ci95: float | None
    upper_ci95: float | None
    unit: str
    decimals: int
    england_value: float | None
    rag: str                 # better / similar / worse / higher / lower / not compared
    rag_basis: str           # "computed" (from the snapshot's CIs) or "published" (as Fingertips gave it)
    published: str           # Fingertips' own "Compared to England" label, verbatim
    agrees: bool | None      # computed RAG == published RAG (None when not computed)
    polarity: str
    area_min: float | None
    area_max: float | None
    areas_compared: int
    value_note: str
    recent_trend: str        # Fingertips' published "Recent Trend", verbatim ("" when the export has none)
    trend: str = ""          # recent trend computed by the stats engine over the last five annual points
    trend_points: int = 0    # valid points the computed trend could use (it needs five)
    trend_agrees: bool | None = None  # computed trend == published trend (None when none is published)
    source: str


class Profile(BaseModel):
    area_code: str
    area_name: str
    kind: str
    rows: list[ProfileRow]
    sources: list[str]


class TrendPoint(BaseModel):
    period: str
    sortable: int
    value: float | None
    lower_ci95: float | None
    upper_ci95: float | None
    england_value: float | None


class Trend(BaseModel):
    area_code: str
    area_name: str
    sex: str
    age: str
    points: list[TrendPoint]


class InequalityPoint(BaseModel):
    category: str
    rank: float          # relative rank midpoint, 0 = most deprived
    value: float | None
    weight: float


class InequalitySeries(BaseModel):
    area_code: str
    area_name: str
    category_type: str
    sex: str
    age: str
    period: str
    points: list[InequalityPoint]
    sii: float | None      # least minus most deprived, sign flipped for "low is good" indicators
    intercept: float | None
    slope: float | None = None  # the fitted line's slope of value on rank (the SII before polarity)
    weights: str           # how the points were weighted in the fit
    sii_method: str = ""   # where the SII came from, and why it has no limits when it has none
    sii_lower95: float | None = None
    sii_upper95: float | None = None
    sii_lower998: float | None = None
    sii_upper998: float | None = None


class PlaceValue(BaseModel):
    area_code: str
    area_name: str
    value: float | None
    lower_ci95: float | None
    upper_ci95: float | None
    rag: str
    rag_basis: str


class MeasureComparison(BaseModel):
    measure: str
    indicator_id: int
    indicator: str
    unit: str
    decimals: int
    sex: str
    period: str | None
    england_value: float | None
    places: list[PlaceValue]
    note: str | None = None

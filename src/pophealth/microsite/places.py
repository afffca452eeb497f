"""Place profiles for the public: each indicator's latest value against England, with its counts.

Indicator values are already public statistics, but the counts and denominators shown beside them
still pass the disclosure policy, and a value whose count is suppressed is emptied with it (a
rate and its denominator would otherwise give the count away). Persons, Male and Female rows of
one indicator, age and period form a group with a total (Persons), so secondary suppression
keeps a single suppressed sex from being recovered by subtraction.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.indicators.metadata import catalogue
from pophealth.indicators.profile import build_profile
from pophealth.indicators.store import latest_for_area, provenance
from pophealth.microsite.tables import PublishedTable, publish

RAG_TEXT = {"better": "Better than England", "worse": "Worse than England", "similar": "Similar to England",
            "higher": "Higher than England", "lower": "Lower than England"}
LABELS = {"indicator_id": "Fingertips ID", "indicator": "Indicator", "period": "Period", "sex": "Sex",
          "age": "Age", "value": "Value", "lower_ci95": "Lower 95% CI", "upper_ci95": "Upper 95% CI",
          "unit": "Unit", "england_value": "England", "compared": "Compared with England", "count": "Count",
          "denominator": "Denominator"}


class PlaceProfile(BaseModel):
    code: str
    name: str
    kind: str
    source: str
    table: PublishedTable


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


def place_profile(con: duckdb.DuckDBPyConnection, code: str) -> PlaceProfile:
    profile = build_profile(con, code)
    raw = latest_for_area(con, code, protect=False)
    # counts and figures as loaded: publish() below applies the policy (the same as the web app's, so the
    # crawler test finds both alike) and marks what it withheld "[c]"; the comparison is the web app's
    loaded = {(int(r.indicator_id), r.sex, r.age): r for r in raw.itertuples(index=False)}

    def figure(r, column: str) -> float | None:
        row = loaded.get((r.indicator_id, r.sex, r.age))
        value = getattr(row, column) if row is not None else getattr(r, column)
        return None if value is None or pd.isna(value) else _round(float(value), r.decimals)

    frame = pd.DataFrame([{
        "indicator_id": str(r.indicator_id), "indicator": r.indicator, "period": r.period, "sex": r.sex, "age": r.age,
        "value": figure(r, "value"), "lower_ci95": figure(r, "lower_ci95"),
        "upper_ci95": figure(r, "upper_ci95"), "unit": r.unit,
        "england_value": _round(r.england_value, r.decimals),
        "compared": RAG_TEXT.get(r.rag, "Not compared"),
        "count": getattr(loaded.get((r.indicator_id, r.sex, r.age)), "count", None),
        "denominator": getattr(loaded.get((r.indicator_id, r.sex, r.age)), "denominator", None),
    } for r in profile.rows], columns=list(LABELS))
    for col in ("value", "lower_ci95", "upper_ci95", "england_value", "count", "denominator"):
        frame[col] = frame[col].astype("float64")
    table = publish(frame, slug="profile", caption=f"Health indicators for {profile.area_name}", labels=LABELS,
                    group_by=["indicator_id", "age", "period"], dependent=["value", "lower_ci95", "upper_ci95"])
    return PlaceProfile(code=code, name=profile.area_name, kind=profile.kind, source=provenance(con, profile.sources),
                        table=table)


def place_codes() -> list[tuple[str, str, str]]:
    """Every place and district with a profile: (code, name, kind), places first."""
    places = sorted(catalogue().places, key=lambda p: (p.kind != "place", p.name))
    return [(p.code, p.name, p.kind) for p in places]

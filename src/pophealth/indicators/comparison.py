"""Leicester, Leicestershire and Rutland side by side for each measure of a pledge."""

from __future__ import annotations

import duckdb

from pophealth.errors import NotFoundError
from pophealth.indicators.metadata import catalogue, fallback_meta
from pophealth.indicators.models import MeasureComparison, PlaceValue
from pophealth.indicators.profile import SEX_ORDER, _num, rag_frame
from pophealth.indicators.store import ENGLAND, series


def pledge_comparisons(con: duckdb.DuckDBPyConnection, pledge: int) -> list[MeasureComparison]:
    """One comparison per measure and sex, at the latest period any of the three places has."""
    cat = catalogue()
    if pledge not in cat.pledge_measures:
        raise NotFoundError(f"Pledge {pledge} has no Fingertips measures (comparisons exist for pledges "
                            f"{', '.join(map(str, sorted(cat.pledge_measures)))})")
    places = [p for p in cat.places if p.kind == "place"]
    codes = [p.code for p in places]
    out: list[MeasureComparison] = []
    for pm in cat.pledge_measures[pledge]:
        meta = cat.indicator(pm.indicator_id) or fallback_meta(pm.indicator_id, pm.measure)
        frame = series(con, pm.indicator_id, codes + [ENGLAND])
        if frame.empty:
            out.append(MeasureComparison(measure=pm.measure, indicator_id=pm.indicator_id, indicator=meta.short,
                                         unit=meta.unit, decimals=meta.decimals, sex="", period=None,
                                         england_value=None, places=[],
                                         note=(pm.note or "") + " No values are loaded for this indicator."))
            continue
        for sex in sorted(frame["sex"].unique(), key=lambda s: SEX_ORDER.get(s, 9)):
            part = frame[frame["sex"] == sex]
            local = part[part["area_code"].isin(codes)]
            latest = local.sort_values("time_period_sortable").iloc[-1]["time_period"] if len(local) else None
            now = part[part["time_period"] == latest]
            england = now[now["area_code"] == ENGLAND]["value"]
            england_value = _num(england.iloc[0]) if len(england) else None
            now = now[now["area_code"].isin(codes)].assign(england_value=england_value)
            judged = rag_frame(now) if len(now) else now
            by_code = {r.area_code: r for r in judged.itertuples(index=False)}
            values = [PlaceValue(area_code=p.code, area_name=p.name,
                                 value=_num(by_code[p.code].value) if p.code in by_code else None,
                                 lower_ci95=_num(by_code[p.code].lower_ci95) if p.code in by_code else None,
                                 upper_ci95=_num(by_code[p.code].upper_ci95) if p.code in by_code else None,
                                 rag=by_code[p.code].rag if p.code in by_code else "not compared",
                                 rag_basis=by_code[p.code].rag_basis if p.code in by_code else "no data")
                      for p in places]
            out.append(MeasureComparison(measure=pm.measure, indicator_id=pm.indicator_id, indicator=meta.short,
                                         unit=meta.unit, decimals=meta.decimals, sex=sex, period=latest,
                                         england_value=england_value, places=values, note=pm.note))
    return out

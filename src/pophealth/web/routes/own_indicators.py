"""Indicators from our own patient-level data (analysts): DSRs by area level with a caterpillar chart.

Every count on the page and in its JSON twin has passed disclosure control first.
"""

from __future__ import annotations

import pandas as pd
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from pophealth.charts.caterpillar import CaterpillarRow, caterpillar_chart
from pophealth.disclosure import current_policy
from pophealth.indicators.own_data import TOTAL_CODE, published, resolve, year_window
from pophealth.indicators.own_definitions import LEVELS
from pophealth.omop import Cdm
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")


class OwnRow(BaseModel):
    area_code: str
    area_name: str
    events: int | None            # rounded to 5, None when suppressed
    person_years: float | None
    value: float | None
    lower95: float | None
    upper95: float | None
    lower998: float | None
    upper998: float | None
    compared95: str
    compared998: str


class Option(BaseModel):
    value: str
    text: str


class OwnIndicatorPage(PageContext):
    event: str
    level: str
    level_title: str
    year: int
    unit: str
    levels: list[Option]
    rows: list[OwnRow]
    total: OwnRow
    disclosure: str
    chart_svg: str = Field(default="", exclude=True)


def _num(value) -> float | None:
    return None if pd.isna(value) else float(value)


def _row(r) -> OwnRow:
    return OwnRow(area_code=str(r.area_code), area_name=str(r.area_name),
                  events=None if pd.isna(r.events_count) else int(r.events_count),
                  person_years=_num(r.person_years), value=_num(r.value), lower95=_num(r.lower95),
                  upper95=_num(r.upper95), lower998=_num(r.lower998), upper998=_num(r.upper998),
                  compared95=str(r.label95), compared998=str(r.label998))


@page(routes, "/indicators/own/{event_slug}", "indicators/own.jinja", role="analyst", name="own_indicator")
def own_page(request: Request, event_slug: str) -> OwnIndicatorPage:
    event, level, year = resolve(event_slug, request.query_params.get("by", "pcn"), request.query_params.get("year"))
    with warehouse(request) as con:
        _, table = published(Cdm.of_warehouse(con), event, level, *year_window(year))
    rows = [_row(r) for r in table.itertuples(index=False)]
    total = next(r for r in rows if r.area_code == TOTAL_CODE)
    areas = [r for r in rows if r.area_code != TOTAL_CODE]
    title = f"{event.title} by {level.title.lower()}, {year}"
    chart = caterpillar_chart([CaterpillarRow(r.area_name, r.value, r.lower95, r.upper95, r.compared95) for r in areas],
                              total.value, ident="own-chart", title=title, comparator_label="all areas (LLR)")
    return OwnIndicatorPage(
        title=title, breadcrumbs=[HOME], event=event.slug, level=level.slug, level_title=level.title, year=year,
        source=f"Patient-level records in this warehouse (OMOP CDM), {year}: directly standardised to the "
               f"European Standard Population 2013; pophealth stats engine.",
        unit=event.unit, levels=[Option(value=k, text=v.title) for k, v in LEVELS.items()], rows=areas, total=total,
        disclosure=f"Counts from 1 to {current_policy().largest_withheld} are suppressed (with one more cell where a total, or the same figures for a "
                   "larger area such as the PCN of a practice, would reveal them) and other counts rounded to the "
                   f"nearest {current_policy().rounding_base}; rates of suppressed rows are not shown. Rates and confidence limits are computed "
                   "from the rounded counts. Rates from fewer than 10 events are not calculated.",
        chart_svg=chart)


def register(app: FastAPI) -> None:
    routes.register(app)

"""Pages of public-health indicators: place profiles, indicator trends and inequality, pledge comparisons."""

from __future__ import annotations


from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from pophealth.charts.deciles import DecileBar, decile_chart
from pophealth.charts.spine import SpineRow, spine_chart
from pophealth.charts.trend import TrendPoint as ChartPoint
from pophealth.charts.trend import trend_chart
from pophealth.errors import NotFoundError
from pophealth.indicators import store
from pophealth.indicators.comparison import pledge_comparisons
from pophealth.indicators.export import profile_csv, profile_xlsx
from pophealth.indicators.inequality import inequality_series
from pophealth.indicators.metadata import catalogue, fallback_meta
from pophealth.indicators.models import InequalitySeries, MeasureComparison, Profile, Trend
from pophealth.indicators.profile import build_profile
from pophealth.indicators.trend import trends
from pophealth.web.pages import Crumb, PageContext, warehouse, cached, Routes, action, page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
PLACES = Crumb(text="Places", href="/places")


class PlaceLink(BaseModel):
    code: str
    name: str
    kind: str
    href: str
    indicators: int


class PlaceListPage(PageContext):
    places: list[PlaceLink]
    pledges: list[int]


class PlacePage(PageContext):
    profile: Profile
    published_only: bool
    downloads: dict[str, str]
    spine_svg: str = Field(default="", exclude=True)


class ChartedTrend(BaseModel):
    trend: Trend
    svg: str = Field(default="", exclude=True)


class ChartedInequality(BaseModel):
    series: InequalitySeries
    svg: str = Field(default="", exclude=True)


class IndicatorPage(PageContext):
    indicator_id: int
    name: str
    unit: str
    decimals: int
    area_code: str
    area_options: list[PlaceLink]
    trends: list[ChartedTrend]
    inequality: list[ChartedInequality]


class PledgePlacesPage(PageContext):
    pledge: int
    pledge_text: str | None
    comparisons: list[MeasureComparison]


@page(routes, "/places", "indicators/places.jinja", name="places", reuse=True)
def place_list(request: Request) -> PlaceListPage:
    with warehouse(request) as con:
        counts = dict(con.execute("SELECT area_code, count(DISTINCT indicator_id) FROM indicator_value "
                                  "GROUP BY area_code").fetchall())
        source = store.provenance(con, [s for (s,) in con.execute("SELECT DISTINCT source FROM indicator_value")
                                        .fetchall()])
    cat = catalogue()
    return PlaceListPage(
        title="Health profiles of our places", breadcrumbs=[HOME], source=source,
        places=[PlaceLink(code=p.code, name=p.name, kind=p.kind, href=f"/places/{p.code}",
                          indicators=counts.get(p.code, 0)) for p in cat.places],
        pledges=sorted(cat.pledge_measures))


INDICATOR_DATA_VERSION = "SELECT count(*), max(loaded_at) FROM indicator_value"


def _profile(request: Request, area_code: str) -> tuple[Profile, str]:
    def build(con) -> tuple[Profile, str]:
        profile = build_profile(con, area_code)
        return profile, store.provenance(con, profile.sources)

    return cached(request, "place_profile", area_code, INDICATOR_DATA_VERSION, build)


@page(routes, "/places/{area_code}", "indicators/place.jinja", name="place", reuse=True)
def place(request: Request, area_code: str) -> PlacePage:
    profile, source = _profile(request, area_code)
    spine = spine_chart([SpineRow(f"{r.indicator} ({r.sex}, {r.period})", r.value, r.england_value, r.area_min,
                                  r.area_max, r.rag, r.decimals) for r in profile.rows],
                        ident="spine", title=f"{profile.area_name} compared with England")
    return PlacePage(title=f"{profile.area_name} health profile", breadcrumbs=[HOME, PLACES], source=source,
                     profile=profile, published_only=bool(profile.rows) and all(
                         r.rag_basis == "published" for r in profile.rows),
                     downloads={"CSV": f"/places/{area_code}.csv", "Excel (XLSX)": f"/places/{area_code}.xlsx"},
                     spine_svg=spine)


@page(routes, "/indicators/{indicator_id:int}", "indicators/indicator.jinja", name="indicator", reuse=True)
def indicator(request: Request, indicator_id: int) -> IndicatorPage:
    with warehouse(request) as con:
        rows = store.indicator_rows(con, indicator_id)
        if rows.empty:
            raise NotFoundError(f"No values are loaded for indicator {indicator_id}")
        area = request.query_params.get("area") or _default_area(set(rows["area_code"]))
        meta = catalogue().indicator(indicator_id) or fallback_meta(indicator_id, str(rows["indicator_name"].iloc[0]))
        area_trends = trends(con, indicator_id, area)
        unequal = inequality_series(con, indicator_id)
        source = store.provenance(con, sorted(set(rows["source"])))
    names = dict(zip(rows["area_code"], rows["area_name"]))
    if area not in names:
        raise NotFoundError(f"Indicator {indicator_id} has no values for area {area!r}")
    charted = [ChartedTrend(trend=t, svg=trend_chart(
        [ChartPoint(p.period, p.value, p.lower_ci95, p.upper_ci95, p.england_value) for p in t.points],
        ident=f"trend-{i}", title=f"{meta.short}, {t.area_name}, {t.sex} {t.age}".strip(), area=t.area_name,
        decimals=meta.decimals)) for i, t in enumerate(area_trends)]
    inequality = [ChartedInequality(series=s, svg=decile_chart(
        [DecileBar(p.category, p.rank, p.value) for p in s.points], sii=s.slope, intercept=s.intercept,
        ident=f"ineq-{i}", title=f"{meta.short} by deprivation, {s.area_name}, {s.period}",
        decimals=meta.decimals)) for i, s in enumerate(unequal)]
    options = [PlaceLink(code=c, name=n, kind="", href=f"/indicators/{indicator_id}?area={c}", indicators=1)
               for c, n in sorted(names.items(), key=lambda kv: kv[1])]
    return IndicatorPage(title=meta.short, breadcrumbs=[HOME, PLACES], source=source, indicator_id=indicator_id,
                         name=meta.name, unit=meta.unit, decimals=meta.decimals, area_code=area,
                         area_options=options, trends=charted, inequality=inequality)


def _default_area(present: set[str]) -> str:
    """The first LLR place with values, else England, else any area."""
    preferred = [p.code for p in catalogue().places] + [store.ENGLAND]
    return next((c for c in preferred if c in present), min(present))


@page(routes, "/pledges/{number:int}/places", "indicators/pledge_places.jinja", name="pledge_places", reuse=True)
def pledge_places(request: Request, number: int) -> PledgePlacesPage:
    with warehouse(request) as con:
        comparisons = pledge_comparisons(con, number)
        sources = [s for (s,) in con.execute("SELECT DISTINCT source FROM indicator_value WHERE list_contains(?, "
                                             "indicator_id)", [[c.indicator_id for c in comparisons]]).fetchall()]
        source = store.provenance(con, sources)
    pledge = next((p for p in request.app.state.strategy.pledges if p.number == number), None)
    return PledgePlacesPage(title=f"Pledge {number}: our three places compared",
                            breadcrumbs=[HOME, Crumb(text=f"Pledge {number}", href=f"/pledges/{number}")],
                            source=source, pledge=number, pledge_text=pledge.text if pledge else None,
                            comparisons=comparisons)


def _download(kind: str):
    def handler(request: Request, area_code: str) -> Response:
        profile, source = _profile(request, area_code)
        if kind == "csv":
            return Response(profile_csv(profile), media_type="text/csv; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="{area_code}_profile.csv"'})
        return Response(profile_xlsx(profile, source),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{area_code}_profile.xlsx"'})

    return handler


def register(app: FastAPI) -> None:
    # Downloads first: "/places/{area_code}" would otherwise also match "E06000016.xlsx".
    for kind in ("csv", "xlsx"):
        action(app, f"/places/{{area_code}}.{kind}", role="public", methods=("GET",), name=f"place_{kind}")(_download(kind))
    routes.register(app)

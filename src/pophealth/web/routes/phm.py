"""The PHM summary page: headline figures of the latest run, disclosure-controlled, for analysts."""

from __future__ import annotations

import pandas as pd
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from pophealth.care.labels import GAP_LABELS, cohort_label
from pophealth.care.outcomes import CareLoop, care_loop
from pophealth.charts.scale import svg, text
from pophealth.disclosure import current_policy
from pophealth.phm.outputs import nested_dimensions, published_levels
from pophealth.phm.run import latest_run
from pophealth.phm.segments import SEGMENTS
from pophealth.warehouse.versions import run_currency
from pophealth.web.pages import Crumb, PageContext, population_content, warehouse, Routes, page
from pophealth.web.routes.phm_risk import RiskReport, risk_report

routes = Routes()  # this module's pages and actions, added to the app by register()

SEGMENT_LABELS = {"frailty_dementia": "Frailty and dementia", "organ_failure": "Organ failure",
                  "incurable_cancer": "Incurable cancer", "disability": "Disability",
                  "long_term_conditions": "Long-term conditions", "maternal_infant": "Maternal and infant health",
                  "acutely_ill": "Acutely ill", "healthy": "Healthy"}
BY_PLACE = ("ltc_5plus", "ltc_8plus", "efi_moderate", "efi_severe", "cohort_core20", "cohort_learning_disability",
            "cohort_severe_mental_illness")


def suppression_note() -> str:
    """Why counts are missing or rounded, in the words of the configured policy."""
    policy = current_policy()
    return (f"Counts from 1 to {policy.largest_withheld} are suppressed. So that a total or the other places cannot "
            "reveal them, one more count in the same table (or the same measure across places) is suppressed with "
            "each: this complementary suppression can hide a large count. Other counts are rounded to the nearest "
            f"{policy.rounding_base}, and percentages are worked out from the rounded counts and hidden with them.")


class Figure(BaseModel):
    measure: str
    label: str
    numerator: int | None
    denominator: int | None
    percent: float | None


class PlaceRow(BaseModel):
    place: str
    figures: list[Figure]


class PhmPage(PageContext):
    run_id: str | None = None
    suppression_note: str = Field(default_factory=suppression_note)
    rounding_base: int = Field(default_factory=lambda: current_policy().rounding_base)
    largest_withheld: int = Field(default_factory=lambda: current_policy().largest_withheld)
    index_date: str | None = None
    definitions_version: str | None = None
    headline: list[Figure] = Field(default_factory=list)
    segments: list[Figure] = Field(default_factory=list)
    cohorts: list[Figure] = Field(default_factory=list)
    care_gaps: list[Figure] = Field(default_factory=list)
    places: list[PlaceRow] = Field(default_factory=list)
    risk: RiskReport | None = None
    out_of_date: str | None = None  # the run was computed on another population (pophealth.warehouse.versions)
    care_loop: CareLoop | None = None  # worklist outcomes and gaps closed (pophealth.care.outcomes)
    segment_svg: str = Field(default="", exclude=True)


def _label(measure: str) -> str:
    """The label the engine's definitions give (cohorts, care gaps); segments and headline figures here."""
    if measure.startswith("cohort_"):
        return cohort_label(measure[len("cohort_"):])
    if measure.startswith("care_gap_"):
        key = measure[len("care_gap_"):]
        return GAP_LABELS.get(key) or key.replace("_", " ").capitalize()
    if measure.startswith("segment_"):
        key = measure[len("segment_"):]
        return SEGMENT_LABELS.get(key, key.replace("_", " ").capitalize())
    return {"people": "Registered people", "ltc_2plus": "2 or more long-term conditions",
            "ltc_5plus": "5 or more long-term conditions", "ltc_8plus": "8 or more long-term conditions",
            "efi_fit": "eFI fit (65+)", "efi_mild": "eFI mild frailty (65+)",
            "efi_moderate": "eFI moderate frailty (65+)", "efi_severe": "eFI severe frailty (65+)"}.get(
                measure, measure.replace("_", " ").capitalize())


def _figure(row) -> Figure:
    def value(v, kind):
        return None if pd.isna(v) else kind(v)

    return Figure(measure=row.measure, label=_label(row.measure), numerator=value(row.numerator, int),
                  denominator=value(row.denominator, int), percent=value(row.percent, float))


def segment_chart(figures: list[Figure]) -> str:
    """Horizontal bars, one per segment, with the published counts as the text alternative."""
    width, row, left = 640, 28, 220
    top = max([f.numerator or 0 for f in figures] + [1])
    body = []
    for i, f in enumerate(figures):
        y = 10 + i * row
        body.append(f'<text x="{left - 8}" y="{y + 17}" font-size="13" text-anchor="end">{text(f.label)}</text>')
        if f.numerator is not None:
            length = (width - left - 90) * f.numerator / top
            body.append(f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 10}" fill="#005eb8"/>')
            body.append(f'<text x="{left + length + 6:.1f}" y="{y + 17}" font-size="13">{f.numerator:,}</text>')
    desc = "; ".join(f"{f.label}: {'suppressed' if f.numerator is None else f'{f.numerator:,}'}" for f in figures)
    return svg(width, 20 + row * len(figures), "phm-segments", "People by Bridges to Health segment",
               f"Registered people in each segment (counts rounded to {current_policy().rounding_base}, small counts "
               f"suppressed). {desc}.", body)


@page(routes, "/phm", "phm/summary.jinja", role="analyst", name="phm")
def phm_summary(request: Request) -> PhmPage:
    crumbs = [Crumb(text="Home", href="/")]
    title = "Population health management"
    with warehouse(request) as con:
        run_id = latest_run(con)
        if run_id is None:
            return PhmPage(title=title, breadcrumbs=crumbs, source="No PHM run in this warehouse yet.")
        run = con.execute("SELECT index_date, definitions_version, codelist_version FROM phm_run WHERE run_id = ?",
                          [run_id]).fetchall()[0]
        currency = run_currency(con, run_id, population_content(request))
        # the whole population and the places from one protection (nested with districts), so the page's
        # figures cannot be differenced against each other or against another level's
        published = published_levels(con, run_id, nested_dimensions("place"))
        overall = [_figure(r) for r in published["all"].itertuples()]
        by_place = published["place"]
        risk = risk_report(con)
        loop = care_loop(con, run_id)
    pick = {f.measure: f for f in overall}
    places = [PlaceRow(place=place, figures=[_figure(r) for r in group.itertuples() if r.measure in BY_PLACE])
              for place, group in by_place.groupby("category", sort=True)]
    segments = [pick[f"segment_{s}"] for s in SEGMENTS if f"segment_{s}" in pick]
    page = PhmPage(
        title=title, breadcrumbs=crumbs, run_id=run_id, index_date=run[0].isoformat(), definitions_version=run[1],
        out_of_date=None if currency.current else currency.reason,
        source=f"PHM run {run_id} at {run[0].isoformat()} ({run[1]}, code lists {run[2]}). Counts rounded to "
               f"{current_policy().rounding_base}; counts of 1-{current_policy().largest_withheld} suppressed, with complementary suppression of another count where a total would "
               "reveal them; percentages computed from the rounded counts.",
        headline=[pick[m] for m in ("people", "ltc_2plus", "ltc_5plus", "ltc_8plus", "efi_fit", "efi_mild",
                                    "efi_moderate", "efi_severe") if m in pick],
        segments=segments,
        cohorts=[f for f in overall if f.measure.startswith("cohort_")],
        care_gaps=[f for f in overall if f.measure.startswith("care_gap_")],
        places=places,
        risk=risk,
        care_loop=loop,
    )
    page.segment_svg = segment_chart(segments)
    return page


def register(app: FastAPI) -> None:
    routes.register(app)

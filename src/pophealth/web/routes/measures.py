"""Measure pages: the catalogue with status, one page per measure (seed 000 layout), narrative history.

Each page reads the warehouse through ``pophealth.measures`` and renders ``MeasureView``s, so the
figures match the board pack. Narrative edits are a POST form that adds a version (never updates).
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import BaseModel

from pophealth.errors import NotFoundError, PermissionDenied
from pophealth.measures import editors, narrative
from pophealth.measures.narrative import NarrativeVersion
from pophealth.measures.series import read_series
from pophealth.measures.view import SYNTHETIC_TEXT, MeasureView
from pophealth.strategy.measures import Measure
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, action, page
from pophealth.web.routes.measure_views import MeasureRow, measure_views, pledge_progress
from pophealth.web.routes.strategy import HOME

routes = Routes()  # this module's pages and actions, added to the app by register()

MEASURES = Crumb(text="Measures", href="/measures")


class PledgeLink(BaseModel):
    number: int
    text: str
    href: str


class MeasureListPage(PageContext):
    period: str | None
    rows: list[MeasureRow]
    synthetic_text: str | None
    not_measurable: list[PledgeLink]


class MeasurePage(PageContext):
    period: str | None
    measure: MeasureView
    pledges: list[PledgeLink]
    history_href: str
    rebases_href: str  # staff only: where the limits were recalculated, and the forms to decide it
    synthetic_text: str | None
    can_edit: bool  # the signed-in user may write this measure's narrative


class PledgeMeasuresPage(PageContext):
    period: str | None
    pledge: PledgeLink
    measurable: bool
    rows: list[MeasureRow]
    synthetic_text: str | None


class NarrativeHistoryPage(PageContext):
    measure_id: str
    measure_name: str
    measure_href: str
    versions: list[NarrativeVersion]
    period: str | None
    latest_version: int | None
    can_edit: bool  # the signed-in user is an editor of this measure (or an admin): show the form


def catalogue_measure(request: Request, measure_id: str) -> Measure:
    """The catalogue measure with this id, or a 404."""
    found = [m for m in request.app.state.strategy.measures if m.id == measure_id]
    if not found:
        raise NotFoundError(f"There is no measure {measure_id!r}")
    return found[0]


def _pledge_link(request: Request, number: int) -> PledgeLink:
    p = request.app.state.strategy.pledge(number)
    return PledgeLink(number=p.number, text=p.text, href=f"/pledges/{p.number}")


@page(routes, "/measures", "measures/list.jinja", name="measures", reuse=True)
def measure_list(request: Request) -> MeasureListPage:
    period, views, synthetic = measure_views(request)
    strategy = request.app.state.strategy
    rows = [MeasureRow(view=views[m.id], href=f"/measures/{m.id}", pledges=m.pledges) for m in strategy.measures]
    covered = {n for m in strategy.measures for n in m.pledges}
    return MeasureListPage(
        title="Measures of our pledges and priorities", breadcrumbs=[HOME], period=period, rows=rows,
        synthetic_text=SYNTHETIC_TEXT if synthetic else None,
        not_measurable=[_pledge_link(request, p.number) for p in strategy.pledges if p.number not in covered],
        source="Measure catalogue (strategy data) and the pophealth warehouse")


@page(routes, "/measures/{measure_id}", "measures/measure.jinja", name="measure", reuse=True)
def measure_page(request: Request, measure_id: str) -> MeasurePage:
    m = catalogue_measure(request, measure_id)
    period, views, _synthetic = measure_views(request, {m.id})
    v = views[m.id]
    with warehouse(request) as con:
        can_edit = _may_edit(con, request, m.id)
    source = f"{m.data_source}" + (f"; loaded {v.loaded_at}" if v.loaded_at else "")
    return MeasurePage(
        title=m.name, breadcrumbs=[HOME, MEASURES], period=period, measure=v,
        pledges=[_pledge_link(request, n) for n in m.pledges], history_href=f"/measures/{m.id}/narrative",
        rebases_href=f"/measures/{m.id}/rebases", synthetic_text=SYNTHETIC_TEXT if v.synthetic else None,
        can_edit=can_edit, source=source)


@page(routes, "/pledges/{number:int}/measures", "measures/pledge.jinja", name="pledge_measures", reuse=True)
def pledge_measures(request: Request, number: int) -> PledgeMeasuresPage:
    strategy = request.app.state.strategy
    if number not in {p.number for p in strategy.pledges}:
        raise NotFoundError(f"There is no pledge {number}")
    progress = pledge_progress(request, number)
    return PledgeMeasuresPage(
        title=f"Pledge {number}: progress", period=progress.period, pledge=_pledge_link(request, number),
        breadcrumbs=[HOME, Crumb(text="Pledges", href="/pledges"), Crumb(text=f"Pledge {number}", href=f"/pledges/{number}")],
        measurable=progress.measurable, rows=progress.rows, synthetic_text=progress.synthetic_text,
        source="Measure catalogue (strategy data) and the pophealth warehouse")


def _may_edit(con, request: Request, measure_id: str) -> bool:  # noqa: ANN001 - a warehouse cursor
    user = getattr(request.state, "user", None)
    return user is not None and editors.may_edit(con, user, measure_id)


@page(routes, "/measures/{measure_id}/narrative", "measures/history.jinja", name="measure_narrative", reuse=True)
def narrative_history(request: Request, measure_id: str) -> NarrativeHistoryPage:
    m = catalogue_measure(request, measure_id)
    with warehouse(request) as con:
        versions = narrative.history(con, m.id)
        points = read_series(con, m).points
        can_edit = _may_edit(con, request, m.id)
    # default period for a new version: the one asked for, the latest narrated, or the latest data point
    period = request.query_params.get("period") or (versions[0].period if versions else None) or (
        points[-1].label if points else None)
    latest = max((v.version for v in versions if v.period == period), default=None)
    return NarrativeHistoryPage(
        title=f"Narrative history: {m.name}", breadcrumbs=[HOME, MEASURES, Crumb(text=m.name, href=f"/measures/{m.id}")],
        measure_id=m.id, measure_name=m.name, measure_href=f"/measures/{m.id}", versions=versions,
        period=period, latest_version=latest, can_edit=can_edit,
        source="measure_narrative table (every version kept)")


def register(app: FastAPI) -> None:
    app.state.jinja.filters["svg"] = Markup  # chart and icon SVG are built with every text escaped
    routes.register(app)

    @action(app, "/measures/{measure_id}/narrative/new", role="action_lead")
    def add_narrative(request: Request, measure_id: str, period: str = Form(""), key_issue: str = Form(""),
                            mitigations: str = Form(""), based_on: int | None = Form(None)) -> RedirectResponse:
        # blank fields are checked by add_version, which names each one in its error; the author is
        # the signed-in user (the security middleware lets only action leads reach this route, and
        # of those only the measure's editors may write)
        m = catalogue_measure(request, measure_id)
        user = request.state.user
        with warehouse(request) as con:
            if not editors.may_edit(con, user, m.id):
                raise PermissionDenied(f"{user.username} is not an editor of the measure {m.id}")
            narrative.add_version(con, m.id, period, key_issue, mitigations.splitlines(),
                                  f"{user.display_name} ({user.username})", based_on=based_on)
        return RedirectResponse(f"/measures/{m.id}/narrative?period={period}", status_code=303)


"""A measure's rebases on the web: every proposal and decision, and forms for the measure's editors.

Recalculating SPC limits changes what a board is told, so it is a recorded decision
(``pophealth.spc.rebase``): proposed at one of the chart's points, approved or rejected with a
reason, and withdrawable. Editors of the measure (and admins) decide under their own signed-in
name; analysts and board members see the whole record.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from pophealth.errors import ConfigError, NotFoundError, PermissionDenied
from pophealth.measures import editors
from pophealth.measures.series import read_series
from pophealth.spc.rebase import RebaseRecord, decide, list_rebases, propose_rebase
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, action, page
from pophealth.web.routes.measures import MEASURES, catalogue_measure
from pophealth.web.routes.strategy import HOME

routes = Routes()  # this module's pages and actions, added to the app by register()

STATE_TEXT = {"pending": "Awaiting a decision", "approved": "In effect", "rejected": "Rejected",
              "withdrawn": "Withdrawn"}


class PointOption(BaseModel):
    value: str  # ISO date of the point's period start
    text: str


class RebaseRow(BaseModel):
    proposal_id: int
    point_date: dt.date
    point_text: str  # the chart point's label where one starts on that date
    proposed: str
    note: str | None
    state: str
    state_text: str
    decision: str | None  # who decided, when and why
    withdrawal: str | None


class RebasePage(PageContext):
    measure_id: str
    measure_name: str
    measure_href: str
    rows: list[RebaseRow]
    points: list[PointOption]
    can_edit: bool


def _row(r: RebaseRecord, labels: dict[dt.date, str]) -> RebaseRow:
    by = r.proposed_by or f"the rule {r.rule}"
    return RebaseRow(
        proposal_id=r.proposal_id, point_date=r.point_date, point_text=labels.get(r.point_date, r.point_date.isoformat()),
        note=r.note, state=r.state, state_text=STATE_TEXT[r.state],
        proposed=f"Proposed by {by}, {r.proposed_at:%d %B %Y}",
        decision=f"{r.decision.capitalize()} by {r.decided_by}, {r.decided_at:%d %B %Y}: {r.reason}" if r.decision else None,
        withdrawal=(f"Withdrawn by {r.withdrawn_by}, {r.withdrawn_at:%d %B %Y}: {r.withdrawal_reason}"
                    if r.withdrawn_at else None))


@page(routes, "/measures/{measure_id}/rebases", "measures/rebases.jinja", role="analyst", name="measure_rebases")
def rebase_page(request: Request, measure_id: str) -> RebasePage:
    m = catalogue_measure(request, measure_id)
    user = request.state.user
    with warehouse(request) as con:
        records = list_rebases(con, m.id)
        points = read_series(con, m).points
        can_edit = editors.may_edit(con, user, m.id)
    labels = {p.period_start: p.label for p in points}
    return RebasePage(
        title=f"Rebases: {m.name}", breadcrumbs=[HOME, MEASURES, Crumb(text=m.name, href=f"/measures/{m.id}")],
        measure_id=m.id, measure_name=m.name, measure_href=f"/measures/{m.id}",
        rows=[_row(r, labels) for r in records],
        points=[PointOption(value=p.period_start.isoformat(), text=p.label) for p in points[1:]],
        can_edit=can_edit, source="spc_rebase_proposal, spc_rebase_decision and spc_rebase_withdrawal tables")


def _editor(request: Request, con, measure_id: str) -> str:  # noqa: ANN001 - a warehouse cursor
    """The signed-in user's name for the record, if they may decide this measure's rebases."""
    user = request.state.user
    if not editors.may_edit(con, user, measure_id):
        raise PermissionDenied(f"{user.username} is not an editor of the measure {measure_id}")
    return f"{user.display_name} ({user.username})"


def register(app: FastAPI) -> None:
    routes.register(app)

    @action(app, "/measures/{measure_id}/rebases/new", role="action_lead")
    def propose(request: Request, measure_id: str, point_date: str = Form(""),
                note: str = Form("")) -> RedirectResponse:
        m = catalogue_measure(request, measure_id)
        try:
            day = dt.date.fromisoformat(point_date)
        except ValueError:
            raise ConfigError("Choose the first point of the new segment") from None
        with warehouse(request) as con:
            propose_rebase(con, m.id, day, proposed_by=_editor(request, con, m.id), note=note.strip() or None)
        return RedirectResponse(f"/measures/{m.id}/rebases", status_code=303)

    @action(app, "/measures/{measure_id}/rebases/{proposal_id:int}", role="action_lead")
    def record_decision(request: Request, measure_id: str, proposal_id: int, decision: str = Form(""),
                        reason: str = Form("")) -> RedirectResponse:
        m = catalogue_measure(request, measure_id)
        with warehouse(request) as con:
            by = _editor(request, con, m.id)
            if proposal_id not in {r.proposal_id for r in list_rebases(con, m.id)}:
                raise NotFoundError(f"There is no rebase proposal {proposal_id} for the measure {m.id}")
            decide(con, proposal_id, decision, by=by, reason=reason.strip())
        return RedirectResponse(f"/measures/{m.id}/rebases", status_code=303)


"""Delivery tracker pages: the filterable tracker, an action with its update form, highlight reports.

Anyone signed in may read the tracker; an action lead may update actions that name them as a lead,
or that name no lead yet. The signed-in user is recorded as the editor.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from pophealth.delivery.actions import get_action, list_activities, list_priorities
from pophealth.delivery.governance import HighlightReport, highlight_report, list_governance
from pophealth.delivery.periods import open_period_now
from pophealth.delivery.records import RAGS, STAGES, Action, Activity, Update
from pophealth.delivery.listing import SORTS, page_of, sort_rows
from pophealth.delivery.rollup import Rollup, rollup
from pophealth.delivery.seed import BOARDS
from pophealth.delivery.tracker import TrackerRow, filter_rows, tracker_rows
from pophealth.delivery.resources import Resource, list_resources
from pophealth.delivery.risks import ScoredRisk, list_risks
from pophealth.delivery.updates import history, record_update
from pophealth.access.roles import User
from pophealth.errors import ConflictError, PermissionDenied
from pophealth.web.pages import Crumb, PageContext, Paged, render, warehouse, cached, Routes, page, paged, page_number
from pophealth.web.pages import action as route_action  # "action" is this module's action page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
TRACKER = Crumb(text="Delivery tracker", href="/delivery")
SOURCE = "Delivery tracker: actions from the LLR strategy documents; updates by action leads"
FILTERS = ("theme", "priority", "organisation", "rag", "lead", "overdue")
# The organisation whose plan an action belongs to (the board it reports to), per programme.
ORGANISATIONS = BOARDS


class Option(BaseModel):
    value: str
    text: str


class TrackerPage(PageContext, Paged):
    filters: dict[str, str]
    themes: list[Option]
    priorities: list[Option]
    organisations: list[Option]
    rags: list[str]
    sorts: list[Option]
    sort: str
    descending: bool
    rows: list[TrackerRow]  # this page's rows
    total: int  # every action in the tracker
    rollups: list[Rollup]
    period_id: str | None
    boards: list[str]


class FieldError(BaseModel):
    field: str
    message: str


class ResourceSummary(BaseModel):
    """Money recorded behind an action; without any, the seed's Y/N and source stay readable."""

    items: list[Resource]
    total_gbp: Decimal | None
    prevention_gbp: Decimal | None
    legacy: str | None  # "Y (source: ...)" from the seed 003 field, shown only when nothing is recorded


class ActionPage(PageContext):
    action: Action
    row: TrackerRow
    risks: list[ScoredRisk] = []
    resources: ResourceSummary | None = None
    activities: list[Activity]
    history: list[Update]
    period_id: str | None
    stages: list[str]
    rags: list[str]
    form: dict[str, str]
    errors: list[FieldError]
    may_edit: bool = False


class HighlightPage(PageContext):
    report: HighlightReport


# Every change to the tracker is in the change log, and overdue depends on today's date: the two
# together say when the tracker must be worked out again.
TRACKER_VERSION = "SELECT max(change_id), current_date FROM delivery_change"


def _tracker_state(request: Request):
    def build(con):
        return (tracker_rows(con), list_priorities(con), open_period_now(con),
                sorted({g.board for g in list_governance(con)}))

    return cached(request, "delivery_tracker", None, TRACKER_VERSION, build, size=4)


@page(routes, "/delivery", "delivery/tracker.jinja", role="analyst", name="delivery", reuse=True)
def tracker(request: Request) -> TrackerPage:
    """Filters, sort and page come from the query string, so the page works without JavaScript."""
    q = {k: request.query_params.get(k, "").strip() for k in FILTERS}
    sort = request.query_params.get("sort", "plan").strip()
    sort = sort if sort in SORTS else "plan"
    descending = request.query_params.get("dir", "") == "desc"
    rows, priorities, period, boards = _tracker_state(request)
    chosen = filter_rows(rows, theme=q["theme"] or None, priority=q["priority"] or None, rag=q["rag"] or None,
                         lead=q["lead"] or None, overdue={"yes": True, "no": False}.get(q["overdue"]),
                         programme=q["organisation"] or None)
    page = page_of(sort_rows(chosen, sort, descending), page_number(request.query_params.get("page", "")))
    kept = {**{k: v for k, v in q.items() if v}, **({"sort": sort} if sort != "plan" else {}),
            **({"dir": "desc"} if descending else {})}

    themes = list(dict.fromkeys(p.theme for p in priorities))
    return TrackerPage(
        title="Delivery tracker", breadcrumbs=[HOME], filters=q, themes=[Option(value=t, text=t) for t in themes],
        priorities=[Option(value=p.priority_id, text=p.name[:90]) for p in priorities],
        organisations=[Option(value=k, text=v) for k, v in ORGANISATIONS.items()], rags=[*RAGS, "Not rated"],
        sorts=[Option(value=k, text=v) for k, v in SORTS.items()], sort=sort, descending=descending,
        rows=page.rows, total=len(rows), **paged(page, lambda n: "/delivery?" + urlencode({**kept, "page": n})),
        rollups=rollup(chosen, "theme"), period_id=period and period.period_id, boards=boards, source=SOURCE)


def _action_page(request: Request, ref: str, form: dict[str, str] | None = None,
                 errors: list[FieldError] | None = None) -> ActionPage:
    action, activities, changes, period, risks, resources = _action_state(request, ref)
    row = next(r for r in _tracker_state(request)[0] if r.action.ref == ref)
    with warehouse(request) as con:
        page = ActionPage(
            title=f"Action {ref}", breadcrumbs=[HOME, TRACKER], action=action, row=row,
            activities=list(activities), history=list(changes), period_id=period and period.period_id,
            risks=list(risks), resources=resources,
            stages=list(STAGES), rags=list(RAGS), errors=errors or [], source=SOURCE,
            form=form or {"version": str(action.version), "stage": row.stage or "", "overall_rag": row.overall_rag or "",
                          "risk_rag": (row.latest and row.latest.risk_rag) or "", "trajectory_rag": row.trajectory_rag or "",
                          "narrative": "", "evidence": ""},
            may_edit=may_edit(request.state.user, action, con))
    return page


def _action_state(request: Request, ref: str) -> tuple:
    """One action's own records (the action, activities, change history, open period, scored risks, resources),
    cached like the tracker until a delivery change (or the date turning over). An unknown ref raises
    ``NotFoundError`` before anything is kept, so made-up refs never take a place in the cache."""
    def build(con):  # noqa: ANN001 - a warehouse cursor
        action = get_action(con, ref)
        return (action, tuple(list_activities(con, ref)), tuple(history(con, ref)), open_period_now(con),
                tuple(ScoredRisk.of(r) for r in list_risks(con, action_ref=ref)),
                _resources(list_resources(con, action_ref=ref), action))

    return cached(request, "delivery_action", ref, TRACKER_VERSION, build, size=256)


def _resources(items: list[Resource], action: Action) -> ResourceSummary:
    legacy = None
    if not items and (action.resources or action.resources_source):
        legacy = (action.resources or "Not recorded") + (f" (source: {action.resources_source})"
                                                          if action.resources_source else "")
    return ResourceSummary(items=items, total_gbp=sum((r.amount_gbp for r in items), Decimal(0)) if items else None,
                           prevention_gbp=sum((r.amount_gbp for r in items if r.prevention), Decimal(0)) if items else None,
                           legacy=legacy)


def may_edit(user: User, action, con=None) -> bool:  # noqa: ANN001 - a warehouse cursor
    """Action leads update their own actions (or ones with no lead named yet); admins any.

    The lead field names people as the delivery plan writes them; a user is that lead when their username or
    display name is one of those names, or (given the warehouse) when the register links their account to a
    person of that name."""
    if user.role == "admin":
        return True
    if user.role != "action_lead":
        return False
    named = lead_names(action.leads)
    if not named or _norm(user.username) in named or _norm(user.display_name) in named:
        return True
    if con is None:
        return False
    from pophealth.boards.store import person_for_username

    person = person_for_username(con, user.username)
    return person is not None and _norm(person.name) in named


_LEAD_SEPARATORS = re.compile(r"[;,/&\n]|\band\b", re.I)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def lead_names(leads: str | None) -> set[str]:
    """The people or bodies an action's lead field names, each whole (split at ; , / & "and" and line breaks).

    A user leads the action only when their username or display name IS one of them: matching by substring let
    a user called ``le`` update an action led by "... Leicester City Council"."""
    return {n for n in (_norm(part) for part in _LEAD_SEPARATORS.split(leads or "")) if n}


@page(routes, "/delivery/actions/{ref}", "delivery/action.jinja", role="analyst", name="delivery_action", reuse=True)
def action(request: Request, ref: str) -> ActionPage:
    return _action_page(request, ref)


FORM_FIELDS = {"stage": "Select the delivery stage", "overall_rag": "Select the overall RAG status",
               "risk_rag": "Select the highest risk or issue RAG", "trajectory_rag": "Select the improvement trajectory RAG",
               "narrative": "Enter a progress narrative"}


@route_action(routes, "/delivery/actions/{ref}/update", role="action_lead", response_class=HTMLResponse)
async def submit_update(request: Request, ref: str):
    """POST handler: the form is read here, the warehouse work runs in the thread pool (off the event loop)."""
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_update, request, ref, form)


def _submit_update(request: Request, ref: str, form: dict[str, str]):
    """Validate, record with the version the form was built on, or show errors."""
    user = request.state.user
    with warehouse(request) as con:
        if not may_edit(user, get_action(con, ref), con):
            raise PermissionDenied("Only the action's lead can update it")
    errors = [FieldError(field=f, message=m) for f, m in FORM_FIELDS.items() if not form.get(f)]
    if not errors:
        try:
            with warehouse(request) as con:
                record_update(con, ref, int(form.get("version") or 0), stage=form["stage"],
                              overall_rag=form["overall_rag"], risk_rag=form["risk_rag"],
                              trajectory_rag=form["trajectory_rag"], narrative=form["narrative"],
                              evidence=form.get("evidence") or None, editor=user.display_name)
            return RedirectResponse(f"/delivery/actions/{ref}?updated=1", status_code=303)
        except ValidationError as exc:
            errors = [FieldError(field=str(e["loc"][0]), message=FORM_FIELDS.get(str(e["loc"][0]), e["msg"]))
                      for e in exc.errors()]
        except ConflictError as exc:
            errors = [FieldError(field="narrative", message=exc.message)]
    page = _action_page(request, ref, form=form, errors=errors)
    page.title = f"Error: action {ref}"
    return render(request, "delivery/action.jinja", page, status_code=400)


@page(routes, "/delivery/highlight", "delivery/highlight.jinja", role="analyst", name="delivery_highlight", reuse=True)
def highlight(request: Request) -> HighlightPage:
    board = request.query_params.get("board", "").strip()
    boards = _tracker_state(request)[3]
    chosen = board or (boards[0] if boards else "")
    report = cached(request, "delivery_highlight", chosen, TRACKER_VERSION,
                    lambda con: highlight_report(con, chosen, as_of=date.today()), size=16)
    return HighlightPage(title=f"Highlight report: {report.board}", breadcrumbs=[HOME, TRACKER], report=report,
                         source=SOURCE)


def register(app: FastAPI) -> None:
    routes.register(app)

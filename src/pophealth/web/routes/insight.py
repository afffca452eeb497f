"""Staff pages of engagement and insight: every record, a priority's insight, the gap map, and the entry form.

Staff (analysts and up) read every record, published or not, whatever the number of people; only action
leads and admins enter records. A saved record is on the insight change log and, for web entries, the
audit log. What the public sees is decided elsewhere (``pophealth.insight.public``), never here.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from pophealth.access.audit import record_access
from pophealth.access.roles import allowed
from pophealth.errors import NotFoundError
from pophealth.insight.gaps import gap_map
from pophealth.insight.models import COLUMNS, PLACES, check_insight
from pophealth.insight.public import publishable
from pophealth.insight.store import insight_for_priorities, list_insights, save_insights
from pophealth.strategy.models import Observation, Strategy
from pophealth.strategy.priorities import priority_index
from pophealth.web.pages import Crumb, PageContext, render, warehouse, Routes, action, page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
INSIGHT = Crumb(text="Engagement and insight", href="/insight")
SOURCE = "Insight records entered by staff or imported from insight files, and those of the strategy documents"


class InsightItem(BaseModel):
    """One record as staff see it, with whether the public pages may show it and why not."""

    id: str
    source: str
    source_section: str | None
    date: str | None
    method: str
    people: int | None
    group: str | None
    place: str | None
    themes: list[str]
    summary: str
    quotes: list[str]
    quotes_consent: bool | None
    published: bool
    public: bool  # published AND passes disclosure control
    priorities: list[str]
    actions: list[str]


class PriorityLink(BaseModel):
    ref: str
    name: str
    href: str


class GapRow(BaseModel):
    ref: str
    name: str
    kind: str
    href: str
    records: int
    plus_groups_heard: list[str]
    gaps: list[str]


class InsightListPage(PageContext):
    records: list[InsightItem]
    may_enter: bool
    saved: str | None = None


class GapMapPage(PageContext):
    rows: list[GapRow]
    without_insight: int
    without_plus_group: int


class ActionText(BaseModel):
    id: str
    text: str


class PriorityInsightPage(PageContext):
    ref: str
    name: str
    kind: str
    actions: list[ActionText]
    records: list[InsightItem]
    gaps: list[str]
    observations: list[Observation]
    public_href: str | None  # the public "You said, we did" page, when it has something to show


class Option(BaseModel):
    value: str
    text: str


class FieldError(BaseModel):
    field: str
    message: str


class InsightFormPage(PageContext):
    form: dict[str, str]
    errors: list[FieldError]
    places: list[str]
    plus_groups: list[Option]
    priorities: list[Option]


def _strategy(request: Request) -> Strategy:
    return request.app.state.strategy


def priority_href(ref: str) -> str:
    kind, ident = ref.split(":", 1)
    return f"/insight/priorities/{kind}/{ident}"


def item(record) -> InsightItem:  # noqa: ANN001 - an insight.models.Insight
    data = asdict(record)
    return InsightItem(**{k: list(v) if isinstance(v, tuple) else v for k, v in data.items()},
                       public=publishable(record))


@page(routes, "/insight", "insight/list.jinja", role="analyst", name="insight")
def insight_list(request: Request) -> InsightListPage:
    with warehouse(request) as con:
        records = list_insights(con)
    saved = request.query_params.get("saved")
    return InsightListPage(title="Engagement and insight", breadcrumbs=[HOME], records=[item(r) for r in records],
                           may_enter=allowed(request.state.user, "action_lead"),
                           saved=saved if saved and any(r.id == saved for r in records) else None, source=SOURCE)


@page(routes, "/insight/gaps", "insight/gaps.jinja", role="analyst", name="insight_gaps")
def gaps(request: Request) -> GapMapPage:
    s = _strategy(request)
    with warehouse(request) as con:
        rows = gap_map(s, list_insights(con))
    return GapMapPage(
        title="Gaps in our insight", breadcrumbs=[HOME, INSIGHT], source=SOURCE,
        rows=[GapRow(ref=r.ref, name=r.name, kind=r.kind_label, href=priority_href(r.ref), records=r.records,
                     plus_groups_heard=list(r.plus_groups_heard), gaps=r.gaps) for r in rows],
        without_insight=sum(r.records == 0 for r in rows),
        without_plus_group=sum(not r.plus_groups_heard for r in rows))


@page(routes, "/insight/priorities/{kind}/{slug}", "insight/priority.jinja", role="analyst", name="insight_priority")
def priority_insight(request: Request, kind: str, slug: str) -> PriorityInsightPage:
    s = _strategy(request)
    ref = f"{kind}:{slug}"
    found = priority_index(s).get(ref)
    if found is None:
        raise NotFoundError(f"There is no priority {ref!r}")
    with warehouse(request) as con:
        records = insight_for_priorities(con, [ref])
    row = next(r for r in gap_map(s, records) if r.ref == ref)
    public = any(publishable(r) for r in records)
    return PriorityInsightPage(
        title=f"What people have told us: {found.name}", breadcrumbs=[HOME, INSIGHT], source=SOURCE, ref=ref,
        name=found.name, kind=found.kind_label, actions=[ActionText(id=a.ref, text=a.text) for a in found.actions],
        records=[item(r) for r in records], gaps=row.gaps,
        observations=[o for o in s.observations if o.priority == ref],
        public_href=f"you-said-we-did/{kind}/{slug.lower()}.html" if public else None)


def _form_page(request: Request, form: dict[str, str], errors: list[FieldError]) -> InsightFormPage:
    s = _strategy(request)
    return InsightFormPage(
        title="Add an insight record" if not errors else "Error: add an insight record",
        breadcrumbs=[HOME, INSIGHT], form=form, errors=errors, places=list(PLACES), source=SOURCE,
        plus_groups=[Option(value=f"plus:{g.id}", text=g.name) for g in s.leicester.plus_groups],
        priorities=[Option(value=p.ref, text=f"{p.name} ({p.kind_label})") for p in priority_index(s).values()])


@page(routes, "/insight/new", "insight/new.jinja", role="action_lead", name="insight_new")
def new_insight(request: Request) -> InsightFormPage:
    return _form_page(request, {"published": "no"}, [])


@action(routes, "/insight/new", role="action_lead", response_class=HTMLResponse)
async def submit_insight(request: Request):
    """POST handler: the form is read here; checks and the warehouse work run in the thread pool."""
    raw = await request.form()
    form = {k: str(v).strip() for k, v in raw.items() if k in COLUMNS}
    chosen = [str(v) for v in raw.getlist("priority")]
    if chosen:
        form["priorities"] = ";".join(chosen)
    return await run_in_threadpool(_submit_insight, request, form)


def _submit_insight(request: Request, form: dict[str, str]):
    user = request.state.user
    checked = check_insight(_strategy(request), form)
    if checked.insight is None:
        errors = [FieldError(field=column, message=f"{column}: expected {message}")
                  for column, message in checked.problems]
        page = _form_page(request, form, errors)
        return render(request, "insight/new.jinja", page, status_code=400)
    with warehouse(request) as con:
        save_insights(con, [checked.insight], by=user.display_name, origin="web")
        record_access(con, user, method="POST", route="/insight/new", scope=f"insight:{checked.insight.id}"[:200],
                      detail="insight record saved")
    return RedirectResponse(f"/insight?saved={checked.insight.id}", status_code=303)


def register(app: FastAPI) -> None:
    routes.register(app)

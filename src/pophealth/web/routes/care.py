"""Care-team pages: my worklists, one worklist (with filters), a person. The worklist's CSV download and
recording an outcome are ``web.routes.care_actions``.

Only the care_team role reaches these (declared per route, enforced centrally). Scope is part of
authorisation: everything is read through the user's practice or PCN, and a person outside it gets
the same 404 as a person who does not exist. Every read is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from pophealth.cache import WouldWork, answers_only, refuse_work
from pophealth.care.identity_store import Identity
from pophealth.care.outcomes import OUTCOMES, Outcome
from pophealth.care.results import Runs, scope_part
from pophealth.care.scope import NOT_FOUND, CareScope
from pophealth.care.summary import PersonSummary, person_summary
from pophealth.care.worklists import (SORTS, WORKLISTS, Record, Worklist, WorklistRow, get_worklist, identified,
                                      to_rows)
from pophealth.errors import NotFoundError
from pophealth.geography.reference import practices as gp_practices
from pophealth.paging import Window, window
from pophealth.web.holes import Holed, hole
from pophealth.web.pages import (Crumb, PageContext, Paged, warehouse, Routes, page,
                                 paged, page_number, whole_number)
from pophealth.web.reuse import holed_page, view_values
from pophealth.web.routes.care_requests import (SOURCE, SOURCE_NO_RUN, audit_view, database_of, identified_view,
                                               identified_view_soon, outcomes_of,
                                               identity_store_of, no_run_of, runs_of, scope_of, selection_of, source_of)

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
CARE = Crumb(text="My worklists", href="/care")
IDENTIFIER_LABEL = "Record identifier"
# The practice-system import layout (docs/methods/care-team-views.md): one NHS number per line, ten digits,
# no spaces, no header, CRLF line ends.
IMPORT_LAYOUT = "nhs-numbers"
# People per page of a worklist: a page a care team works through at a sitting; identifiers are read, shown
# and logged for that page's people only (the CSV download is the whole list, and is logged as such).
WORKLIST_PAGE_SIZE = 50
# Worklist pages kept rendered with holes (``_worklist_html``): about 2.5 kB a person, so 140 kB or so a page at most.
WORKLIST_PAGES_KEPT = 256


class WorklistLink(BaseModel):
    name: str
    title: str
    description: str
    count: int | None  # None when the list's risk run is missing
    href: str


@functools.cache
def scope_label(scope: CareScope) -> str:
    """The scope as a care team reads it: their practice or PCN by name and code ("Syston Health Centre
    (C82071)"), not the ``practice:C82071`` the audit log records. A code not among the shipped practices
    is shown as it is."""
    gp = gp_practices()
    names = gp.set_index("practice_code").practice_name if scope.kind == "practice" else \
        gp.drop_duplicates("pcn_code").set_index("pcn_code").pcn_name
    name = names.get(scope.code)
    kind = "practice" if scope.kind == "practice" else "primary care network"
    return f"{name} ({scope.code})" if isinstance(name, str) and name else f"{kind} {scope.code}"


class CareHome(PageContext):
    scope: str
    scope_label: str
    as_of: str | None
    no_run: str | None = None  # why nothing can be listed (no PHM run yet)
    worklists: list[WorklistLink]


class WorklistPage(PageContext, Paged):
    name: str
    description: str
    scope: str
    scope_label: str
    as_of: str | None
    no_run: str | None = None  # no PHM run, or no risk run for this list
    identifier_label: str = IDENTIFIER_LABEL
    headings: list[str]
    rows: list[WorklistRow]  # this page's people (``WORKLIST_PAGE_SIZE`` at most)
    rows_html: str = Field(default="", exclude=True)  # their table rows with holes (``_worklist_html``)
    filters: dict[str, str]
    practices: list[str]
    sorts: dict[str, str]
    outcomes: dict[str, str]
    csv_href: str
    import_href: str
    risk_note: str | None = None
    recorded: str | None = None  # confirmation after recording an outcome


class PersonPage(PageContext):
    identifier_label: str = IDENTIFIER_LABEL
    person: PersonSummary


def _care_home_counts(request: Request, scope: CareScope) -> CareHome:
    """The counts of the scope's worklists (from the cached selections); the view is not audited here."""
    with warehouse(request, on_use=True) as con:
        runs = runs_of(request, con)
        counts = {w.name: len(selection_of(request, con, runs, scope, w)) for w in WORKLISTS.values()
                  if not w.unavailable(runs)} if runs else {}
        why_none = None if runs else no_run_of(request, con)
    links = [WorklistLink(name=w.name, title=w.title, description=w.description, count=counts.get(w.name),
                          href=f"/care/worklists/{w.name}") for w in WORKLISTS.values()]
    return CareHome(title="My worklists", breadcrumbs=[HOME], scope=str(scope), scope_label=scope_label(scope),
                    worklists=links,
                    as_of=str(runs.index_date) if runs else None, no_run=why_none,
                    source=source_of(runs))


def _care_home_audit(context: CareHome) -> str:
    return "worklist counts" if context.as_of else "worklist counts; no PHM run"


def _care_home(request: Request) -> CareHome:
    """The counts of the scope's worklists, with the view audited."""
    scope = scope_of(request)
    context = _care_home_counts(request, scope)
    audit_view(request, None, scope, detail=_care_home_audit(context))
    return context


def _care_home_layout(request: Request, linked: Callable[[CareHome], CareHome], context: CareHome) -> Holed:
    """Rendered once for everyone of the same scope until the counts change, with holes for the visitor's name
    and form token (``web.holes``)."""
    key = (database_of(request), context.model_dump_json(), request.state.user.scope, request.url.query)
    return request.app.state.cache.get("care home page", key, None,
                                       lambda: holed_page(request, "care/home.jinja", linked(context)), size=64)


def _care_home_now(request: Request, linked: Callable[[CareHome], CareHome]) -> HTMLResponse:
    context = _care_home(request)
    return HTMLResponse(_care_home_layout(request, linked, context).fill(view_values(request)))


async def _care_home_html(request: Request, linked: Callable[[CareHome], CareHome]) -> HTMLResponse:
    """The page for a browser, audited every time. Answered on the event loop when the counts and the page are
    at hand (``cache.answers_only``), the audit row awaited from the view log; else on a thread."""
    scope = scope_of(request)
    try:
        with answers_only():
            context = _care_home_counts(request, scope)
            holed = _care_home_layout(request, linked, context)
    except WouldWork:
        return await run_in_threadpool(_care_home_now, request, linked)
    await identified_view_soon(request, scope, None, _care_home_audit(context))
    return HTMLResponse(holed.fill(view_values(request)))


@page(routes, "/care", "care/home.jinja", role="care_team", name="care", html=_care_home_html)
def care_home(request: Request) -> CareHome:
    return _care_home(request)


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in ("practice", "min_age", "max_age", "sort")}


def _practices(people: pd.DataFrame) -> list[str]:
    """The practices of a scope's people (the practice filter's choices)."""
    return sorted(people["practice_code"].dropna().unique().tolist()) if not people.empty else []


def chosen_of(request: Request, con, scope: CareScope, name: str):
    """The worklist, the filters, the chosen people (empty without the runs it needs), practices, runs and
    the reason nothing can be listed (or None)."""
    worklist = get_worklist(name)
    q = _filters(request)
    runs = runs_of(request, con)
    practices = scope_part(con, runs, scope, ("practices",), _practices, database=database_of(request),
                           cache=request.app.state.cache) if runs else []
    if runs and q["practice"] and q["practice"] not in practices:
        # a refused filter is an attempt to read outside the scope: audited like a refused person read
        audit_view(request, con, scope, detail=f"worklist {worklist.name} refused; practice filter "
                                           f"{q['practice'][:20]!r} outside scope")
        raise NotFoundError("No practice with that code in your practice or PCN")
    why = worklist.unavailable(runs) if runs else no_run_of(request, con)
    chosen = [] if why else selection_of(request, con, runs, scope, worklist,
                                                       practice=q["practice"] or None, min_age=whole_number(q["min_age"]),
                                                       max_age=whole_number(q["max_age"]), sort=q["sort"] or None)
    return worklist, q, chosen, practices, runs, why


def _risk_note(runs: Runs | None, needs: str | None) -> str | None:
    run = getattr(runs, needs) if runs and needs else None
    if run is None:
        return None
    on = run.score_date
    end = on + dt.timedelta(days=365)
    note = (f"Risk scored at {on} on records to that date, predicting the 12 months to {end}. The model was "
            f"{run.training_window}.")
    if end < runs.index_date:
        note += f" That period ended before the population health run's date ({runs.index_date}): re-run the risk models."
    elif on < runs.index_date:
        note += (f" The scores are from before the population health run's date ({runs.index_date}): re-run the "
                 f"risk models (`pophealth phm risk train`) to score at it.")
    return note


@dataclass
class _WorklistView:
    """One view of a worklist page: what was chosen and shown (its audit row and disclosure log are written)."""

    worklist: Worklist
    q: dict[str, str]
    chosen: list[Record]
    practices: list[str]
    runs: Runs | None
    why: str | None
    part: Window
    people: list[Record]  # the page's people
    known: dict[int, Identity]  # their identities, read for this view
    done: dict[int, Outcome]  # their latest outcomes

    @functools.cached_property
    def rows(self) -> list[WorklistRow]:
        """The page's display rows (the JSON twin, and the layout when it is rendered; a browser's view fills
        the layout's holes straight from ``people``, ``known`` and ``done``)."""
        return to_rows(self.people, self.worklist, identify=True, identities=self.known, outcomes=self.done)


def _worklist_choice(request: Request, scope: CareScope, name: str) -> _WorklistView:
    """Choose the list, its page and the page's outcomes; the identities are read when the view is logged."""
    with warehouse(request, on_use=True) as con:
        worklist, q, chosen, practices, runs, why = chosen_of(request, con, scope, name)
        part = window(len(chosen), page_number(request.query_params.get("page", "")), WORKLIST_PAGE_SIZE)
        people = chosen[part.start:part.stop]
        ids = [int(r["person_id"]) for r in people]
        done = outcomes_of(request, con, runs, scope, ids) if runs and ids else {}
    return _WorklistView(worklist, q, chosen, practices, runs, why, part, people, {}, done)


def _worklist_logged(view: _WorklistView) -> tuple[list[int], str]:
    """The people whose identities a view reads and shows, and its audit row's detail."""
    part = view.part
    return [int(r["person_id"]) for r in view.people], (
        f"worklist {view.worklist.name}; {len(view.chosen)} rows; page {part.number} of {part.pages}, rows "
        f"{part.first} to {part.last}" + (f"; {view.why}" if view.why else ""))


def _worklist_view(request: Request, name: str) -> _WorklistView:
    """Choose the list and its page, read the page's identities and outcomes, and audit the view."""
    scope = scope_of(request)
    view = _worklist_choice(request, scope, name)
    view.known = identified_view(request, scope, *_worklist_logged(view))
    return view


def _worklist_context(request: Request, view: _WorklistView, rows_html: str = "") -> WorklistPage:
    worklist, q, practices, runs, why, part = view.worklist, view.q, view.practices, view.runs, view.why, view.part
    query = urlencode({k: v for k, v in q.items() if v})
    base = f"/care/worklists/{worklist.name}?"
    recorded = request.query_params.get("recorded", "")
    return WorklistPage(
        title=worklist.title, breadcrumbs=[HOME, CARE], name=worklist.name, description=worklist.description,
        scope=str(scope_of(request)), scope_label=scope_label(scope_of(request)), as_of=str(runs.index_date) if runs else None, no_run=why,
        headings=[h for h, _ in worklist.columns], rows=view.rows, filters=q,
        **paged(part, lambda n: base + urlencode({**{k: v for k, v in q.items() if v}, "page": n})),
        practices=practices, sorts={k: v[0] for k, v in SORTS.items()}, outcomes=OUTCOMES,
        csv_href=f"/care/worklists/{worklist.name}/csv" + (f"?{query}" if query else ""),
        import_href=f"/care/worklists/{worklist.name}/csv?" + urlencode({**{k: v for k, v in q.items() if v},
                                                                          "layout": IMPORT_LAYOUT}),
        risk_note=_risk_note(runs, worklist.needs), rows_html=rows_html,
        recorded="Outcome recorded." if recorded == "1" else None, source=source_of(runs))


def _worklist_layout(request: Request, linked: Callable[[WorklistPage], WorklistPage], view: _WorklistView) -> Holed:
    """The worklist page rendered once per page of the list for everyone of the same scope (kept until the runs
    change), with holes for each view's names, NHS numbers, dates of birth, outcomes, the visitor's name, form
    token and return address (``web.holes``). Its rows are drawn as holes: the page holds no one's identity."""
    def layout() -> Holed:
        rows_html = request.app.state.jinja.get_template("care/worklist_rows.jinja").render(
            rows=view.rows, name=view.worklist.name, headings=[h for h, _ in view.worklist.columns],
            outcomes=OUTCOMES, hole=hole)
        return holed_page(request, "care/worklist.jinja", linked(_worklist_context(request, view, rows_html)))

    if not view.runs:
        refuse_work("worklist page without runs")
        return layout()
    key = (database_of(request), view.runs, request.state.user.scope, request.url.path, request.url.query)
    return request.app.state.cache.get("care worklist page", key, None, layout, size=WORKLIST_PAGES_KEPT)


def _worklist_now(request: Request, linked: Callable[[WorklistPage], WorklistPage], name: str) -> HTMLResponse:
    view = _worklist_view(request, name)
    return HTMLResponse(_worklist_layout(request, linked, view).fill(_worklist_values(request, view)))


async def _worklist_html(request: Request, linked: Callable[[WorklistPage], WorklistPage], name: str) -> HTMLResponse:
    """The worklist page for a browser (``_worklist_layout``), its holes filled per view. Rendering was most of
    a care-team view's cost; the view itself (identities read, audit row, disclosure log) is never kept.
    Answered on the event loop when the list and its page are at hand (``cache.answers_only``), the view's
    identities and log awaited from the view log; else on a thread."""
    scope = scope_of(request)
    try:
        with answers_only():
            view = _worklist_choice(request, scope, name)
            holed = _worklist_layout(request, linked, view)
    except WouldWork:
        return await run_in_threadpool(_worklist_now, request, linked, name)
    view.known = await identified_view_soon(request, scope, *_worklist_logged(view))
    return HTMLResponse(holed.fill(_worklist_values(request, view)))


def _worklist_values(request: Request, view: _WorklistView) -> dict:
    """The values of one view's holes."""
    values = view_values(request) | {("back", None): f"?{request.url.query}" if request.url.query else ""}
    for r in view.people:  # the rows' own fields (``identified``), without building the rows
        pid, display = int(r["person_id"]), str(r["identifier"])
        shown = identified(pid, view.known, view.done)
        values |= {("label", pid): shown["name"] or f"{IDENTIFIER_LABEL} {display}",
                   ("nhs_number", pid): shown["nhs_number"] or "Not held",
                   ("birth_date", pid): str(shown["birth_date"]) if shown["birth_date"] else "Not held",
                   ("outcome", pid): shown["outcome"] or "None recorded",
                   ("short_name", pid): shown["name"] or display}
    return values


@page(routes, "/care/worklists/{name}", "care/worklist.jinja", role="care_team", name="care_worklist",
      html=_worklist_html)
def worklist_page(request: Request, name: str) -> WorklistPage:
    """The worklist page's context (its JSON twin; the browser's page is ``_worklist_html``)."""
    return _worklist_context(request, _worklist_view(request, name))


@page(routes, "/care/people/{person_id}", "care/person.jinja", role="care_team", name="care_person")
def person_page(request: Request, person_id: str) -> PersonPage:
    scope = scope_of(request)
    with warehouse(request) as con:
        pid = whole_number(person_id)  # "²" or a number past 64 bits is no id
        if pid is None:
            audit_view(request, con, scope, detail="person not found or outside scope")
            raise NotFoundError(NOT_FOUND)
        try:
            runs = runs_of(request, con)
            person = person_summary(con, scope, pid, runs, identity_store_of(request), database=database_of(request),
                                    cache=request.app.state.cache)
            if runs is None:  # no run, or one of another population: say which, show none of its results
                person = person.model_copy(update={"phm_note": no_run_of(request, con)})
        except NotFoundError:
            audit_view(request, con, scope, person_id=pid, detail="person not found or outside scope")
            raise
        identified_view(request, scope, [pid] if person.nhs_number else [], "person summary", person_id=pid)
    title = f"Person summary: {person.name}, NHS number {person.nhs_number}" if person.nhs_number else \
        f"Person summary: {IDENTIFIER_LABEL.lower()} {person.identifier}"
    return PersonPage(title=title, breadcrumbs=[HOME, CARE],
                      person=person, source=SOURCE.format(run=person.phm.run_id, as_of=person.as_of) if person.phm
                      else SOURCE_NO_RUN)


def register(app: FastAPI) -> None:
    routes.register(app)

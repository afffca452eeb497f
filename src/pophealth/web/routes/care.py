"""Care-team pages: my worklists, one worklist (with filters and an audited CSV download), a person.

Only the care_team role reaches these (declared per route, enforced centrally). Scope is part of
authorisation: everything is read through the user's practice or PCN, and a person outside it gets
the same 404 as a person who does not exist. Every read is written to the audit log.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from pophealth.access.audit import record_access
from pophealth.cells import csv_row
from pophealth.care.results import NO_PHM_RUN, Runs, latest_runs, scope_people
from pophealth.care.scope import NOT_FOUND, CareScope
from pophealth.care.summary import PersonSummary, person_summary
from pophealth.care.worklists import WORKLISTS, WorklistRow, get_worklist, select, to_rows
from pophealth.errors import NotFoundError
from pophealth.web.pages import Crumb, PageContext, add_page, declare_route, warehouse

HOME = Crumb(text="Home", href="/")
CARE = Crumb(text="My worklists", href="/care")
SOURCE = ("Population health run {run} (index date {as_of}) and the latest risk model runs, from the "
          "patient-level records in the warehouse; every view is audited")
SOURCE_NO_RUN = "Patient-level records in the warehouse (OMOP CDM); every view is audited"
IDENTIFIER_LABEL = "Record identifier"


class WorklistLink(BaseModel):
    name: str
    title: str
    description: str
    count: int | None  # None when the list's risk run is missing
    href: str


class CareHome(PageContext):
    scope: str
    as_of: str | None
    no_run: str | None = None  # why nothing can be listed (no PHM run yet)
    worklists: list[WorklistLink]


class WorklistPage(PageContext):
    name: str
    description: str
    scope: str
    as_of: str | None
    no_run: str | None = None  # no PHM run, or no risk run for this list
    identifier_label: str = IDENTIFIER_LABEL
    headings: list[str]
    rows: list[WorklistRow]
    filters: dict[str, str]
    practices: list[str]
    csv_href: str


class PersonPage(PageContext):
    identifier_label: str = IDENTIFIER_LABEL
    person: PersonSummary


def _scope(request: Request) -> CareScope:
    return CareScope.parse(request.state.user.scope)


def _audit(request: Request, con, scope: CareScope, *, person_id: int | None = None, detail: str | None = None) -> None:
    record_access(con, request.state.user, method=request.method, route=request.url.path, person_id=person_id,
                  scope=str(scope), detail=detail)


def _source(runs: Runs | None) -> str:
    return SOURCE.format(run=runs.phm_run, as_of=runs.index_date) if runs else SOURCE_NO_RUN


def care_home(request: Request) -> CareHome:
    scope = _scope(request)
    with warehouse(request) as con:
        runs = latest_runs(con)
        people = scope_people(con, runs, scope) if runs else None
        _audit(request, con, scope, detail="worklist counts" if runs else "worklist counts; no PHM run")
    links = [WorklistLink(name=w.name, title=w.title, description=w.description,
                          count=None if people is None or w.unavailable(runs) else len(select(people, w)),
                          href=f"/care/worklists/{w.name}") for w in WORKLISTS.values()]
    return CareHome(title="My worklists", breadcrumbs=[HOME], scope=str(scope), worklists=links,
                    as_of=str(runs.index_date) if runs else None, no_run=None if runs else NO_PHM_RUN,
                    source=_source(runs))


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip() for k in ("practice", "min_age", "max_age")}


def _age(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _chosen(request: Request, con, scope: CareScope, name: str):
    """The worklist, the filters, the chosen people (empty without the runs it needs), practices, runs and
    the reason nothing can be listed (or None)."""
    worklist = get_worklist(name)
    q = _filters(request)
    runs = latest_runs(con)
    people = scope_people(con, runs, scope) if runs else pd.DataFrame()
    practices = sorted(people["practice_code"].dropna().unique().tolist()) if not people.empty else []
    if runs and q["practice"] and q["practice"] not in practices:
        # a refused filter is an attempt to read outside the scope: audited like a refused person read
        _audit(request, con, scope, detail=f"worklist {worklist.name} refused; practice filter "
                                           f"{q['practice'][:20]!r} outside scope")
        raise NotFoundError("No practice with that code in your practice or PCN")
    why = worklist.unavailable(runs) if runs else NO_PHM_RUN
    chosen = pd.DataFrame() if why else select(people, worklist, practice=q["practice"] or None,
                                                   min_age=_age(q["min_age"]), max_age=_age(q["max_age"]))
    return worklist, q, chosen, practices, runs, why


def worklist_page(request: Request, name: str) -> WorklistPage:
    scope = _scope(request)
    with warehouse(request) as con:
        worklist, q, chosen, practices, runs, why = _chosen(request, con, scope, name)
        _audit(request, con, scope, detail=f"worklist {worklist.name}; {len(chosen)} rows" + (f"; {why}" if why else ""))
    query = urlencode({k: v for k, v in q.items() if v})
    return WorklistPage(
        title=worklist.title, breadcrumbs=[HOME, CARE], name=worklist.name, description=worklist.description,
        scope=str(scope), as_of=str(runs.index_date) if runs else None, no_run=why,
        headings=[h for h, _ in worklist.columns], rows=to_rows(chosen, worklist, identify=True), filters=q,
        practices=practices, csv_href=f"/care/worklists/{worklist.name}/csv" + (f"?{query}" if query else ""),
        source=_source(runs))


def worklist_csv(request: Request, name: str) -> Response:
    scope = _scope(request)
    with warehouse(request) as con:
        worklist, _, chosen, _, _, why = _chosen(request, con, scope, name)
        if why:
            _audit(request, con, scope, detail=f"worklist {worklist.name} CSV download refused; {why}")
            raise NotFoundError(why)
        _audit(request, con, scope, detail=f"worklist {worklist.name} CSV download; {len(chosen)} rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_row([IDENTIFIER_LABEL, "Age", "Sex", "Practice", "IMD decile", *(h for h, _ in worklist.columns)]))
    for row in to_rows(chosen, worklist, identify=True):
        writer.writerow(csv_row([row.display_id, row.age, row.sex, row.practice_code, row.imd_decile or "", *row.values]))
    return Response(buffer.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": f"attachment; filename={worklist.name}-{scope.code}.csv", "Cache-Control": "no-store"})


def person_page(request: Request, person_id: str) -> PersonPage:
    scope = _scope(request)
    with warehouse(request) as con:
        if not (person_id.isascii() and person_id.isdigit() and int(person_id) < 2 ** 63):  # "²", 2**64: not ids
            _audit(request, con, scope, detail="person not found or outside scope")
            raise NotFoundError(NOT_FOUND)
        pid = int(person_id)
        try:
            person = person_summary(con, scope, pid, latest_runs(con))
        except NotFoundError:
            _audit(request, con, scope, person_id=pid, detail="person not found or outside scope")
            raise
        _audit(request, con, scope, person_id=pid, detail="person summary")
    return PersonPage(title=f"Person summary: {IDENTIFIER_LABEL.lower()} {person.identifier}", breadcrumbs=[HOME, CARE],
                      person=person, source=SOURCE.format(run=person.phm.run_id, as_of=person.as_of) if person.phm
                      else SOURCE_NO_RUN)


def register(app: FastAPI) -> None:
    add_page(app, "/care", "care/home.jinja", care_home, role="care_team", name="care")
    add_page(app, "/care/worklists/{name}", "care/worklist.jinja", worklist_page, role="care_team", name="care_worklist")
    app.add_api_route("/care/worklists/{name}/csv", worklist_csv, methods=["GET"], include_in_schema=False)
    declare_route(app, "/care/worklists/{name}/csv", ("GET",), "care_team")
    add_page(app, "/care/people/{person_id}", "care/person.jinja", person_page, role="care_team", name="care_person")

"""Care-team actions on a worklist: the audited CSV download (the whole list, or NHS numbers for a
practice-system search) and recording an outcome for one person on it.

Split from the pages (``web.routes.care``) they act on: same role, same scope rule (a person outside the
user's practice or PCN is not found), and every download and outcome is written to the audit log.
"""

from __future__ import annotations

import csv
import io
import re

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from pophealth.care.outcomes import OUTCOMES, record_outcome
from pophealth.care.scope import NOT_FOUND, require_in_scope
from pophealth.care.worklists import get_worklist, to_rows
from pophealth.cells import csv_row
from pophealth.errors import NotFoundError
from pophealth.web.pages import Routes, action, warehouse, whole_number
from pophealth.web.routes.care import IDENTIFIER_LABEL, IMPORT_LAYOUT, chosen_of
from pophealth.web.routes.care_requests import audit_view, identified_view, outcomes_of, runs_of, scope_of

routes = Routes()  # this module's actions, added to the app by register()

SAFE_QUERY = re.compile(r"\?[A-Za-z0-9=&_%+.\-]*")


@action(routes, "/care/worklists/{name}/csv", role="care_team", methods=("GET",))
def worklist_csv(request: Request, name: str) -> Response:
    scope = scope_of(request)
    with warehouse(request) as con:
        worklist, _, chosen, _, runs, why = chosen_of(request, con, scope, name)
        if why:
            audit_view(request, con, scope, detail=f"worklist {worklist.name} CSV download refused; {why}")
            raise NotFoundError(why)
        layout = request.query_params.get("layout", "")
        ids = [int(r["person_id"]) for r in chosen]
        done = outcomes_of(request, con, runs, scope, ids) if runs and ids else {}
        known = identified_view(request, scope, ids, f"worklist {worklist.name} CSV download ({layout or 'full'}); "
                                f"{len(chosen)} rows")
        rows = to_rows(chosen, worklist, identify=True, identities=known, outcomes=done)
    buffer = io.StringIO()
    # Names and values are data, never formulas: every cell goes through the formula guard.
    if layout == IMPORT_LAYOUT:  # the practice-system import list: NHS numbers only, one per line
        buffer.write("".join(f"{r.nhs_number.replace(' ', '')}\r\n" for r in rows if r.nhs_number))
        filename = f"{worklist.name}-{scope.code}-nhs-numbers.csv"
    else:
        writer = csv.writer(buffer)
        writer.writerow(csv_row(["NHS number", "Name", "Date of birth", IDENTIFIER_LABEL, "Age", "Sex", "Practice",
                                 "IMD decile", *(h for h, _ in worklist.columns), "Latest outcome"]))
        for row in rows:
            writer.writerow(csv_row([(row.nhs_number or "").replace(" ", ""), row.name or "", row.birth_date or "",
                                     row.display_id, row.age, row.sex, row.practice_code, row.imd_decile or "",
                                     *row.values, row.outcome or ""]))
        filename = f"{worklist.name}-{scope.code}.csv"
    return Response(buffer.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"})


@action(routes, "/care/worklists/{name}/outcome", role="care_team")
async def outcome_submit(request: Request, name: str) -> Response:
    """POST: the form is read here; the warehouse work runs in the thread pool (off the event loop)."""
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_record_outcome, request, name, form)


def _record_outcome(request: Request, name: str, form: dict[str, str]) -> Response:
    """Record an outcome for one person on a worklist (in scope), audit it, and go back to the list."""
    scope = scope_of(request)
    worklist = get_worklist(name)
    back = form.get("back", "")
    with warehouse(request) as con:
        pid_text, outcome = form.get("person_id", ""), form.get("outcome", "")
        pid = whole_number(pid_text)
        if pid is None:
            audit_view(request, con, scope, detail="outcome refused: person not found or outside scope")
            raise NotFoundError(NOT_FOUND)
        try:
            require_in_scope(con, scope, pid)
        except NotFoundError:
            audit_view(request, con, scope, person_id=pid, detail="outcome refused: person not found or outside scope")
            raise
        if outcome not in OUTCOMES:
            raise NotFoundError(f"No outcome called {outcome!r}")
        runs = runs_of(request, con)
        record_outcome(con, person_id=pid, worklist=worklist.name, outcome=outcome,
                       username=request.state.user.username, phm_run_id=runs.phm_run if runs else None)
        audit_view(request, con, scope, person_id=pid, detail=f"outcome {outcome} recorded on worklist {worklist.name}")
    # back to the same filters and sort: a query string of plain characters only, without an earlier "recorded"
    query = back if SAFE_QUERY.fullmatch(back) else ""
    query = "&".join(p for p in query.lstrip("?").split("&") if p and not p.startswith("recorded="))
    query, sep = (f"?{query}", "&") if query else ("", "?")
    return RedirectResponse(f"/care/worklists/{worklist.name}{query}{sep}recorded=1", status_code=303)


def register(app: FastAPI) -> None:
    routes.register(app)

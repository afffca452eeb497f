"""The IG lead's audit search: filter by user, person (person id, or NHS number for the admin role), route
and date range; export the matches; see each account's latest session and last patient-level read.

Admin only. Searching is itself audited. NHS numbers are never displayed here: one typed in the search is
resolved to the pseudonymous person id through the identity store, and the views that showed that person's
identifiers are listed from the disclosure log by time, user and route.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from pophealth.cells import csv_row
from pophealth.access.audit import record_access
from pophealth.access.audit_search import AuditQuery, last_activity, search_audit
from pophealth.care.identity_store import disclosures, person_for_nhs_number, store_path
from pophealth.care.nhs_number import is_valid
from pophealth.errors import InputError, Problem
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, action, page, whole_number

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
AUDIT = Crumb(text="Audit log", href="/admin/audit")
FIELDS = ("user", "person", "route", "from", "to")


class Disclosure(BaseModel):
    shown_at: str
    username: str
    route: str


class AuditSearchPage(PageContext):
    filters: dict[str, str]
    searched: bool
    person_id: int | None = None
    person_note: str | None = None
    rows: list[dict]
    disclosures: list[Disclosure]
    accounts: list[dict]
    csv_href: str


def _date(value: str, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(Problem("audit search", f"expected a date as YYYY-MM-DD, got {value!r}", column=field)) from None


def _store(request: Request) -> Path | None:
    db = str(request.app.state.db)
    return store_path(db) if db != ":memory:" else None


def _query(request: Request) -> tuple[dict[str, str], AuditQuery, str | None]:
    """The filters as typed, the query, and a note on how the person was found (or not)."""
    f = {k: request.query_params.get(k, "").strip() for k in FIELDS}
    person, note = None, None
    typed = f["person"].replace(" ", "")
    if typed:
        if len(typed) == 10 and typed.isdigit():  # ten digits are read as an NHS number
            if not is_valid(typed):
                raise InputError(Problem("audit search", f"{f['person']!r} is not an NHS number (its check digit "
                                         "is wrong)", column="person"))
            person = person_for_nhs_number(_store(request), typed)
            note = "NHS number found in the identity store" if person is not None else \
                "No person with that NHS number in the identity store"
            person = person if person is not None else -1  # matches nothing
        elif (number := whole_number(typed)) is not None:
            person = number
        else:
            raise InputError(Problem("audit search", "expected a person id or a 10-digit NHS number with a valid "
                                     f"check digit, got {f['person']!r}", column="person"))
    return f, AuditQuery(username=f["user"] or None, person_id=person, route=f["route"] or None,
                         date_from=_date(f["from"], "from"), date_to=_date(f["to"], "to")), note


def _audit_search(request: Request, con, q: AuditQuery, what: str) -> None:
    record_access(con, request.state.user, method=request.method, route=request.url.path, person_id=q.person_id
                  if q.person_id and q.person_id > 0 else None, detail=f"audit {what}: user={q.username or ''} "
                  f"route={q.route or ''} from={q.date_from or ''} to={q.date_to or ''}")


@page(routes, "/admin/audit/search", "account/audit_search.jinja", role="admin", name="audit_search")
def audit_search(request: Request) -> AuditSearchPage:
    f, q, note = _query(request)
    searched = any(f.values())
    with warehouse(request) as con:
        rows = search_audit(con, q, 500) if searched else []
        accounts = last_activity(con)
        if searched:
            _audit_search(request, con, q, "search")
    shown = disclosures(_store(request), person_id=q.person_id) if q.person_id is not None and q.person_id > 0 else []
    if q.username:
        shown = [d for d in shown if d["username"] == q.username]
    query = request.url.query
    return AuditSearchPage(
        title="Search the audit log", breadcrumbs=[HOME, AUDIT], filters=f, searched=searched,
        person_id=q.person_id if q.person_id and q.person_id > 0 else None, person_note=note,
        rows=[{k: (str(v) if v is not None else None) for k, v in r.items()} for r in rows],
        disclosures=[Disclosure(shown_at=d["shown_at"], username=d["username"], route=d["route"]) for d in shown],
        accounts=[{k: (str(v) if v is not None else None) for k, v in a.items()} for a in accounts],
        csv_href="/admin/audit/search.csv" + (f"?{query}" if query else ""),
        source="Append-only audit log in the audit store; disclosure log in the identity store")


@action(routes, "/admin/audit/search.csv", role="admin", methods=("GET",))
def audit_search_csv(request: Request) -> Response:
    _, q, _ = _query(request)
    with warehouse(request) as con:
        rows = search_audit(con, q, None)
        _audit_search(request, con, q, f"export of {len(rows)} rows")
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # user text (routes, details) is data, never a formula
    writer.writerow(csv_row(["seq", "accessed_at", "username", "role", "method", "route", "person_id", "scope",
                             "detail"]))
    for r in rows:
        writer.writerow(csv_row(list(r.values())))
    return Response(buffer.getvalue(), media_type="text/csv", headers={
        "Content-Disposition": "attachment; filename=audit_search.csv", "Cache-Control": "no-store"})


def register(app: FastAPI) -> None:
    routes.register(app)

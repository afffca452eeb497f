"""Resource pages: add, change and remove the money recorded behind an action (or, for admins, a priority).

The same rules as the risk and issue log: anyone signed in reads; an action's lead (``may_edit``) or an
admin adds, changes and removes its resources; a resource on a priority rather than an action is edited
by admins. Forms carry the CSRF token; every change is in the delivery change log with the signed-in
user's name, before and after; an edit made from an out-of-date version is refused, not overwritten.
Removing a resource marks it removed (it drops out of totals) and keeps the row and its history.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from pophealth.access.roles import User
from pophealth.delivery.actions import get_action
from pophealth.delivery.resources import (Resource, add_resource, edit_resource, financial_year, get_resource,
                                          list_resources, pounds, resource_history)
from pophealth.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from pophealth.web.pages import Crumb, PageContext, render, warehouse, Routes, action, page, whole_number
from pophealth.web.routes.delivery import HOME, SOURCE, TRACKER, FieldError, may_edit

routes = Routes()  # this module's pages and actions, added to the app by register()

FORM_FIELDS = {"amount_gbp": "Enter the amount in pounds, 0 or more, like 125000 or 125000.50",
               "funding_source": "Enter where the money comes from",
               "financial_year": "Enter the financial year like 2024/25",
               "prevention": "Select whether this counts as prevention spend"}
PREVENTION = {"yes": "Yes: prevention spend (counts towards pledge 2)", "no": "No"}


class ResourceFormPage(PageContext):
    action_ref: str | None
    priority_id: str | None
    resource: Resource | None  # None: a new resource
    others: list[Resource]  # the priority's active resources, on a priority's add page
    history: list[dict[str, Any]]
    form: dict[str, str]
    errors: list[FieldError]
    may_edit: bool
    prevention: dict[str, str]


def may_edit_resource(user: User, con, action_ref: str | None) -> bool:
    """The action's lead or an admin; a priority's resources only an admin."""
    if action_ref is None:
        return user.role == "admin"
    return may_edit(user, get_action(con, action_ref), con)


def _priority_exists(con, priority_id: str) -> None:
    if not con.execute("SELECT 1 FROM delivery_priority WHERE priority_id = ?", [priority_id]).fetchone():
        raise NotFoundError(f"There is no priority {priority_id[:20]!r} in the delivery tracker")


def _form_of(r: Resource) -> dict[str, str]:
    return {"amount_gbp": f"{r.amount_gbp:.2f}", "funding_source": r.funding_source,
            "financial_year": r.financial_year, "prevention": "yes" if r.prevention else "no",
            "note": r.note or "", "version": str(r.version)}


def _form_page(request: Request, *, ref: str | None = None, pid: str | None = None, resource_id: int | None = None,
               form: dict[str, str] | None = None, errors: list[FieldError] | None = None) -> ResourceFormPage:
    with warehouse(request) as con:
        r = get_resource(con, resource_id) if resource_id is not None else None
        if ref is not None:
            get_action(con, ref)  # 404 for an unknown action
        if pid is not None:
            _priority_exists(con, pid)
        ref = r.action_ref if r else ref
        pid = r.priority_id if r else pid
        allowed = may_edit_resource(request.state.user, con, ref)
        past = resource_history(con, r.resource_id) if r else []
        others = list_resources(con, priority_id=pid) if r is None and ref is None else []
    others = [o for o in others if o.action_ref is None]
    if form is None:
        form = _form_of(r) if r else {}
    if r:
        title = f"Resource {r.resource_id}: £{r.amount_gbp:,.2f} for {r.action_ref or 'priority ' + str(r.priority_id)}"
    else:
        title = f"Add a resource to action {ref}" if ref else f"Add a resource to priority {pid}"
    crumbs = [HOME, TRACKER, *([Crumb(text=f"Action {ref}", href=f"/delivery/actions/{ref}")] if ref else [])]
    history = [{"who": c["who"], "when": str(c["changed_at"]), "after": c["after"]} for c in past]
    return ResourceFormPage(title=title, breadcrumbs=crumbs, action_ref=ref, priority_id=pid, resource=r,
                            others=others, history=history, form=form, errors=errors or [], may_edit=allowed,
                            prevention=PREVENTION, source=SOURCE)


@page(routes, "/delivery/actions/{ref}/resources/new", "delivery/resource.jinja",
      role="analyst", name="delivery_resource_new")
def new_resource(request: Request, ref: str) -> ResourceFormPage:
    return _form_page(request, ref=ref)


@page(routes, "/delivery/priorities/{pid}/resources/new", "delivery/resource.jinja",
      role="analyst", name="delivery_priority_resource_new")
def new_priority_resource(request: Request, pid: str) -> ResourceFormPage:
    return _form_page(request, pid=pid)


@page(routes, "/delivery/resources/{resource_id}", "delivery/resource.jinja", role="analyst", name="delivery_resource")
def resource_page(request: Request, resource_id: str) -> ResourceFormPage:
    number = whole_number(resource_id)
    if number is None:
        raise NotFoundError(f"There is no resource {resource_id[:20]!r}")
    return _form_page(request, resource_id=number)


def _validate(form: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """Required fields and the yes/no here; amount and year are checked by the resources module, whose
    plain-words messages are shown against the field."""
    errors = [FieldError(field=f, message=m) for f, m in FORM_FIELDS.items() if not form.get(f)]
    if form.get("prevention") and form["prevention"] not in PREVENTION:
        errors.append(FieldError(field="prevention", message=FORM_FIELDS["prevention"]))
    for name, check in (("amount_gbp", pounds), ("financial_year", financial_year)):
        if form.get(name):  # every bad field at once, not the first the module meets
            try:
                check(form[name])
            except InputError as exc:
                errors += _field_errors(exc, name)
    if errors:
        return {}, errors
    return {"amount_gbp": form["amount_gbp"], "funding_source": form["funding_source"][:300],
            "financial_year": form["financial_year"], "prevention": form["prevention"] == "yes",
            "note": (form.get("note") or "")[:2000] or None}, []


def _field_errors(exc: InputError, field: str = "amount_gbp") -> list[FieldError]:
    """The module's plain-words problems, against the field they name (else ``field``), capitalised."""
    return [FieldError(field=p.column if p.column in FORM_FIELDS else field, message=p.message[:1].upper() + p.message[1:])
            for p in exc.problems]


@action(routes, "/delivery/actions/{ref}/resources", role="action_lead", response_class=HTMLResponse)
async def submit_new(request: Request, ref: str):
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_new, request, ref, None, form)


@action(routes, "/delivery/priorities/{pid}/resources", role="admin", response_class=HTMLResponse)
async def submit_new_priority(request: Request, pid: str):
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_new, request, None, pid, form)


def _submit_new(request: Request, ref: str | None, pid: str | None, form: dict[str, str]):
    user = request.state.user
    with warehouse(request) as con:
        if ref is not None:
            get_action(con, ref)
        else:
            _priority_exists(con, pid)
        if not may_edit_resource(user, con, ref):
            raise PermissionDenied("Only the action's lead or an administrator can add resources to it")
    values, errors = _validate(form)
    if not errors:
        try:
            with warehouse(request) as con:
                add_resource(con, amount_gbp=values["amount_gbp"], funding_source=values["funding_source"],
                             financial_year_text=values["financial_year"], prevention=values["prevention"],
                             note=values["note"], action_ref=ref, priority_id=None if ref else pid,
                             who=user.display_name)
            where = f"/delivery/actions/{ref}" if ref else f"/delivery/priorities/{pid}/resources/new"
            return RedirectResponse(f"{where}?resource=added#resources", status_code=303)
        except InputError as exc:
            errors = _field_errors(exc)
    page = _form_page(request, ref=ref, pid=pid, form=form, errors=errors)
    page.title = f"Error: {page.title}"
    return render(request, "delivery/resource.jinja", page, status_code=400)


@action(routes, "/delivery/resources/{resource_id}", role="action_lead", response_class=HTMLResponse)
async def submit_edit(request: Request, resource_id: int):
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_edit, request, resource_id, form)


def _submit_edit(request: Request, resource_id: int, form: dict[str, str]):
    user = request.state.user
    with warehouse(request) as con:
        r = get_resource(con, resource_id)
        if not may_edit_resource(user, con, r.action_ref):
            raise PermissionDenied("Only the action's lead or an administrator can change its resources")
    removing = form.get("remove") == "yes"
    values, errors = ({}, []) if removing else _validate(form)
    if not errors:
        changes = {"status": "removed"} if removing else values
        version = whole_number(form.get("version") or "") or 0
        try:
            with warehouse(request) as con:
                edit_resource(con, resource_id, version, changes, user.display_name)
            where = (f"/delivery/actions/{r.action_ref}" if r.action_ref
                     else f"/delivery/priorities/{r.priority_id}/resources/new")
            return RedirectResponse(f"{where}?resource={'removed' if removing else 'saved'}#resources",
                                    status_code=303)
        except ConflictError as exc:
            errors = [FieldError(field="amount_gbp", message=exc.message)]
        except InputError as exc:
            errors = _field_errors(exc)
    page = _form_page(request, resource_id=resource_id, form=form if not removing else None, errors=errors)
    page.title = f"Error: {page.title}"
    return render(request, "delivery/resource.jinja", page, status_code=400)


def register(app: FastAPI) -> None:
    routes.register(app)

"""Editing an action's seed 003 delivery-plan fields on the web: leads, equity, resources, engagement,
governance, timescale and the public microsite wording, with the history of every change.

The same people who may record an update may edit these fields (the action's lead, an action lead on
an action with no lead named yet, or an admin); everyone signed in reads them. An edit names the
action version it was based on, so one lead's change never silently overwrites another's; it goes to
the delivery change log with the record before and after.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from pophealth.delivery.actions import edit_action, get_action
from pophealth.delivery.audit import changes
from pophealth.delivery.records import EDITABLE_FIELDS, YES_NO, Action
from pophealth.delivery.timescales import parse_timescale
from pophealth.errors import ConflictError, PermissionDenied
from pophealth.web.pages import Crumb, PageContext, render, warehouse, Routes, action, page
from pophealth.web.routes.delivery import HOME, SOURCE, TRACKER, may_edit

routes = Routes()  # this module's pages and actions, added to the app by register()

# The seed 003 column headings, as the tracker workbook prints them (delivery/xlsx_layout.py).
LABELS = {
    "we_will": "We will",
    "equity_statement": "How will this demonstrate improvement in equity?",
    "equity": "Will activities improve/increase equity at a local level? (Y/N)",
    "resources": "Resources Y/N",
    "resources_source": "Resources Source",
    "engagement": "Planned Engagement",
    "governance": "Delivery Governance",
    "timescale": "Timescale",
    "leads": "Lead Contacts",
    "ambition": "Ambition (public microsite)",
    "i_will": "I will (public microsite)",
}
CHOICES = {"equity": YES_NO, "resources": YES_NO}
LONG = {"we_will", "equity_statement", "engagement", "governance", "ambition", "i_will"}
MAX_LENGTH = 4000


class FieldSpec(BaseModel):
    name: str
    label: str
    choices: list[str] | None
    long: bool


class FieldChange(BaseModel):
    changed_at: str
    who: str
    field: str
    before: str | None
    after: str | None


class FieldError(BaseModel):
    field: str
    message: str


class ActionPlanPage(PageContext):
    action: Action
    fields: list[FieldSpec]
    form: dict[str, str]
    errors: list[FieldError]
    history: list[FieldChange]
    may_edit: bool


def _history(con, ref: str) -> list[FieldChange]:  # noqa: ANN001
    out = []
    for c in changes(con, "action", ref):
        if c["before"] is None:
            continue
        for f in EDITABLE_FIELDS:
            if c["before"].get(f) != c["after"].get(f):
                out.append(FieldChange(changed_at=str(c["changed_at"])[:16], who=c["who"], field=LABELS[f],
                                       before=c["before"].get(f), after=c["after"].get(f)))
    return list(reversed(out))


def _page(request: Request, ref: str, form: dict[str, str] | None = None,
          errors: list[FieldError] | None = None) -> ActionPlanPage:
    with warehouse(request) as con:
        action = get_action(con, ref)
        history = _history(con, ref)
        editable = may_edit(request.state.user, action, con)
    values = {f: getattr(action, f) or "" for f in EDITABLE_FIELDS}
    return ActionPlanPage(
        title=f"Delivery plan fields: action {ref}", breadcrumbs=[HOME, TRACKER, Crumb(text=f"Action {ref}",
                                                                                       href=f"/delivery/actions/{ref}")],
        action=action, fields=[FieldSpec(name=f, label=LABELS[f], choices=list(CHOICES[f]) if f in CHOICES else None,
                                         long=f in LONG) for f in EDITABLE_FIELDS],
        form=form or {"version": str(action.version), **values}, errors=errors or [], history=history,
        may_edit=editable, source=SOURCE)


@page(routes, "/delivery/actions/{ref}/plan", "boards/action_plan.jinja", role="analyst", name="delivery_action_plan")
def plan_page(request: Request, ref: str) -> ActionPlanPage:
    return _page(request, ref)


def validate(form: dict[str, str]) -> tuple[dict[str, str | None], list[FieldError]]:
    """The submitted fields as the action stores them (blank is none), and what is wrong with them."""
    values: dict[str, str | None] = {f: (form.get(f) or "").strip() or None for f in EDITABLE_FIELDS}
    errors = []
    if not values["we_will"]:
        errors.append(FieldError(field="we_will", message="Enter what the action will do (We will)"))
    for f, allowed in CHOICES.items():
        if values[f] is not None and values[f] not in allowed:
            errors.append(FieldError(field=f, message=f"{LABELS[f]}: choose Y or N, or leave it blank"))
    for f, v in values.items():
        if v is not None and len(v) > MAX_LENGTH:
            errors.append(FieldError(field=f, message=f"{LABELS[f]}: at most {MAX_LENGTH} characters"))
    try:
        parse_timescale(values["timescale"])
    except ValueError as exc:
        errors.append(FieldError(field="timescale", message=f"Timescale: {exc}"))
    return values, errors


@action(routes, "/delivery/actions/{ref}/plan", role="action_lead", response_class=HTMLResponse)
async def submit(request: Request, ref: str):
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit, request, ref, form)


def _submit(request: Request, ref: str, form: dict[str, str]):
    user = request.state.user
    with warehouse(request) as con:
        action = get_action(con, ref)
        if not may_edit(user, action, con):
            raise PermissionDenied("Only the action's lead or an admin can change its delivery plan fields")
    values, errors = validate(form)
    if not errors:
        changed = {f: v for f, v in values.items() if v != getattr(action, f)}
        try:
            if changed:
                with warehouse(request) as con:
                    edit_action(con, ref, int(form.get("version") or 0), changed,
                                f"{user.display_name} ({user.username})")
            return RedirectResponse(f"/delivery/actions/{ref}/plan?saved=1", status_code=303)
        except ValidationError as exc:
            errors = [FieldError(field=str(e["loc"][0]), message=f"{LABELS.get(str(e['loc'][0]), e['loc'][0])}: {e['msg']}")
                      for e in exc.errors()]
        except ConflictError as exc:
            errors = [FieldError(field="we_will", message=exc.message)]
    page = _page(request, ref, form=form, errors=errors)
    page.title = f"Error: {page.title}"
    return render(request, "boards/action_plan.jinja", page, status_code=400)


def register(app: FastAPI) -> None:
    routes.register(app)

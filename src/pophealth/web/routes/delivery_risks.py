"""Risk and issue log pages: the log, one risk with its history, and forms to add, edit and close.

The same rules as progress updates: anyone signed in reads the log; an action lead adds, edits and
closes risks of the actions they lead (``may_edit``), an admin any. A risk on a priority rather than an
action is edited by admins. Forms carry the CSRF token like every other form; every change is in the
delivery change log with the signed-in user's name, before and after. Editing is guarded by the risk's
version, so a change made since the form was opened is refused, not overwritten.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from pophealth.access.roles import User
from pophealth.delivery.actions import get_action
from pophealth.delivery.risks import (BANDS, KINDS, MATRIX_SOURCE, Risk, ScoredRisk, add_risk, edit_risk, get_risk,
                                      list_risks, risk_history)
from pophealth.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from pophealth.web.pages import Crumb, PageContext, render, warehouse, Routes, action, page, whole_number
from pophealth.web.routes.delivery import HOME, SOURCE, TRACKER, FieldError, may_edit

routes = Routes()  # this module's pages and actions, added to the app by register()

RISKS = Crumb(text="Risk and issue log", href="/delivery/risks")
LEVELS = ["1", "2", "3", "4", "5"]
LIKELIHOOD = {"1": "1 Rare", "2": "2 Unlikely", "3": "3 Possible", "4": "4 Likely", "5": "5 Almost certain"}
IMPACT = {"1": "1 Negligible", "2": "2 Minor", "3": "3 Moderate", "4": "4 Major", "5": "5 Catastrophic"}
FORM_FIELDS = {"kind": "Select risk or issue", "title": "Enter what the risk or issue is",
               "owner": "Enter who owns it", "likelihood": "Select the likelihood, 1 to 5",
               "impact": "Select the impact, 1 to 5", "review_date": "Enter a review date like 2025-03-31"}


class Band(BaseModel):
    scores: str
    grade: str
    rag: str


def bands() -> list[Band]:
    return [Band(scores=f"{low} to {high}", grade=grade, rag=rag) for low, high, grade, rag in BANDS]


class RiskLogPage(PageContext):
    risks: list[ScoredRisk]
    closed: int
    bands: list[Band]
    matrix_source: str


class RiskFormPage(PageContext):
    action_ref: str | None
    risk: ScoredRisk | None  # None: a new risk
    history: list[dict[str, Any]]
    form: dict[str, str]
    errors: list[FieldError]
    may_edit: bool
    kinds: list[str]
    likelihood: dict[str, str]
    impact: dict[str, str]
    bands: list[Band]
    matrix_source: str


@page(routes, "/delivery/risks", "delivery/risks.jinja", role="analyst", name="delivery_risks")
def risk_log(request: Request) -> RiskLogPage:
    with warehouse(request) as con:
        risks = list_risks(con)
    open_ = [ScoredRisk.of(r) for r in risks if r.status == "open"]
    return RiskLogPage(title="Risk and issue log", breadcrumbs=[HOME, TRACKER], risks=open_,
                       closed=len(risks) - len(open_), bands=bands(), matrix_source=MATRIX_SOURCE, source=SOURCE)


def may_edit_risk(user: User, con, risk: Risk | None, action_ref: str | None) -> bool:
    ref = risk.action_ref if risk else action_ref
    if ref is None:
        return user.role == "admin"
    return may_edit(user, get_action(con, ref), con)


def _form_page(request: Request, *, ref: str | None = None, risk_id: int | None = None,
               form: dict[str, str] | None = None, errors: list[FieldError] | None = None) -> RiskFormPage:
    with warehouse(request) as con:
        risk = get_risk(con, risk_id) if risk_id is not None else None
        if ref is not None:
            get_action(con, ref)  # 404 for an unknown action
        ref = risk.action_ref if risk else ref
        allowed = may_edit_risk(request.state.user, con, risk, ref)
        past = risk_history(con, risk.risk_id) if risk else []
    if form is None:
        form = ({"kind": risk.kind, "title": risk.title, "owner": risk.owner, "likelihood": str(risk.likelihood),
                 "impact": str(risk.impact), "mitigation": risk.mitigation or "",
                 "review_date": str(risk.review_date or ""), "version": str(risk.version)}
                if risk else {"kind": "risk"})
    title = (f"{risk.kind.capitalize()} {risk.risk_id}: {risk.title[:60]}" if risk
             else f"Add a risk or issue to action {ref}")
    crumbs = [HOME, TRACKER, *([Crumb(text=f"Action {ref}", href=f"/delivery/actions/{ref}")] if ref else []), RISKS]
    history = [{"who": c["who"], "when": str(c["changed_at"]), "after": c["after"]} for c in past]
    return RiskFormPage(title=title, breadcrumbs=crumbs, action_ref=ref, risk=ScoredRisk.of(risk) if risk else None,
                        history=history, form=form, errors=errors or [], may_edit=allowed, kinds=list(KINDS),
                        likelihood=LIKELIHOOD, impact=IMPACT, bands=bands(), matrix_source=MATRIX_SOURCE,
                        source=SOURCE)


@page(routes, "/delivery/actions/{ref}/risks/new", "delivery/risk.jinja", role="analyst", name="delivery_risk_new")
def new_risk(request: Request, ref: str) -> RiskFormPage:
    return _form_page(request, ref=ref)


@page(routes, "/delivery/risks/{risk_id}", "delivery/risk.jinja", role="analyst", name="delivery_risk")
def risk_page(request: Request, risk_id: str) -> RiskFormPage:
    number = whole_number(risk_id)
    if number is None:
        raise NotFoundError(f"There is no risk or issue {risk_id[:20]!r}")
    return _form_page(request, risk_id=number)


def _validate(form: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    errors = []
    for f in ("kind", "title", "owner", "likelihood", "impact"):
        if not form.get(f):
            errors.append(FieldError(field=f, message=FORM_FIELDS[f]))
    if form.get("kind") and form["kind"] not in KINDS:
        errors.append(FieldError(field="kind", message=FORM_FIELDS["kind"]))
    for f in ("likelihood", "impact"):
        if form.get(f) and form[f] not in LEVELS:
            errors.append(FieldError(field=f, message=FORM_FIELDS[f]))
    review = None
    if form.get("review_date"):
        try:
            review = date.fromisoformat(form["review_date"])
        except ValueError:
            errors.append(FieldError(field="review_date", message=FORM_FIELDS["review_date"]))
    if errors:
        return {}, errors
    values = {"kind": form["kind"], "title": form["title"][:500], "owner": form["owner"][:200],
              "likelihood": int(form["likelihood"]), "impact": int(form["impact"]),
              "mitigation": (form.get("mitigation") or "")[:4000] or None, "review_date": review}
    return values, []


@action(routes, "/delivery/actions/{ref}/risks", role="action_lead", response_class=HTMLResponse)
async def submit_new(request: Request, ref: str):
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_new, request, ref, form)


def _submit_new(request: Request, ref: str, form: dict[str, str]):
    user = request.state.user
    with warehouse(request) as con:
        if not may_edit(user, get_action(con, ref), con):
            raise PermissionDenied("Only the action's lead can add risks to it")
    values, errors = _validate(form)
    if not errors:
        try:
            with warehouse(request) as con:
                add_risk(con, action_ref=ref, who=user.display_name, **values)
            return RedirectResponse(f"/delivery/actions/{ref}?risk=added#risks", status_code=303)
        except InputError as exc:
            errors = [FieldError(field=p.column or "title", message=p.message) for p in exc.problems]
    page = _form_page(request, ref=ref, form=form, errors=errors)
    page.title = f"Error: {page.title}"
    return render(request, "delivery/risk.jinja", page, status_code=400)


@action(routes, "/delivery/risks/{risk_id}", role="action_lead", response_class=HTMLResponse)
async def submit_edit(request: Request, risk_id: int):
    form = {k: str(v).strip() for k, v in (await request.form()).items() if k != "csrf_token"}
    return await run_in_threadpool(_submit_edit, request, risk_id, form)


def _submit_edit(request: Request, risk_id: int, form: dict[str, str]):
    user = request.state.user
    with warehouse(request) as con:
        risk = get_risk(con, risk_id)
        if not may_edit_risk(user, con, risk, risk.action_ref):
            raise PermissionDenied("Only the action's lead can change its risks")
    closing = form.get("close") == "yes"
    values, errors = ({}, []) if closing else _validate(form)
    if not errors:
        changes = {"status": "closed"} if closing else {**values, "status": "open"}
        try:
            with warehouse(request) as con:
                edit_risk(con, risk_id, whole_number(form.get("version") or "") or 0,
                          changes, user.display_name)
            where = f"/delivery/actions/{risk.action_ref}" if risk.action_ref else "/delivery/risks"
            return RedirectResponse(f"{where}?risk={'closed' if closing else 'saved'}#risks", status_code=303)
        except ConflictError as exc:
            errors = [FieldError(field="title", message=exc.message)]
        except InputError as exc:
            errors = [FieldError(field=p.column or "title", message=p.message) for p in exc.problems]
    page = _form_page(request, risk_id=risk_id, form=form, errors=errors)
    page.title = f"Error: {page.title}"
    return render(request, "delivery/risk.jinja", page, status_code=400)


def register(app: FastAPI) -> None:
    routes.register(app)

"""Account administration for admins: add accounts, disable leavers, unlock, reset passwords, change roles,
and make action leads editors of measures.

While the server runs it holds the warehouse, so the command line cannot reach the accounts: these
pages are how an administrator manages them without stopping the service. Every change is made under
the administrator's signed-in name, ends the account's sessions and is kept in its history
(``pophealth.access.accounts``).
"""

from __future__ import annotations

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from pophealth.access import accounts
from pophealth.access.roles import ROLES
from pophealth.access.users import add_user
from pophealth.errors import ConfigError, NotFoundError
from pophealth.measures import editors
from pophealth.warehouse import transaction
from pophealth.web.pages import Crumb, PageContext, warehouse, Routes, action, page
from pophealth.web.routes.strategy import HOME

routes = Routes()  # this module's pages and actions, added to the app by register()

USERS = Crumb(text="Accounts", href="/admin/users")
ASSIGNABLE = [r for r in ROLES if r != "public"]


class AccountRow(BaseModel):
    username: str
    display_name: str
    role: str
    scope: str | None
    state: str  # active, locked or disabled
    href: str


class ChangeRow(BaseModel):
    changed_at: str
    change: str
    changed_by: str


class AccountsPage(PageContext):
    rows: list[AccountRow]
    roles: list[str]
    sso: bool  # single sign-on is set up: an account may have no password of its own


class MeasureOption(BaseModel):
    id: str
    name: str


class AccountPage(PageContext):
    account: AccountRow
    practice_code: str | None
    pcn_code: str | None
    changes: list[ChangeRow]
    roles: list[str]
    is_self: bool  # the signed-in administrator's own account: no disabling or demoting it
    editor_of: list[MeasureOption]  # action leads: the measures whose narrative and rebases they manage
    grantable: list[MeasureOption]


def _row(a: accounts.Account) -> AccountRow:
    state = "disabled" if a.disabled else "locked" if a.locked() else "active"
    return AccountRow(username=a.username, display_name=a.display_name, role=a.role, scope=a.scope, state=state,
                      href=f"/admin/users/{a.username}")


@page(routes, "/admin/users", "account/users.jinja", role="admin", name="admin_users")
def accounts_page(request: Request) -> AccountsPage:
    with warehouse(request) as con:
        rows = [_row(a) for a in accounts.list_accounts(con)]
    return AccountsPage(title="Accounts", breadcrumbs=[HOME], rows=rows, roles=ASSIGNABLE,
                        sso=request.app.state.sso is not None,
                        source="app_user table (passwords are stored only as Argon2id hashes)")


@page(routes, "/admin/users/{username}", "account/user.jinja", role="admin", name="admin_user")
def account_page(request: Request, username: str) -> AccountPage:
    measures = request.app.state.strategy.measures
    with warehouse(request) as con:
        a = accounts.get_account(con, username)
        changes = accounts.history(con, username)
        granted = {g.measure_id for g in editors.editors(con) if g.username == username}
    leads = a.role == "action_lead"
    return AccountPage(
        editor_of=[MeasureOption(id=m.id, name=m.name) for m in measures if m.id in granted],
        grantable=[MeasureOption(id=m.id, name=m.name) for m in measures if leads and m.id not in granted],
        title=f"Account: {a.username}", breadcrumbs=[HOME, USERS], account=_row(a), practice_code=a.practice_code,
        pcn_code=a.pcn_code, roles=ASSIGNABLE, is_self=a.username == request.state.user.username,
        changes=[ChangeRow(changed_at=f"{c.changed_at:%d %B %Y %H:%M}", change=c.change, changed_by=c.changed_by)
                 for c in changes],
        source="app_user and account_change tables")


def _admin(request: Request) -> str:
    user = request.state.user
    return f"{user.display_name} ({user.username})"


def register(app: FastAPI) -> None:
    routes.register(app)

    @action(app, "/admin/users/new", role="admin")
    def create(request: Request, username: str = Form(""), display_name: str = Form(""), role: str = Form(""),
               practice_code: str = Form(""), pcn_code: str = Form(""), password: str = Form("")) -> RedirectResponse:
        username = username.strip()
        if not password and request.app.state.sso is None:
            raise ConfigError("Enter a first password (without single sign-on, it is the only way to sign in)")
        with warehouse(request) as con:
            add_user(con, username, password or None, role, display_name=display_name.strip() or None,
                     practice_code=practice_code.strip() or None, pcn_code=pcn_code.strip() or None,
                     created_by=_admin(request))
        return RedirectResponse(f"/admin/users/{username}", status_code=303)

    @action(app, "/admin/users/{username}/{action}", role="admin")
    def change(request: Request, username: str, action: str, role: str = Form(""), practice_code: str = Form(""),
               pcn_code: str = Form(""), password: str = Form(""), measure_id: str = Form("")) -> RedirectResponse:
        by, acting, strategy = _admin(request), request.state.user.username, request.app.state.strategy

        def grant(con) -> None:  # noqa: ANN001 - a warehouse cursor
            with transaction(con):
                if editors.grant(con, strategy, username, measure_id, by):
                    accounts.record_change(con, username, f"made an editor of the measure {measure_id}", by)

        def revoke(con) -> None:  # noqa: ANN001 - a warehouse cursor
            with transaction(con):
                if editors.revoke(con, strategy, username, measure_id):
                    accounts.record_change(con, username, f"no longer an editor of the measure {measure_id}", by)

        actions = {
            "disable": lambda con: accounts.disable(con, username, by=by, acting=acting),
            "enable": lambda con: accounts.enable(con, username, by=by),
            "unlock": lambda con: accounts.unlock(con, username, by=by),
            "password": lambda con: accounts.reset_password(con, username, password, by=by),
            "role": lambda con: accounts.change_role(con, username, role, by=by, acting=acting,
                                                     practice_code=practice_code.strip() or None,
                                                     pcn_code=pcn_code.strip() or None),
            "grant": grant,
            "revoke": revoke,
        }
        if action not in actions:
            raise NotFoundError(f"There is no account action {action!r}")
        with warehouse(request) as con:
            actions[action](con)
        return RedirectResponse(f"/admin/users/{username}", status_code=303)


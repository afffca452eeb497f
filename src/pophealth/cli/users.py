"""``users ...``: local accounts for the web app, and their administration."""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, sub_app, with_warehouse

users_app = sub_app("users", "Local accounts: add, list, disable, enable, unlock, reset passwords, change roles.")

Username = Annotated[str, typer.Argument(help="The account's username.")]
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


def _by() -> str:
    """Who made a change from the command line: the operating-system account that ran it."""
    return f"command line ({getpass.getuser()})"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    from pophealth.settings import current

    password = current().secret("new_password")
    if password:
        return password
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def add(
    username: str,
    role: Annotated[str, typer.Option(help="analyst, action_lead, care_team or admin.")],
    name: Annotated[Optional[str], typer.Option(help="Display name.")] = None,
    practice: Annotated[Optional[str], typer.Option(help="Care team: GP practice code (scope).")] = None,
    pcn: Annotated[Optional[str], typer.Option(help="Care team: PCN code (scope).")] = None,
    password_stdin: PasswordStdin = False,
    sso_only: Annotated[bool, typer.Option("--sso-only", help="No password: signs in with single sign-on only.")] = False,
    db: DbOption = None,
    create: CreateOption = False,
) -> None:
    """Add an account. The password is asked for (or read from stdin / $POPHEALTH_NEW_PASSWORD), never an argument."""
    from pophealth.access.users import add_user

    password = None if sso_only else _password(password_stdin)
    user = with_warehouse(db, lambda con: add_user(con, username, password, role, display_name=name,
                                                   practice_code=practice, pcn_code=pcn, created_by=_by()),
                          create=create)
    console.print(f"added {user.username} ({user.role}{', ' + user.scope if user.scope else ''})")


@users_app.command("list")
def list_users(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List accounts with their role, scope and state (never passwords)."""
    from pophealth.access.accounts import list_accounts

    accounts = with_warehouse(db, list_accounts)
    if as_json:
        typer.echo(json.dumps([{"username": a.username, "display_name": a.display_name, "role": a.role,
                                "practice_code": a.practice_code, "pcn_code": a.pcn_code, "disabled": a.disabled,
                                "locked": a.locked(), "created_at": a.created_at.isoformat()} for a in accounts],
                              indent=2))
        return
    table = Table(title="Accounts")
    for col in ("username", "name", "role", "scope", "state"):
        table.add_column(col)
    for a in accounts:
        state = "disabled" if a.disabled else "locked" if a.locked() else "active"
        table.add_row(a.username, a.display_name, a.role, a.scope or "", state)
    console.print(table)


@users_app.command("disable")
def disable(username: Username, db: DbOption = None) -> None:
    """Stop an account signing in (a leaver) and end its sessions; everything it did is kept."""
    from pophealth.access.accounts import disable as disable_account

    with_warehouse(db, lambda con: disable_account(con, username, by=_by()))
    console.print(f"[green]✓[/] {username} disabled")


@users_app.command("enable")
def enable(username: Username, db: DbOption = None) -> None:
    """Let a disabled account sign in again."""
    from pophealth.access.accounts import enable as enable_account

    with_warehouse(db, lambda con: enable_account(con, username, by=_by()))
    console.print(f"[green]✓[/] {username} enabled")


@users_app.command("unlock")
def unlock(username: Username, db: DbOption = None) -> None:
    """Clear a lockout after repeated failed sign-ins."""
    from pophealth.access.accounts import unlock as unlock_account

    with_warehouse(db, lambda con: unlock_account(con, username, by=_by()))
    console.print(f"[green]✓[/] {username} unlocked")


@users_app.command("password")
def password(username: Username, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """Set a new password (asked for, or from stdin / $POPHEALTH_NEW_PASSWORD); sessions end."""
    from pophealth.access.accounts import reset_password

    new = _password(password_stdin)
    with_warehouse(db, lambda con: reset_password(con, username, new, by=_by()))
    console.print(f"[green]✓[/] new password set for {username}")


@users_app.command("role")
def role(
    username: Username,
    role: Annotated[str, typer.Option(help="analyst, action_lead, care_team or admin.")],
    practice: Annotated[Optional[str], typer.Option(help="Care team: GP practice code (scope).")] = None,
    pcn: Annotated[Optional[str], typer.Option(help="Care team: PCN code (scope).")] = None,
    db: DbOption = None,
) -> None:
    """Change an account's role (and a care team's practice or PCN); sessions end."""
    from pophealth.access.accounts import change_role

    with_warehouse(db, lambda con: change_role(con, username, role, practice_code=practice, pcn_code=pcn, by=_by()))
    console.print(f"[green]✓[/] {username} is now {role}")


@users_app.command("history")
def history(username: Annotated[Optional[str], typer.Argument(help="One account (default: all).")] = None,
            db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every change to accounts, newest first: what, who and when."""
    from pophealth.access.accounts import history as account_history

    changes = with_warehouse(db, lambda con: account_history(con, username))
    if as_json:
        typer.echo(json.dumps([{"changed_at": c.changed_at.isoformat(), "username": c.username, "change": c.change,
                                "changed_by": c.changed_by} for c in changes], indent=2))
        return
    table = Table(title="Account changes")
    for col in ("when", "account", "change", "by"):
        table.add_column(col)
    for c in changes:
        table.add_row(str(c.changed_at), c.username, c.change, c.changed_by)
    console.print(table)

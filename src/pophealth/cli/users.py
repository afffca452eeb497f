"""``users add`` and ``users list``: local accounts for the web app."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from pophealth.cli.app import DbOption, console, sub_app

users_app = sub_app("users", "Local accounts and their roles.")


@users_app.command("add")
def add(
    username: str,
    role: Annotated[str, typer.Option(help="analyst, action_lead, care_team or admin.")],
    name: Annotated[Optional[str], typer.Option(help="Display name.")] = None,
    practice: Annotated[Optional[str], typer.Option(help="Care team: GP practice code (scope).")] = None,
    pcn: Annotated[Optional[str], typer.Option(help="Care team: PCN code (scope).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
    db: DbOption = None,
) -> None:
    """Add an account. The password is asked for (or read from stdin / $POPHEALTH_NEW_PASSWORD), never an argument."""
    from pophealth.access.users import add_user
    from pophealth.warehouse import connect

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif os.environ.get("POPHEALTH_NEW_PASSWORD"):
        password = os.environ["POPHEALTH_NEW_PASSWORD"]
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    con = connect(db)
    try:
        user = add_user(con, username, password, role, display_name=name, practice_code=practice, pcn_code=pcn)
    finally:
        con.close()
    console.print(f"added {user.username} ({user.role}{', ' + user.scope if user.scope else ''})")


@users_app.command("list")
def list_users(db: DbOption = None) -> None:
    """List accounts (never passwords)."""
    from pophealth.warehouse import connect

    con = connect(db)
    try:
        rows = con.execute("SELECT username, display_name, role, coalesce(practice_code, pcn_code, ''), "
                           "locked_until IS NOT NULL AND locked_until > now() FROM app_user ORDER BY username").fetchall()
    finally:
        con.close()
    for username, display, role, scope, locked in rows:
        console.print(f"{username:20} {role:12} {scope:10} {display}{'  (locked)' if locked else ''}")

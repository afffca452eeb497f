"""``audit ...``: checking the hash-chained audit of patient-level access from the command line."""

from __future__ import annotations

import typer

from pophealth.cli.app import DbOption, console, sub_app, with_warehouse

audit_app = sub_app("audit", "The audit log of patient-level access: check that it has not been changed.")


@audit_app.command("verify")
def verify(db: DbOption = None) -> None:
    """Check every row of the audit chain; exit 1 naming the first row that does not hold."""
    from pophealth.access.audit import chain_length, first_break

    found, rows = with_warehouse(db, lambda con: (first_break(con), chain_length(con)))
    if found is not None:
        console.print(f"[bold red]The audit chain is broken[/] at {found}")
        raise typer.Exit(1)
    console.print(f"The audit chain holds: {rows:,} rows checked")

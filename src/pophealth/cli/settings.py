"""``pophealth settings``: every setting, its value and where it came from (secrets masked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import JsonOption, app, console


@app.command("settings")
def settings_cmd(
    db: Annotated[Optional[Path], typer.Option("--db", help="Warehouse file, as a command would be given it.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Show each setting (environment variable), its value and its source: env, default or option."""
    from pophealth.settings import Settings

    settings = Settings.load(options={"db": (db, "--db")})
    rows = settings.describe() + Settings.unknown()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table("setting", "value", "from")
    for row in rows:
        table.add_row(row["env"], "" if row["value"] is None else str(row["value"]), row["source"])
    console.print(table)

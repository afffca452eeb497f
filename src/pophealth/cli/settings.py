"""``pophealth settings``: every setting, its value and where it came from (secrets masked)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
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
    rows = settings.describe() + unknown_settings(os.environ)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table("setting", "value", "from")
    for row in rows:
        table.add_row(row["env"], "" if row["value"] is None else str(row["value"]), row["source"])
    console.print(table)


UNKNOWN = "not a setting: ignored (misspelt?)"


def unknown_settings(env: Mapping[str, str]) -> list[dict]:
    """``POPHEALTH_*`` variables that are no setting: a misspelt one (``POPHEALTH_DISCLOSURE_MAXX``) is
    otherwise silently ignored. Their values are masked: a misspelt key is still a key."""
    from pophealth.settings import MASK, Settings

    known = Settings.env_names()
    return [{"name": None, "env": name, "value": MASK, "source": UNKNOWN}
            for name in sorted(env) if name.startswith("POPHEALTH_") and name not in known]

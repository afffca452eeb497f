"""``publish``: write the public microsite as a static folder (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pophealth.cli.app import DbOption, JsonOption, app, console, open_warehouse, output_folder
from pophealth.cli.strategy import StrategyOption


@app.command("publish")
def publish(
    out: Annotated[Path, typer.Option(
        "--out", help="Folder to write the site into (replaced if it is a previous build).")],
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build the public microsite: pledges, priorities and progress, place profiles, every table also as CSV."""
    from pophealth.microsite import build_site
    from pophealth.strategy import load_strategy

    output_folder(out)
    con = open_warehouse(db)
    try:
        result = build_site(con, out, strategy=load_strategy(strategy))
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps({"out": str(result.out), "pages": len(result.pages), "csv_files": len(result.csv_files),
                               "seconds": round(result.seconds, 3)}))
        return
    console.print(f"[green]Published[/] {len(result.pages)} pages and {len(result.csv_files)} CSV files to "
                  f"{result.out} in {result.seconds:.1f} s. Open {result.out / 'index.html'}", soft_wrap=True)

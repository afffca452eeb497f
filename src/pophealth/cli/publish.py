"""``publish``: write the public microsite as a static folder (no server needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pophealth.cli.app import DbOption, JsonOption, app, console, open_warehouse, output_folder
from pophealth.cli.strategy import StrategyOption

VERSIONS_FILE = "data-versions.json"


def record_versions(con, product: str, folder: Path) -> None:  # noqa: ANN001
    """Write the data versions the output was built from beside it, and record them in the warehouse."""
    from pophealth.warehouse.versions import record_use, versions_of

    (Path(folder) / VERSIONS_FILE).write_text(json.dumps(versions_of(con), indent=2) + "\n", encoding="utf-8")
    record_use(con, product, str(folder))


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
        record_versions(con, "published site", result.out)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps({"out": str(result.out), "pages": len(result.pages), "csv_files": len(result.csv_files),
                               "seconds": round(result.seconds, 3)}))
        return
    console.print(f"[green]Published[/] {len(result.pages)} pages and {len(result.csv_files)} CSV files to "
                  f"{result.out} in {result.seconds:.1f} s. Open {result.out / 'index.html'}", soft_wrap=True)

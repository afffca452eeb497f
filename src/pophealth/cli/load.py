"""``pophealth load omop DIR`` and ``pophealth load synthea DIR``: patient-level imports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, sub_app, warehouse_path

load_app = sub_app("load", "Import patient-level data (OMOP CDM, Synthea) into the warehouse.")
FolderArg = Annotated[Path, typer.Argument(help="Folder holding the exported files.", show_default=False)]


def _run(loader: Callable, folder: Path, db: Path | None, as_json: bool, create: bool) -> None:
    from pophealth.sources.pseudonymise import pseudonymiser_from_environment
    from pophealth.warehouse import connect

    target = warehouse_path(db, create=create)
    pseudonymiser = pseudonymiser_from_environment(target)  # refuse before touching anything
    con = connect(target)
    try:
        with console.status("starting", spinner="dots") as status:
            summary = loader(con, folder, pseudonymiser, lambda message: status.update(message))
    finally:
        con.close()
    if as_json:
        console.print_json(json.dumps(summary.__dict__))
        return
    table = Table(title=f"Loaded {summary.source} ({summary.layout}) as batch {summary.batch_id}")
    table.add_column("OMOP table")
    table.add_column("rows", justify="right")
    for name, rows in summary.row_counts.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(f"{summary.persons:,} persons; warehouse: {target}")
    if summary.findings:
        dq = Table("check", "file", "column", "rows", "first rows",
                   title="Data-quality findings (rows loaded as they are)")
        for f in summary.findings:
            dq.add_row(f["check"], f["file"], f["column"], f"{f['count']:,}", ", ".join(map(str, f["rows"])))
        console.print(dq)
    if summary.skipped:
        console.print(f"[dim]Not used: {', '.join(summary.skipped)}[/]")


@load_app.command("omop")
def omop(folder: FolderArg, db: DbOption = None, create: CreateOption = False, as_json: JsonOption = False) -> None:
    """Load an OMOP CDM v5.4 export (CSV, TSV or Parquet; any file-name case), all or nothing."""
    from pophealth.care.identity_load import identity_sink
    from pophealth.sources.omop import load_omop

    def load(con, folder, pseudonymiser, progress):
        return load_omop(con, folder, pseudonymiser, progress, identities=identity_sink(con, "omop"))

    _run(load, folder, db, as_json, create)


@load_app.command("synthea")
def synthea(folder: FolderArg, db: DbOption = None, create: CreateOption = False, as_json: JsonOption = False) -> None:
    """Load a Synthea CSV export (older or v3 layout), mapped to OMOP CDM, all or nothing."""
    from pophealth.sources.synthea import load_synthea

    _run(load_synthea, folder, db, as_json, create)

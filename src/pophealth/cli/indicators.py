"""``fingertips import | fetch | load-snapshot``: public-health indicator data into the warehouse."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, open_warehouse, sub_app

fingertips_app = sub_app("fingertips", "Fingertips public-health indicators: import exports, fetch from the API, "
                                       "load saved snapshots.")

SnapshotsOption = Annotated[Path, typer.Option("--snapshots", help="Folder of dated API snapshots.")]


def _report(results, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in results], indent=2))
        return
    for r in results:
        dropped = f", {r.duplicates_dropped} duplicate rows dropped" if r.duplicates_dropped else ""
        console.print(f"loaded {r.source}: {r.rows:,} rows, {r.indicators} indicators, {r.areas} areas{dropped}")


@fingertips_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A Fingertips 'download data' CSV (any header style).")],
    db: DbOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import one Fingertips CSV export: validated whole, loaded in one transaction, idempotent."""
    from pophealth.sources.fingertips_csv import import_fingertips_csv

    con = open_warehouse(db, create=create)
    try:
        _report([import_fingertips_csv(con, file)], as_json)
    finally:
        con.close()


@fingertips_app.command("fetch")
def fetch(
    indicator: Annotated[list[int], typer.Option("--indicator", help="Fingertips indicator ID (repeatable).")],
    area_type: Annotated[int, typer.Option("--area-type", help="Fingertips area type ID, e.g. 101 districts & UAs, "
                                                               "502 counties & UAs (from Apr 2023).")],
    snapshots: SnapshotsOption = Path("data/fingertips"),
    load: Annotated[bool, typer.Option("--load/--no-load", help="Load the snapshots into the warehouse.")] = True,
    db: DbOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Fetch indicators from the Fingertips API into dated snapshots (offline: use the newest saved one)."""
    from pophealth.sources.fingertips_api import FingertipsClient, load_snapshots

    if load:
        open_warehouse(db, create=create).close()  # refuse a mistyped --db before fetching anything
    client = FingertipsClient(snapshots)
    fetched = [client.fetch(i, area_type) for i in indicator]
    rows = [{"indicator_id": f.snapshot.indicator_id, "area_type_id": f.snapshot.area_type_id,
             "snapshot": str(f.snapshot.path), "rows": f.rows, "offline": f.offline, "reason": f.reason}
            for f in fetched]
    if as_json and not load:
        typer.echo(json.dumps(rows, indent=2))
    elif not as_json:
        for r in rows:
            how = f"[yellow]offline, using saved snapshot[/] ({r['reason']})" if r["offline"] else "fetched"
            console.print(f"indicator {r['indicator_id']} area type {r['area_type_id']}: {how} -> {r['snapshot']} "
                          f"({r['rows']:,} rows)")
    if load:
        con = open_warehouse(db, create=create)
        try:
            _report(load_snapshots(con, snapshots), as_json)
        finally:
            con.close()


@fingertips_app.command("load-snapshot")
def load_snapshot(
    folder: Annotated[Path, typer.Argument(help="Folder of fingertips_i<ID>_at<TYPE>_<DATE>.csv snapshots.")],
    db: DbOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Load the newest snapshot of every indicator in FOLDER (all or nothing), without the network."""
    from pophealth.sources.fingertips_api import load_snapshots

    con = open_warehouse(db, create=create)
    try:
        _report(load_snapshots(con, folder), as_json)
    finally:
        con.close()

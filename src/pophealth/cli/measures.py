"""``measures grant|revoke|editors``: who may write each measure's narrative."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, open_warehouse, sub_app
from pophealth.cli.strategy import StrategyOption

measures_app = sub_app("measures", "Pledge and priority measures: their data, sources and who may write their narratives.")

UserArg = Annotated[str, typer.Argument(help="Account name (an action lead).")]
MeasureArg = Annotated[str, typer.Argument(help="Measure id from the catalogue, e.g. cancer-62-day.")]
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who grants (default: the operating-system user).")]


def _run(db, strategy_dir, action, read_only: bool = False, create: bool = False):  # noqa: ANN001, ANN202
    from pophealth.strategy import load_strategy

    strategy = load_strategy(strategy_dir)
    con = open_warehouse(db, read_only=read_only, create=create)
    try:
        return action(con, strategy)
    finally:
        con.close()


@measures_app.command("grant")
def grant(
    username: UserArg,
    measure_id: MeasureArg,
    by: ByOption = None,
    db: DbOption = None,
    strategy: StrategyOption = None,
) -> None:
    """Let USERNAME write the narrative of MEASURE_ID (granting twice keeps the first grant)."""
    from pophealth.measures import editors

    granted_by = by or f"{getpass.getuser()} (command line)"
    added = _run(db, strategy, lambda con, s: editors.grant(con, s, username, measure_id, granted_by))
    console.print(f"{username} {'is now' if added else 'was already'} an editor of {measure_id}")


@measures_app.command("revoke")
def revoke(
    username: UserArg,
    measure_id: MeasureArg,
    db: DbOption = None,
    strategy: StrategyOption = None,
) -> None:
    """Stop USERNAME writing the narrative of MEASURE_ID (versions they wrote are kept)."""
    from pophealth.measures import editors

    removed = _run(db, strategy, lambda con, s: editors.revoke(con, s, username, measure_id))
    console.print(f"{username} {'is no longer' if removed else 'was not'} an editor of {measure_id}")


@measures_app.command("editors")
def list_editors(
    measure_id: Annotated[Optional[str], typer.Argument(help="One measure (default: every measure).")] = None,
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """List who may edit each measure's narrative (admins may edit every measure)."""
    from pophealth.measures import editors

    def read(con, s):  # noqa: ANN001, ANN202
        if measure_id:
            editors.check_measure(s, measure_id)
        return editors.editors(con, measure_id)

    grants = _run(db, strategy, read)
    if as_json:
        typer.echo(json.dumps([g.model_dump(mode="json") for g in grants], indent=2))
        return
    if not grants:
        console.print("No editors granted" + (f" for {measure_id}" if measure_id else "") + " (admins may edit every measure)")
    for g in grants:
        console.print(f"{g.measure_id:40} {g.username:20} granted by {g.granted_by}, {g.granted_at:%Y-%m-%d %H:%M}")


def _latest_status(con, strategy):  # noqa: ANN001, ANN202 - warehouse connection and strategy
    from pophealth.measures.tracking import NoDataYet, track

    try:
        return track(con, strategy, include_demo=True).measures
    except NoDataYet:
        return {}


@measures_app.command("list")
def list_measures(
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every catalogue measure: its source, latest period, target (with where it comes from) and status."""
    from pophealth.measures.catalogue import measure_summary

    def read(con, s):  # noqa: ANN001, ANN202
        entries = _latest_status(con, s)
        return [measure_summary(con, m, entries.get(m.id)) for m in s.measures]

    rows = _run(db, strategy, read, read_only=True)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table("id", "pledges", "source", "latest", "status", show_lines=False)
    for r in rows:
        table.add_row(r["id"], ",".join(map(str, r["pledges"])), r["source_kind"], r["latest_period"] or "no data yet",
                      r["status"])
    console.print(table)


@measures_app.command("show")
def show_measure(
    measure_id: MeasureArg,
    org: Annotated[Optional[str], typer.Option("--org", help="Only this organisation or area code, e.g. RWE.")] = None,
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """One measure's observations: one per organisation and period, with numerator, denominator and source."""
    from pophealth.measures import editors
    from pophealth.measures.catalogue import measure_observations

    def read(con, s):  # noqa: ANN001, ANN202
        editors.check_measure(s, measure_id)
        return measure_observations(con, s.measure(measure_id), org)

    result = _run(db, strategy, read, read_only=True)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    console.print(f"{result['id']} ({result['unit']}): {len(result['observations'])} observations")
    for o in result["observations"]:
        console.print(f"{o['org']:10} {o['period_start']} to {o['period_end']}  {o['value']}  ({o['source']})")


@measures_app.command("load-public")
def load_public(
    folder: Annotated[Optional[Path], typer.Argument(help="Folder of published-statistics extracts (default: the copies shipped with pophealth).")] = None,
    db: DbOption = None,
    strategy: StrategyOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Load the curated extracts of published LLR statistics: all files or none; reloading changes nothing."""
    from pophealth.sources.public_extracts import load_public_extracts

    report = _run(db, strategy, lambda con, s: load_public_extracts(con, folder), create=create)
    if as_json:
        typer.echo(json.dumps({"files": report.files, "skipped": report.skipped, "findings": report.findings},
                              indent=2))
        return
    for name, n in report.files.items():
        console.print(f"{name}: {n:,} rows")
    for f in report.findings:
        console.print(f"[yellow]data quality[/]: {f}")


@measures_app.command("import")
def import_local(
    file: Annotated[Path, typer.Argument(help="A local measure return (CSV; layout in docs/data-formats.md).")],
    db: DbOption = None,
    strategy: StrategyOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Load a local measure return: rows for catalogue measures filled by a local team; all rows or none."""
    from pophealth.measures.local_return import load_local_return

    counts = _run(db, strategy, lambda con, s: load_local_return(con, s, file), create=create)
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for measure_id, n in counts.items():
        console.print(f"{measure_id}: {n} observations")

"""``pophealth phm``: run the population health management engine, print its summary, export worklists."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pophealth.cli.app import DbOption, JsonOption, console, console_err, open_warehouse, output_file, sub_app, warehouse_path

phm = sub_app("phm", "Population health management: registers, frailty, multimorbidity, segments, cohorts, care gaps.")


@phm.command("run")
def run(
    db: DbOption = None,
    index_date: Annotated[Optional[str], typer.Option("--index-date", help="As-at date (YYYY-MM-DD); default: the extract date.")] = None,
) -> None:
    """Compute every PHM definition on the warehouse and store person-level results and aggregates."""
    from pophealth.phm.run import STEPS, run_phm
    from pophealth.settings import current

    when = dt.date.fromisoformat(index_date) if index_date else None
    target = warehouse_path(db)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("PHM run", total=len(STEPS))

        def step(name: str) -> None:
            done = STEPS.index(name)
            bar.update(task, completed=done, description=f"PHM: {name}")

        run_id = run_phm(target, index_date=when, progress=step)
        bar.update(task, completed=len(STEPS), description="PHM: done")
    console.print(f"PHM run [bold]{run_id}[/] stored (engine: {current().engine})")


@phm.command("summary")
def summary_cmd(db: DbOption = None, as_json: JsonOption = False,
                run_id: Annotated[Optional[str], typer.Option("--run", help="Run id; default: the latest.")] = None) -> None:
    """Headline figures of a run: people, 5+/8+ LTCs, eFI, segments, cohorts, care gaps, risk model."""
    from pophealth.phm.summary import summary

    con = open_warehouse(db)
    try:
        result = summary(con, run_id)
    finally:
        con.close()
    if as_json:
        console.print_json(json.dumps(result))
        return
    if not result["current"]:
        console_err.print(f"[bold red]Out of date:[/] {result['reason']}", soft_wrap=True)
    table = Table("figure", "people", title=f"PHM run {result['run_id']} at {result['index_date']}")
    for key in ("people", "ltc_2plus", "ltc_5plus", "ltc_8plus"):
        table.add_row(key, f"{result[key]:,}")
    for group in ("efi", "segments", "cohorts", "care_gaps"):
        for key, value in result[group].items():
            table.add_row(f"{group}: {key}", f"{value:,}")
    console.print(table)


@phm.command("worklist")
def worklist_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output file: .csv or .xlsx.")],
    practice: Annotated[Optional[str], typer.Option("--practice", help="GP practice code.")] = None,
    pcn: Annotated[Optional[str], typer.Option("--pcn", help="Primary care network code.")] = None,
    list_name: Annotated[str, typer.Option("--list", help="Which worklist (phm: cohorts and open care gaps).")] = "phm",
    db: DbOption = None,
) -> None:
    """Export the patient-level worklist of a practice or PCN (pseudonymised ids; secure zone only)."""
    from pophealth.cli.export_audit import export_scope, record_export
    from pophealth.errors import InputError, Problem
    from pophealth.phm.worklists import export, worklist

    if list_name != "phm":
        raise InputError([Problem("--list", f"unknown worklist {list_name!r}; expected 'phm'")])
    output_file(out, "--out")
    con = open_warehouse(db)
    try:
        _refuse_out_of_date(con)
        frame = worklist(con, practice=practice, pcn=pcn)
        export(frame, out)
        record_export(con, "phm worklist", export_scope(practice, pcn), out, len(frame))
    finally:
        con.close()
    console.print(f"{len(frame):,} people written to {out} (recorded in the audit log)")


def _refuse_out_of_date(con) -> None:  # noqa: ANN001
    """A worklist from a run of another population would list other people: refused, with the reason."""
    from pophealth.errors import ConfigError
    from pophealth.phm.run import latest_run
    from pophealth.warehouse.versions import run_currency

    run_id = latest_run(con)
    currency = run_currency(con, run_id) if run_id else None
    if currency is not None and not currency.current:
        raise ConfigError(f"no worklist written: {currency.reason}", hint="run `pophealth phm run` first")

"""``pophealth synth``: write a synthetic LLR population in OMOP CDM, or report its calibration."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, app, console, warehouse_path


@app.command("synth")
def synth(
    people: Annotated[int, typer.Option("--people", min=1, help="Number of people to generate.")] = 50_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed and size give the same data.")] = 1,
    report: Annotated[bool, typer.Option("--report", help="Report calibration of the population already in --db.")] = False,
    real: Annotated[bool, typer.Option("--real/--no-real", help="With --report, also check the population against the "
                                       "real QOF registers per sub-ICB and the JHWS 5+/8+ LTC figures.")] = True,
    db: DbOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Generate a synthetic LLR population (replacing any before), or with --report check its calibration."""
    from pophealth.synth.calibration import calibration_report
    from pophealth.synth.generate import generate
    from pophealth.warehouse import connect

    target = warehouse_path(db, create=create and not report)
    if report:
        con = connect(target)
        try:
            result = calibration_report(con, real=real)
        finally:
            con.close()
        if as_json:
            console.print_json(json.dumps(result))
        else:
            table = Table("check", "generated", "target", "tolerance", "ok", title="Synthetic population calibration")
            for c in result["checks"] + result.get("real_llr_checks", []):
                table.add_row(c["name"], str(c["generated"]), f"{c['target']:.4g}", c["tolerance"],
                              "[green]pass[/]" if c["passed"] else "[red]FAIL[/]")
            console.print(table)
        raise SystemExit(0 if result["all_passed"] else 1)  # typer.Exit is swallowed outside standalone mode
    _ensure_geography(target)
    with Progress(TextColumn("Generating people"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("synth", total=people)
        rows = generate(target, people, seed, progress=lambda n: bar.advance(task, n))
    if as_json:
        console.print_json(json.dumps(rows))
    else:
        console.print(", ".join(f"{t}: {n:,}" for t, n in rows.items()))


def _ensure_geography(target) -> None:
    """The generator links to the geography tables; load them first if this warehouse lacks them."""
    from pophealth.geography.load import load_geography
    from pophealth.warehouse import connect

    con = connect(target)
    try:
        if con.execute("SELECT count(*) FROM geo_lsoa21").fetchone()[0] == 0:
            load_geography(con)
    finally:
        con.close()

"""``indicators own EVENT --by LEVEL``: directly standardised rates from the warehouse's own patient records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cells import csv_frame
from pophealth.cli.app import DbOption, JsonOption, console, sub_app

indicators_app = sub_app("indicators", "Public-health indicators computed by pophealth.")
own_app = typer.Typer(help="Indicators from our own patient-level data (OMOP warehouse), by any area level.",
                      no_args_is_help=True)
indicators_app.add_typer(own_app, name="own")


def _run(event_slug: str, by: str, year: Optional[int], out: Optional[Path], unprotected: bool, db, as_json: bool) -> None:
    import pandas as pd

    from pophealth.cli.app import open_warehouse, output_file
    from pophealth.indicators.own_data import own_indicator, published, resolve, year_window
    from pophealth.omop import Cdm

    event, level, year = resolve(event_slug, by, year)
    if out is not None:
        output_file(out, "--out")
    con = open_warehouse(db)
    try:
        cdm = Cdm.of_warehouse(con)
        window = year_window(year)
        table = own_indicator(cdm, event, level, *window).table if unprotected else \
            published(cdm, event, level, *window)[1]
    finally:
        con.close()
    if out is not None:
        csv_frame(table).to_csv(out, index=False)
    if as_json:
        typer.echo(table.to_json(orient="records", indent=2))
        return
    shown = Table("area", "events", "person-years", f"rate {event.unit}", "95% CI", "vs all (95%)", "vs all (99.8%)",
                  title=f"{event.title} by {level.title.lower()}, {year}")
    for r in table.itertuples(index=False):
        ci = "" if pd.isna(r.lower95) else f"{r.lower95:,.1f} to {r.upper95:,.1f}"
        shown.add_row(str(r.area_name), "suppressed" if pd.isna(r.events_count) else f"{r.events_count:,.0f}",
                      f"{r.person_years:,.0f}", "" if pd.isna(r.value) else f"{r.value:,.1f}", ci,
                      str(r.label95), str(r.label998))
    console.print(shown)
    if out is not None:
        console.print(f"wrote {out}" + ("" if unprotected else " (after disclosure control)"))


@own_app.command("emergency-admissions")
def emergency_admissions(
    by: Annotated[str, typer.Option("--by", help="Area level: practice, pcn, district, place, imd-decile, "
                                                 "ethnic-group.")] = "pcn",
    year: Annotated[Optional[int], typer.Option("--year", help="Calendar year (default 2025).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the table as CSV.")] = None,
    unprotected: Annotated[bool, typer.Option("--unprotected", help="Skip disclosure control (secure zone only).")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Emergency admissions per 100,000 person-years (DSR, ESP2013) by area, compared with all areas together."""
    _run("emergency-admissions", by, year, out, unprotected, db, as_json)

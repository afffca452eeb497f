"""``geography show``: the LLR reference geography, from the warehouse or the shipped files."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from pophealth.cli.app import JsonOption, console, sub_app

geography_app = sub_app("geography", "LLR reference geography: places, districts, sub-ICBs, LSOAs, practices.")


@geography_app.command("show")
def show(as_json: JsonOption = False) -> None:
    """Summarise the geography: each place and district with LSOAs, population, deprivation and practices."""
    from pophealth.geography.summary import geography_summary

    summary = geography_summary()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    table = Table(title="Leicester, Leicestershire and Rutland")
    for col in ("Area", "Type", "Code", "LSOAs (2021)", "Population (census 2021)", "LSOAs in most deprived 20%",
                "GP practices"):
        table.add_column(col, justify="left" if col in ("Area", "Type", "Code") else "right")
    for row in summary["areas"]:
        table.add_row(row["name"], row["type"], row["code"], f"{row['lsoas']:,}", f"{row['population']:,}",
                      f"{row['lsoas_core20']:,}", "" if row["practices"] is None else f"{row['practices']:,}")
    console.print(table)
    console.print(summary["attribution"], style="dim")

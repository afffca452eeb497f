"""``insights import | load-seeds | list | gaps``: engagement and insight records linked to priorities."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pophealth.cli.app import DbOption, JsonOption, console, sub_app, with_warehouse
from pophealth.cli.strategy import StrategyOption

insights_app = sub_app("insights", "Engagement and insight: what people told us, linked to priorities and actions.")


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())


@insights_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Insights CSV in the layout of docs/data-formats.md.")],
    db: DbOption = None, strategy: StrategyOption = None,
) -> None:
    """Check and load an insights CSV: all rows or none; a record already held (same id) is replaced."""
    from pophealth.insight.csv_import import import_insights
    from pophealth.strategy import load_strategy

    s = load_strategy(strategy)
    counts = with_warehouse(db, lambda con: import_insights(con, s, file, by="import"))
    console.print(f"[green]loaded[/] {file.name}: {_summary(counts)}")


@insights_app.command("load-seeds")
def load_seeds(db: DbOption = None, strategy: StrategyOption = None) -> None:
    """Load the first records, transcribed from the strategy documents (shipped with pophealth)."""
    from pophealth.insight.seeds import load_seed_insights
    from pophealth.strategy import load_strategy

    s = load_strategy(strategy)
    counts = with_warehouse(db, lambda con: load_seed_insights(con, s))
    console.print(f"[green]loaded[/] the insight records of the strategy documents: {_summary(counts)}")


@insights_app.command("list")
def list_records(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every insight record (staff view: unpublished records and small groups included)."""
    from pophealth.insight.store import list_insights

    records = with_warehouse(db, list_insights)
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=2))
        return
    table = Table("id", "date", "people", "group", "place", "published", "priorities", title="Insight records")
    for r in records:
        table.add_row(r.id, r.date or "not stated", "not stated" if r.people is None else f"{r.people:,}",
                      r.group or "", r.place or "", "yes" if r.published else "no", str(len(r.priorities)))
    console.print(table)


@insights_app.command("gaps")
def gaps(db: DbOption = None, strategy: StrategyOption = None, as_json: JsonOption = False) -> None:
    """The gap map: priorities with no insight, none from a PLUS group, or none from a place they serve."""
    from pophealth.insight.gaps import gap_map
    from pophealth.insight.store import list_insights
    from pophealth.strategy import load_strategy

    s = load_strategy(strategy)
    rows = gap_map(s, with_warehouse(db, list_insights))
    if as_json:
        typer.echo(json.dumps([{**asdict(r), "gaps": r.gaps} for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table("priority", "records", "gaps", title="Gaps in our insight")
    for r in rows:
        table.add_row(r.ref, str(r.records), "; ".join(r.gaps) or "none")
    console.print(table)

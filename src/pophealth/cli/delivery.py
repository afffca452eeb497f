"""``delivery ...``: the delivery plan tracker from the command line."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, open_warehouse, output_file, sub_app

delivery_app = sub_app("delivery", "Delivery plan tracking: actions, periods, updates, overdue and Excel round-trip.")
period_app = typer.Typer(help="Open and close reporting periods.", no_args_is_help=True)
delivery_app.add_typer(period_app, name="period")

class RollupBy(str, Enum):
    """The groupings a roll-up offers; anything else is refused by the command line."""

    priority = "priority"
    theme = "theme"
    programme = "programme"
    pledge = "pledge"


WhoOption = Annotated[str, typer.Option("--by", help="Your name, recorded in the change log.")]


def _con(db, create: bool = False):
    return open_warehouse(db, create=create)


@delivery_app.command("load")
def load(db: DbOption = None, strategy: Annotated[Optional[Path], typer.Option("--strategy")] = None,
         create: CreateOption = False) -> None:
    """Add every seed action from the strategy (idempotent; edits already made are kept)."""
    from pophealth.delivery.actions import load_strategy_actions

    con = _con(db, create)
    counts = load_strategy_actions(con, strategy)
    console.print("added: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@delivery_app.command("export")
def export(xlsx: Annotated[Path, typer.Option("--xlsx", help="Workbook to write.")], db: DbOption = None) -> None:
    """Write the tracker workbook (seed 003 layout; the same store always gives the same bytes)."""
    from pophealth.delivery.xlsx_export import export_workbook

    counts = export_workbook(_con(db), output_file(xlsx, "--xlsx"))
    console.print(f"wrote {xlsx}: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))


@delivery_app.command("import")
def import_(file: Path, db: DbOption = None, by: WhoOption = "workbook import") -> None:
    """Validate a tracker workbook and apply it all or nothing."""
    from pophealth.delivery.xlsx_import import import_workbook

    counts = import_workbook(_con(db), file, by)
    console.print(f"imported {file}: " + ", ".join(f"{k} {v} changed" for k, v in counts.items()))


@period_app.command("open")
def period_open(period: str, starts: Annotated[str, typer.Option(help="YYYY-MM-DD")],
                ends: Annotated[str, typer.Option(help="YYYY-MM-DD")], by: WhoOption, db: DbOption = None) -> None:
    """Open a reporting period (only one may be open)."""
    from pophealth.delivery.periods import open_period

    p = open_period(_con(db), period, _date(starts, "--starts"), _date(ends, "--ends"), by)
    console.print(f"opened {p.period_id} ({p.starts} to {p.ends})")


@period_app.command("close")
def period_close(period: str, by: WhoOption, db: DbOption = None) -> None:
    """Close a reporting period; its updates are then fixed."""
    from pophealth.delivery.periods import close_period

    p = close_period(_con(db), period, by)
    console.print(f"closed {p.period_id} at {p.closed_at}")


@delivery_app.command("update")
def update(ref: str, version: Annotated[int, typer.Option(help="The version you are updating (see `delivery show`).")],
           stage: Annotated[str, typer.Option()], overall: Annotated[str, typer.Option()],
           risk: Annotated[str, typer.Option()], trajectory: Annotated[str, typer.Option()],
           narrative: Annotated[str, typer.Option()], by: WhoOption,
           evidence: Annotated[Optional[str], typer.Option()] = None, db: DbOption = None) -> None:
    """Record a progress update in the open period (refused if the action changed since VERSION)."""
    from pydantic import ValidationError

    from pophealth.delivery.updates import record_update
    from pophealth.errors import InputError, Problem

    try:
        u = record_update(_con(db), ref, version, stage=stage, overall_rag=overall, risk_rag=risk,
                          trajectory_rag=trajectory, narrative=narrative, evidence=evidence, editor=by)
    except ValidationError as exc:
        raise InputError([Problem("command line", e["msg"], column=str(e["loc"][0])) for e in exc.errors()]) from None
    console.print(f"{ref} is now at version {u.version} ({u.stage}, {u.overall_rag}) in {u.period_id}")


@delivery_app.command("show")
def show(ref: str, db: DbOption = None, as_json: JsonOption = False) -> None:
    """One action with its update history."""
    from pophealth.delivery.actions import get_action
    from pophealth.delivery.updates import history

    con = _con(db)
    a, hist = get_action(con, ref), history(con, ref)
    if as_json:
        typer.echo(json.dumps({"action": a.model_dump(mode="json"), "history": [u.model_dump(mode="json") for u in hist]},
                              indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{a.ref}[/] (version {a.version}): {a.we_will}\nTimescale: {a.timescale or '-'}; leads: {a.leads or '-'}")
    for u in hist:
        console.print(f"  v{u.version} {u.period_id}: {u.stage}, overall {u.overall_rag}, risk {u.risk_rag}, "
                      f"trajectory {u.trajectory_rag} ({u.editor}, {u.recorded_at})")


@delivery_app.command("overdue")
def overdue(db: DbOption = None, as_of: Annotated[Optional[str], typer.Option("--as-of")] = None,
            as_json: JsonOption = False) -> None:
    """Actions past the end of their timescale and not Complete."""
    from pophealth.delivery.tracker import filter_rows, tracker_rows

    rows = filter_rows(tracker_rows(_con(db), as_of=_date(as_of, "--as-of") if as_of else date.today()), overdue=True)
    if as_json:
        typer.echo(json.dumps([{"ref": r.action.ref, "timescale": r.action.timescale, "due": str(r.due),
                                "stage": r.stage} for r in rows], indent=2))
        return
    table = Table(title=f"{len(rows)} overdue actions")
    for col in ("Ref", "Timescale", "Due by", "Stage", "We will"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.action.ref, r.action.timescale, str(r.due), r.stage or "-", r.action.we_will[:70])
    console.print(table)


@delivery_app.command("rollup")
def rollup_cmd(by: Annotated[RollupBy, typer.Option("--by", help="What to group the actions by.")] = RollupBy.theme,
               period: Annotated[Optional[str], typer.Option()] = None, db: DbOption = None,
               strategy: Annotated[Optional[Path], typer.Option("--strategy", help="Strategy folder (for the pledges).")] = None,
               as_json: JsonOption = False) -> None:
    """RAG roll-up with the share rated, unrated and overdue counts (rule: docs/delivery-tracking.md)."""
    from pophealth.delivery.rollup import rollup
    from pophealth.delivery.tracker import tracker_rows

    con = _con(db)
    always: list[tuple[str, str]] = []
    if by is RollupBy.pledge:  # every pledge, even one no action is linked to yet
        from pophealth.strategy import load_strategy

        always = [(str(p.number), f"Pledge {p.number}") for p in load_strategy(strategy).pledges]
    groups = rollup(tracker_rows(con, period), by.value, always)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps([g.model_dump() for g in groups], indent=2, ensure_ascii=False))
        return
    table = Table()
    for col in ("Group", "Roll-up", "Rated", "Actions", "Red", "Amber", "Green", "Not rated", "Overdue"):
        table.add_column(col)
    for g in groups:
        table.add_row(g.label[:60], g.rag, g.rated_text,
                      *(str(x) for x in (g.actions, g.red, g.amber, g.green, g.not_rated, g.overdue)))
    console.print(table)


def _date(text: str, option: str) -> date:
    from pophealth.errors import InputError, Problem

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Problem("command line", f"expected a date YYYY-MM-DD, got {text!r}", column=option)) from None

"""``boards ...``: organisations, boards, members and the meeting calendar from the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, open_warehouse, sub_app

boards_app = sub_app("boards", "Boards, their members and meeting calendar; partner organisations and people.")
WhoOption = Annotated[str, typer.Option("--by", help="Your name, recorded in the change log.")]


@boards_app.command("load")
def load(db: DbOption = None, strategy: Annotated[Optional[Path], typer.Option("--strategy", help="Strategy folder whose boards/ register to load (default: the shipped LLR one).")] = None,
         create: CreateOption = False) -> None:
    """Add the organisations, boards, people and memberships of the register (idempotent; edits are kept)."""
    from pophealth.boards.store import load_shipped

    con = open_warehouse(db, create=create)
    try:
        counts = load_shipped(con, strategy)
    finally:
        con.close()
    console.print("added: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@boards_app.command("list")
def list_(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every board with its meetings (``--json``: id, name, meetings with id, date and demo flag)."""
    from pophealth.boards.store import list_boards, list_meetings

    con = open_warehouse(db)
    try:
        boards, meetings = list_boards(con), list_meetings(con)
    finally:
        con.close()
    rows = [{"id": b.id, "name": b.name, "programmes": b.programmes, "pledges": b.pledges,
             "meetings": [{"id": m.meeting_id, "date": m.meeting_date.isoformat(), "demo": m.demo}
                          for m in meetings if m.board_id == b.id]} for b in boards]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="Boards")
    for h in ("Id", "Name", "Meetings"):
        table.add_column(h)
    for r in rows:
        table.add_row(r["id"], r["name"], ", ".join(m["date"] + (" (demo)" if m["demo"] else "") for m in r["meetings"])
                      or "none yet")
    console.print(table)


@boards_app.command("add-meeting")
def add_meeting(board_id: Annotated[str, typer.Argument(help="The board's id (`pophealth boards list`).")],
                day: Annotated[str, typer.Argument(metavar="DATE", help="The meeting date, YYYY-MM-DD.")],
                demo: Annotated[bool, typer.Option("--demo", help="A meeting for a test or demonstration: flagged, never public.")] = False,
                db: DbOption = None, by: WhoOption = "command line", as_json: JsonOption = False) -> None:
    """Add a meeting to a board's calendar."""
    from pophealth.boards.store import add_meeting as add
    from pophealth.errors import ConfigError

    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise ConfigError(f"DATE must look like 2025-03-27 (year-month-day), not {day!r}") from None
    con = open_warehouse(db)
    try:
        m = add(con, board_id, when, by, demo=demo)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps({"id": m.meeting_id, "board": m.board_id, "date": m.meeting_date.isoformat(),
                               "demo": m.demo}, indent=2))
        return
    console.print(f"added meeting {m.meeting_id}{' (demonstration)' if m.demo else ''}")

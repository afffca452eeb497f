"""``measures grant|revoke|editors``: who may write each measure's narrative."""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Optional

import typer

from pophealth.cli.app import DbOption, JsonOption, console, sub_app
from pophealth.cli.strategy import StrategyOption

measures_app = sub_app("measures", "Pledge measures: who may write each measure's narrative.")

UserArg = Annotated[str, typer.Argument(help="Account name (an action lead).")]
MeasureArg = Annotated[str, typer.Argument(help="Measure id from the catalogue, e.g. cancer-62-day.")]
ByOption = Annotated[Optional[str], typer.Option("--by", help="Who grants (default: the operating-system user).")]


def _run(db, strategy_dir, action):  # noqa: ANN001, ANN202 - small wrapper shared by the commands
    from pophealth.strategy import load_strategy
    from pophealth.warehouse import connect

    strategy = load_strategy(strategy_dir)
    con = connect(db)
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

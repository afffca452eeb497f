"""``strategy validate`` and ``strategy show``: the register as data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import JsonOption, console, sub_app

strategy_app = sub_app("strategy", "The strategy register: pledges, priorities, focuses and actions.")

StrategyOption = Annotated[
    Optional[Path],
    typer.Option("--strategy", help="Strategy folder (default: the LLR strategy shipped with pophealth).",
                 envvar="POPHEALTH_STRATEGY"),
]


@strategy_app.command("validate")
def validate(strategy: StrategyOption = None) -> None:
    """Check a strategy folder; problems name the file, the path inside it and what was expected."""
    from pophealth.strategy import load_strategy

    s = load_strategy(strategy)
    console.print(
        f"[green]valid[/]: {len(s.pledges)} pledges, {len(s.delivery_priorities)} delivery priorities "
        f"with {s.intervention_count} interventions, {len(s.focuses)} focuses with "
        f"{s.focus_action_count} actions, {len(s.jhws.priorities)} JHWS priorities, "
        f"{len(s.leicester.themes)} Leicester themes with "
        f"{sum(len(t.priorities) for t in s.leicester.themes)} priorities, {len(s.enablers)} enablers with "
        f"{sum(len(e.actions) for e in s.enablers)} actions, "
        f"{len(s.rutland.priorities) if s.rutland else 0} Rutland JHWS priorities, "
        f"{len(s.observations)} dated case-study figures"
    )


@strategy_app.command("show")
def show(strategy: StrategyOption = None, as_json: JsonOption = False) -> None:
    """Show the register (``--json``: the whole register as one object)."""
    from pophealth.strategy import load_strategy
    from pophealth.strategy.export import strategy_as_dict

    s = load_strategy(strategy)
    if as_json:
        typer.echo(json.dumps(strategy_as_dict(s), ensure_ascii=False, indent=2))
        return
    table = Table(title=s.about.name)
    table.add_column("Pledge", justify="right")
    table.add_column("Text")
    table.add_column("Delivery priorities")
    for p in s.pledges:
        table.add_row(str(p.number), p.text, ", ".join(p.delivery_priorities))
    console.print(table)

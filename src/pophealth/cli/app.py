"""The Typer application and options shared by every command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional, TypeVar

import typer
from rich.console import Console

app = typer.Typer(
    name="pophealth",
    help="Population health intelligence and strategy delivery for an integrated care system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
console_err = Console(stderr=True)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Warehouse file (default: $POPHEALTH_DB, then data/pophealth.duckdb).",
                 envvar="POPHEALTH_DB", show_envvar=True),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
T = TypeVar("T")


def sub_app(name: str, help_text: str) -> typer.Typer:
    """Create a command group and attach it to the main application."""
    group = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def with_warehouse(db: Path | None, work: Callable[..., T]) -> T:
    """``work(con)`` on the warehouse, closed afterwards whatever happens."""
    from pophealth.warehouse import connect

    con = connect(db)
    try:
        return work(con)
    finally:
        con.close()

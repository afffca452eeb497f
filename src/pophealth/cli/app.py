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


@app.callback()
def _settings(ctx: typer.Context) -> None:
    # One Settings object per command, from the environment (pophealth.settings); cleared when it ends.
    from pophealth.settings import Settings, activate

    activate(Settings.load())
    ctx.call_on_close(lambda: activate(None))

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Warehouse file (default: $POPHEALTH_DB, then data/pophealth.duckdb).",
                 envvar="POPHEALTH_DB", show_envvar=True),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CreateOption = Annotated[bool, typer.Option(
    "--create", help="Create the warehouse if the --db file does not exist (otherwise a missing file is refused).")]
T = TypeVar("T")


def sub_app(name: str, help_text: str) -> typer.Typer:
    """Create a command group and attach it to the main application."""
    group = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


def warehouse_path(db: Path | None, *, create: bool = False) -> Path:
    """The warehouse file a command will use; a missing file is refused unless ``create``.

    Why: DuckDB creates any file it is asked to open, so a mistyped ``--db`` used to leave a new
    empty warehouse behind and then report "no data". Only ``init``, ``demo`` and commands given
    ``--create`` may create one (docs/cli-conventions.md).
    """
    from pophealth.config import db_path
    from pophealth.errors import ConfigError

    path = db_path(db)
    if not create and str(path) != ":memory:" and not path.is_file():
        raise ConfigError(f"the warehouse {path} does not exist; nothing was created",
                          hint=f"check --db (or POPHEALTH_DB), or create it with `pophealth init --db {path}`")
    return path


def open_warehouse(db: Path | None, *, create: bool = False, read_only: bool = False):  # noqa: ANN201
    """A connection to an existing warehouse (or a new one when ``create``)."""
    from pophealth.warehouse import connect

    path = warehouse_path(db, create=create)
    return connect(path, read_only=True) if read_only else connect(path)


def output_file(path: Path, option: str = "--output") -> Path:
    """An output file whose folder must already exist: a mistyped folder is refused, never created."""
    from pophealth.errors import ConfigError

    folder = Path(path).parent
    if not folder.is_dir():
        raise ConfigError(f"{option}: the folder {folder} does not exist; nothing was written",
                          hint="create the folder first, or check the path")
    return Path(path)


def output_folder(path: Path, option: str = "--out") -> Path:
    """An output folder that may be created, but only inside a folder that exists."""
    return output_file(path, option) if not Path(path).is_dir() else Path(path)


def with_warehouse(db: Path | None, work: Callable[..., T], *, create: bool = False) -> T:
    """``work(con)`` on an existing warehouse, closed afterwards whatever happens."""
    con = open_warehouse(db, create=create)
    try:
        return work(con)
    finally:
        con.close()

"""``init``, ``demo`` and ``serve``: the warehouse and the web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pophealth.cli.app import DbOption, JsonOption, app, console, warehouse_path
from pophealth.config import db_path


@app.command()
def init(db: DbOption = None) -> None:
    """Create the warehouse file (if needed) and apply schema migrations."""
    from pophealth.warehouse import connect
    from pophealth.warehouse.migrate import apply_migrations

    con = connect(db, migrate=False)
    applied = apply_migrations(con)
    con.close()
    if applied:
        for m in applied:
            console.print(f"applied {m.version:04d}_{m.name}")
    else:
        console.print("schema up to date")
    console.print(f"warehouse: {db_path(db)}")


@app.command()
def demo(
    db: DbOption = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo warehouse, then stop.")] = False,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Build the demo warehouse (skipping what is already built) and open the web app."""
    from pophealth.demo import build_demo

    build_demo(db_path(db), console=console)
    if not no_serve:
        _serve(db, host, port)


@app.command()
def serve(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port for the web app.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the web app over an existing warehouse."""
    warehouse_path(db)
    _serve(db, host, port)


def _serve(db, host: str, port: int) -> None:
    from pophealth.web.server import serve

    from rich.markup import escape

    def announce(note: str) -> None:  # once the warehouse is open (or its server found): never before a failure
        console.print(f"pophealth is running at [bold]http://{host}:{port}/[/] (Ctrl+C to stop)"
                      + (f" {escape(note)}" if note else ""))

    from pophealth.cli.served import run_forwarded

    serve(db_path(db), host, port, announce, runner=run_forwarded)


@app.command()
def routes(db: Annotated[Optional[Path], typer.Option("--db", hidden=True)] = None, as_json: JsonOption = False) -> None:
    """List every web route with its methods and the role it needs (no warehouse is read or created)."""
    import json

    from pophealth.web.app import create_app
    from pophealth.web.pages import route_registry

    del db  # kept for old scripts: the routes do not depend on the data
    info = route_registry(create_app(":memory:"))
    rows = [{"path": r.path, "methods": list(r.methods), "role": r.role} for r in info]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        console.print(f"{','.join(r['methods']):6} {r['path']:45} {r['role']}")

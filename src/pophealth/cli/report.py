"""``report board``: the pledge board pack; ``report meeting``: one board meeting's pack; ``report import-nhse``: statistics files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, open_warehouse, output_folder, sub_app
from pophealth.cli.strategy import StrategyOption

report_app = sub_app("report", "Pledge measures: import operational statistics, write the board pack and meeting packs.")


@report_app.command("board")
def board(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the HTML, PDF, XLSX and snapshot into.")],
    period: Annotated[Optional[str], typer.Option("--period", help="Reporting month YYYY-MM (default: the latest).")] = None,
    snapshot: Annotated[Optional[Path], typer.Option("--snapshot", help="Rebuild from a snapshot JSON written by an earlier pack.")] = None,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Skip the PDF (quicker drafts).")] = False,
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the board pack: a summary matrix of every measure, then a section per pledge."""
    from pophealth.measures.tracking import take_snapshot
    from pophealth.reports.board_pack import read_snapshot, write_board_pack

    if snapshot is not None:
        snap = read_snapshot(snapshot)
    else:
        from pophealth.strategy import load_strategy

        con = open_warehouse(db)
        try:
            snap = take_snapshot(con, load_strategy(strategy), period)
        finally:
            con.close()
    files = write_board_pack(snap, output_folder(out), pdf=not no_pdf)
    if snapshot is None:  # a pack rebuilt from a snapshot describes the data of the snapshot's own pack
        from pophealth.cli.publish import record_versions

        con = open_warehouse(db)
        try:
            record_versions(con, "board pack", out)
        finally:
            con.close()
    written = {"period": snap.period, "html": str(files.html), "pdf": None if no_pdf else str(files.pdf),
               "xlsx": str(files.xlsx), "snapshot": str(files.snapshot)}
    if as_json:
        typer.echo(json.dumps(written, indent=2))
        return
    for kind, path in written.items():
        if path and kind != "period":
            console.print(f"{kind:8} {path}")
    console.print(f"Board pack for {snap.period} written to {out}")


@report_app.command("import-nhse")
def import_nhse(
    files: Annotated[list[Path], typer.Argument(help="Statistics files: NHS England A&E by-provider workbooks (.xls/.xlsx, any layout since 2015), NHS Digital QOF CCG-level workbooks, and the CSV/XLSX extracts (CWT, A&E, RTT, AmbSYS, GPAD, LDHC). Each file is recognised by its content.")],
    db: DbOption = None,
    create: CreateOption = False,
    as_json: JsonOption = False,
) -> None:
    """Load statistics into metric_observation: every file is validated first, then all load or none.

    Reloading a file changes nothing; a revised workbook replaces its month's (or QOF year's) rows.
    Every load is recorded in nhse_load_history (file, SHA-256, publisher, publication, periods, rows).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pophealth.sources.nhse_stats import load_nhse_files

    con = open_warehouse(db, create=create)
    try:
        if as_json or not console.is_terminal:
            counts = load_nhse_files(con, files)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                checking = bar.add_task("Validating", total=len(files))
                loading = bar.add_task("Loading", total=len(files))

                def step(stage: str, path: Path) -> None:
                    task = checking if stage == "validate" else loading
                    if stage == "load":
                        bar.update(checking, completed=len(files), description="Validated")
                    bar.update(task, advance=1, description=f"{'Validating' if task == checking else 'Loading'} "
                                                            f"{path.name}")

                counts = load_nhse_files(con, files, progress=step)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for name, n in counts.items():
        console.print(f"{name}: {n} observations")


@report_app.command("meeting")
def meeting(
    meeting_id: Annotated[str, typer.Argument(help="The meeting's id, e.g. leicestershire-hwb-2025-03-27 (`pophealth boards list`).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the HTML, PDF and XLSX into.")],
    public: Annotated[bool, typer.Option("--public", help="The public version: no names or narratives, counts checked by disclosure control.")] = False,
    no_pdf: Annotated[bool, typer.Option("--no-pdf", help="Skip the PDF (quicker drafts).")] = False,
    db: DbOption = None,
    strategy: StrategyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write the pack for one board meeting: its pledges' and priorities' measures, exceptions and changes."""
    from pophealth.reports.meeting_pack import build_meeting_pack, write_meeting_pack
    from pophealth.strategy import load_strategy

    con = open_warehouse(db)
    try:
        pack = build_meeting_pack(con, load_strategy(strategy), meeting_id, public=public)
    finally:
        con.close()
    files = write_meeting_pack(pack, output_folder(out), pdf=not no_pdf)
    written = {"meeting": meeting_id, "html": str(files.html), "pdf": files.pdf and str(files.pdf),
               "xlsx": str(files.xlsx), "pledges": len(pack.pledge_numbers), "priorities": len(pack.priorities),
               "exceptions": len(pack.exceptions)}
    if as_json:
        typer.echo(json.dumps(written, indent=2))
        return
    for kind in ("html", "pdf", "xlsx"):
        if written[kind]:
            console.print(f"{kind:8} {written[kind]}")
    console.print(f"Meeting pack for {meeting_id} written to {out}")

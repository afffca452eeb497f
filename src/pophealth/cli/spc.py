"""``spc batch``, ``spc chart`` and ``spc rebase ...``: XmR charts from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import CreateOption, DbOption, JsonOption, console, output_file, sub_app, with_warehouse
from pophealth.cli.strategy import StrategyOption

spc_app = sub_app("spc", "Statistical process control: XmR charts with Making Data Count rules.")
rebase_app = typer.Typer(help="Rebases (recalculation points): propose, approve, reject, withdraw, list.",
                         no_args_is_help=True)
spc_app.add_typer(rebase_app, name="rebase")

CasesOption = Annotated[Path, typer.Option("--cases", help="CSV, one row per series (layout: docs/data-formats.md).")]
PointsOption = Annotated[Path, typer.Option("--points", help="CSV of case_id, date, value (empty = missing).")]


@spc_app.command("batch")
def batch(
    cases: CasesOption,
    points: PointsOption,
    out_cases: Annotated[Path, typer.Option("--out-cases", help="Per-case results CSV to write.")],
    out_points: Annotated[Path, typer.Option("--out-points", help="Per-point results CSV to write.")],
    all_columns: Annotated[bool, typer.Option(
        "--all-columns", help="Also write value, rebase_group and the per-point indicators.")] = False,
) -> None:
    """Chart many series at once from CSV; inputs and outputs follow the reference layout."""
    from pophealth.spc.batch import run_batch, write_cases, write_points

    output_file(out_cases, "--out-cases")
    output_file(out_points, "--out-points")
    result = run_batch(cases, points)
    write_points(result, out_points, all_columns=all_columns)
    write_cases(result, out_cases)
    console.print(
        f"[green]✓[/] {len(result.series)} series, {len(result.points)} points → {out_cases}, {out_points}"
    )


@spc_app.command("chart")
def chart(
    cases: CasesOption,
    points: PointsOption,
    case_id: Annotated[str, typer.Option("--case", help="The case_id to draw.")],
    out: Annotated[Path, typer.Option("--out", help="SVG file to write.")],
    title: Annotated[Optional[str], typer.Option("--title", help="Chart title (default: the case id).")] = None,
) -> None:
    """Draw one series as an SVG XmR chart with its variation and assurance icons."""
    from pophealth.spc.batch import run_one
    from pophealth.spc.chart import render_svg

    output_file(out, "--out")
    out.write_text(render_svg(run_one(cases, points, case_id), title=title or case_id), "utf-8")
    console.print(f"[green]✓[/] {out}")


@rebase_app.command("propose")
def rebase_propose(
    measure: Annotated[str, typer.Option("--measure", help="Measure id from the strategy's catalogue.")],
    date: Annotated[dt.datetime, typer.Option("--date", formats=["%Y-%m-%d"], help="First point of the new segment.")],
    rule: Annotated[str, typer.Option("--rule", help="Why it is proposed, e.g. 'manual' or 'shift_7'.")] = "manual",
    by: Annotated[Optional[str], typer.Option("--by", help="Who proposes it (empty for a rule).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Context for the approver.")] = None,
    strategy: StrategyOption = None,
    db: DbOption = None,
    create: CreateOption = False,
) -> None:
    """Propose a rebase; it has no effect until a person approves it."""
    from pophealth.measures.editors import check_measure
    from pophealth.spc.rebase import propose_rebase
    from pophealth.strategy import load_strategy

    check_measure(load_strategy(strategy), measure)
    proposal = with_warehouse(
        db, lambda con: propose_rebase(con, measure, date.date(), rule=rule, proposed_by=by, note=note),
        create=create)
    console.print(f"Proposed rebase {proposal} for {measure} at {date.date()} (awaiting approval)")


ProposalArg = Annotated[int, typer.Argument(help="Proposal number.")]


def _decide(db, proposal: int, decision: str, by: str, why: str) -> None:  # noqa: ANN001 - the --db option
    from pophealth.spc.rebase import decide

    with_warehouse(db, lambda con: decide(con, proposal, decision, by=by, reason=why))
    done = {"approve": "approved", "reject": "rejected", "withdraw": "withdrawn"}[decision]
    console.print(f"[green]✓[/] rebase {proposal} {done} by {by}")


@rebase_app.command("approve")
def rebase_approve(
    proposal: ProposalArg,
    by: Annotated[str, typer.Option("--by", help="Who approves it.")],
    why: Annotated[str, typer.Option("--why", help="Why the process has changed.")],
    db: DbOption = None,
) -> None:
    """Approve a proposed rebase: from now on the measure's chart recalculates its limits there."""
    _decide(db, proposal, "approve", by, why)


@rebase_app.command("reject")
def rebase_reject(
    proposal: ProposalArg,
    by: Annotated[str, typer.Option("--by", help="Who rejects it.")],
    why: Annotated[str, typer.Option("--why", help="Why the limits should not break there.")],
    db: DbOption = None,
) -> None:
    """Turn a proposed rebase down: it stays on record and never takes effect."""
    _decide(db, proposal, "reject", by, why)


@rebase_app.command("withdraw")
def rebase_withdraw(
    proposal: Annotated[int, typer.Argument(help="Number of an approved proposal.")],
    by: Annotated[str, typer.Option("--by", help="Who withdraws it.")],
    why: Annotated[str, typer.Option("--why", help="Why the approval is taken back.")],
    db: DbOption = None,
) -> None:
    """Take back an approved rebase: the chart's limits no longer break there; the record stays."""
    _decide(db, proposal, "withdraw", by, why)


@rebase_app.command("list")
def rebase_list(
    measure: Annotated[Optional[str], typer.Option("--measure", help="Only this measure.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every proposed rebase with its state: pending, approved, rejected or withdrawn."""
    from pophealth.spc.rebase import list_rebases

    rows = with_warehouse(db, lambda con: list_rebases(con, measure))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    table = Table(title="SPC rebases")
    for col in ("id", "measure", "date", "rule", "proposed", "state", "by", "why"):
        table.add_column(col)
    for r in rows:
        withdrawn = r.state == "withdrawn"
        table.add_row(str(r.proposal_id), r.measure_id, str(r.point_date), r.rule, str(r.proposed_at)[:19],
                      r.state if r.decision else "[dim]pending[/]",
                      (r.withdrawn_by if withdrawn else r.decided_by) or "",
                      (r.withdrawal_reason if withdrawn else r.reason) or "")
    console.print(table)

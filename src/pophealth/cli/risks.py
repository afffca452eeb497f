"""``risks ...`` and ``resources ...``: the risk and issue log, and the money behind actions."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cli.app import DbOption, JsonOption, console, open_warehouse, sub_app

risks_app = sub_app("risks", "The risk and issue log: the highest open score (5x5 NHS matrix) sets an action's "
                             "risk/issue RAG.")
resources_app = sub_app("resources", "Money behind actions (amount, source, year, prevention or not) and the "
                                     "prevention spend finance return (the pledge 2 measure).")

WhoOption = Annotated[str, typer.Option("--by", help="Your name, recorded in the change log.")]
Level = Annotated[int, typer.Option(min=1, max=5, help="1 (rare / negligible) to 5 (almost certain / catastrophic).")]


class Kind(str, Enum):
    risk = "risk"
    issue = "issue"


class Status(str, Enum):
    open = "open"
    closed = "closed"


def _date(text: str | None, option: str) -> date | None:
    from pophealth.errors import InputError, Problem

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(Problem("command line", f"expected a date YYYY-MM-DD, got {text!r}", column=option)) from None


@risks_app.command("add")
def add(title: str, owner: Annotated[str, typer.Option(help="Who owns the risk.")], likelihood: Level, impact: Level,
        by: WhoOption, action: Annotated[Optional[str], typer.Option("--action", help="The action's Ref.")] = None,
        priority: Annotated[Optional[str], typer.Option("--priority", help="Or the priority id.")] = None,
        kind: Annotated[Kind, typer.Option("--type", help="risk (may happen) or issue (has happened).")] = Kind.risk,
        mitigation: Annotated[Optional[str], typer.Option()] = None,
        review: Annotated[Optional[str], typer.Option("--review", help="Review date, YYYY-MM-DD.")] = None,
        db: DbOption = None) -> None:
    """Add an open risk or issue to an action (or a priority)."""
    from pophealth.delivery.risks import add_risk

    r = add_risk(open_warehouse(db), kind=kind.value, title=title, owner=owner, likelihood=likelihood, impact=impact,
                 action_ref=action, priority_id=priority, mitigation=mitigation,
                 review_date=_date(review, "--review"), who=by)
    console.print(f"added {r.kind} {r.risk_id} to {r.action_ref or r.priority_id}: score {r.score} "
                  f"({r.grade}, {r.rag})")


@risks_app.command("list")
def list_(action: Annotated[Optional[str], typer.Option("--action")] = None,
          status: Annotated[Optional[Status], typer.Option("--status")] = None, db: DbOption = None,
          as_json: JsonOption = False) -> None:
    """The log, highest open score first."""
    from pophealth.delivery.risks import list_risks

    risks = list_risks(open_warehouse(db, read_only=True), action_ref=action, status=status and status.value)
    if as_json:
        typer.echo(json.dumps([{**r.model_dump(mode="json"), "score": r.score, "grade": r.grade, "rag": r.rag}
                               for r in risks], indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(risks)} risks and issues")
    for col in ("No", "Type", "Action / priority", "Title", "Owner", "L x I", "Score", "RAG", "Review", "Status", "Version"):
        table.add_column(col)
    for r in risks:
        table.add_row(str(r.risk_id), r.kind, r.action_ref or r.priority_id or "-", r.title[:50], r.owner[:30],
                      f"{r.likelihood} x {r.impact}", str(r.score), r.rag, str(r.review_date or "-"), r.status,
                      str(r.version))
    console.print(table)


@risks_app.command("edit")
def edit(risk_id: int, version: Annotated[int, typer.Option(help="The version you are changing (see `risks list`).")],
         by: WhoOption, likelihood: Annotated[Optional[int], typer.Option(min=1, max=5)] = None,
         impact: Annotated[Optional[int], typer.Option(min=1, max=5)] = None,
         title: Annotated[Optional[str], typer.Option()] = None, owner: Annotated[Optional[str], typer.Option()] = None,
         mitigation: Annotated[Optional[str], typer.Option()] = None,
         review: Annotated[Optional[str], typer.Option("--review")] = None,
         status: Annotated[Optional[Status], typer.Option("--status")] = None, db: DbOption = None) -> None:
    """Change a risk (refused if someone changed it since VERSION)."""
    from pophealth.delivery.risks import edit_risk

    changes = {k: v for k, v in {"likelihood": likelihood, "impact": impact, "title": title, "owner": owner,
                                 "mitigation": mitigation, "review_date": _date(review, "--review"),
                                 "status": status and status.value}.items() if v is not None}
    r = edit_risk(open_warehouse(db), risk_id, version, changes, by)
    console.print(f"{r.kind} {r.risk_id} is now at version {r.version}: score {r.score} ({r.rag}), {r.status}")


@risks_app.command("close")
def close(risk_id: int, version: Annotated[int, typer.Option(help="The version you are closing.")], by: WhoOption,
          db: DbOption = None) -> None:
    """Close a risk or issue: it stays in the log but no longer sets the action's RAG."""
    from pophealth.delivery.risks import close_risk

    r = close_risk(open_warehouse(db), risk_id, version, by)
    console.print(f"closed {r.kind} {r.risk_id} (version {r.version})")


@resources_app.command("add")
def resource_add(amount: Annotated[str, typer.Argument(help="Pounds, e.g. 125000 or 125000.50.")],
                 source: Annotated[str, typer.Option("--source", help="Where the money comes from.")],
                 year: Annotated[str, typer.Option("--year", help="Financial year, e.g. 2024/25.")], by: WhoOption,
                 action: Annotated[Optional[str], typer.Option("--action")] = None,
                 priority: Annotated[Optional[str], typer.Option("--priority")] = None,
                 prevention: Annotated[bool, typer.Option("--prevention/--not-prevention",
                                                          help="Whether it counts as prevention spend.")] = False,
                 note: Annotated[Optional[str], typer.Option()] = None, db: DbOption = None) -> None:
    """Record money behind an action (or a priority)."""
    from pophealth.delivery.resources import add_resource

    r = add_resource(open_warehouse(db), amount_gbp=amount, funding_source=source, financial_year_text=year,
                     prevention=prevention, action_ref=action, priority_id=priority, note=note, who=by)
    console.print(f"recorded £{r.amount_gbp:,.2f} for {r.action_ref or r.priority_id} in {r.financial_year}"
                  f"{' (prevention)' if r.prevention else ''}")


@resources_app.command("edit")
def resource_edit(resource_id: int,
                  version: Annotated[int, typer.Option(help="The version you are changing (see `resources list`).")],
                  by: WhoOption, amount: Annotated[Optional[str], typer.Option("--amount", help="Pounds.")] = None,
                  source: Annotated[Optional[str], typer.Option("--source")] = None,
                  year: Annotated[Optional[str], typer.Option("--year", help="e.g. 2024/25.")] = None,
                  prevention: Annotated[Optional[bool], typer.Option("--prevention/--not-prevention")] = None,
                  note: Annotated[Optional[str], typer.Option()] = None, db: DbOption = None) -> None:
    """Change a resource (refused if someone changed it since VERSION)."""
    from pophealth.delivery.resources import edit_resource

    changes = {k: v for k, v in {"amount_gbp": amount, "funding_source": source, "financial_year": year,
                                 "prevention": prevention, "note": note}.items() if v is not None}
    r = edit_resource(open_warehouse(db), resource_id, version, changes, by)
    console.print(f"resource {r.resource_id} is now at version {r.version}: £{r.amount_gbp:,.2f} in {r.financial_year}")


@resources_app.command("remove")
def resource_remove(resource_id: int,
                    version: Annotated[int, typer.Option(help="The version you are removing.")], by: WhoOption,
                    db: DbOption = None) -> None:
    """Remove a resource: it stays on record (status removed, history kept) but no longer counts."""
    from pophealth.delivery.resources import remove_resource

    r = remove_resource(open_warehouse(db), resource_id, version, by)
    console.print(f"removed resource {r.resource_id} (version {r.version})")


@resources_app.command("list")
def resource_list(action: Annotated[Optional[str], typer.Option("--action")] = None, db: DbOption = None,
                  as_json: JsonOption = False) -> None:
    """Recorded resources and the loaded prevention spend shares."""
    from pophealth.delivery.finance_return import prevention_shares
    from pophealth.delivery.resources import list_resources

    con = open_warehouse(db, read_only=True)
    items, shares = list_resources(con, action_ref=action), prevention_shares(con)
    if as_json:
        typer.echo(json.dumps({"resources": [r.model_dump(mode="json") for r in items],
                               "prevention_spend_share": shares}, indent=2, default=str))
        return
    table = Table(title=f"{len(items)} resources")
    for col in ("Number", "Action / priority", "Year", "Amount (GBP)", "Source", "Prevention", "Version"):
        table.add_column(col)
    for r in items:
        table.add_row(str(r.resource_id), r.action_ref or r.priority_id or "-", r.financial_year,
                      f"{r.amount_gbp:,.2f}", r.funding_source[:40], "yes" if r.prevention else "no", str(r.version))
    console.print(table)
    if not shares:
        console.print("Share of spend on prevention: no data yet. Load a finance return with "
                      "`pophealth resources import FILE` (layout in docs/data-formats.md).")
    for s in shares:
        console.print(f"Share of spend on prevention, {s['org_code']} {s['period_start']} to {s['period_end']}: "
                      f"{100 * s['value']:.1f}% (£{s['numerator']:,.0f} of £{s['denominator']:,.0f})")


@resources_app.command("import")
def resource_import(file: Path, db: DbOption = None) -> None:
    """Load a prevention spend finance return (all or nothing; a reload replaces the same periods)."""
    from pophealth.delivery.finance_return import load_finance_return

    counts = load_finance_return(open_warehouse(db), file)
    console.print(f"loaded {file}: {counts['lines']} lines, {counts['periods']} organisation periods")

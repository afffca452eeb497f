"""``phm risk train|report`` and ``phm eol-worklist``: the admission-risk model and last-year-of-life list.

The ``phm`` group is shared with the rest of the PHM commands: this module joins it when it is
already registered and creates it otherwise, so it must be imported after any module that creates
``phm`` with ``sub_app``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pophealth.cells import csv_row
from pophealth.cli.app import DbOption, JsonOption, app, console, console_err, open_warehouse, output_file, sub_app
from pophealth.errors import ConfigError, NotFoundError


def _phm_group() -> typer.Typer:
    for info in app.registered_groups:
        if info.name == "phm" and info.typer_instance is not None:
            return info.typer_instance
    return sub_app("phm", "Population health management: registers, frailty, risk, cohorts and worklists.")


phm_app = _phm_group()
risk_app = typer.Typer(help="Risk of emergency admission in the next 12 months (and 12-month mortality).",
                       no_args_is_help=True)
phm_app.add_typer(risk_app, name="risk")

CutoffOption = Annotated[Optional[str], typer.Option(
    "--cutoff", help="Evaluation cut-off T (YYYY-MM-DD); training uses T-365. Default 2025-03-31.")]


def _con(db):
    return open_warehouse(db)


def _date(text: str | None, default: dt.date) -> dt.date:
    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--cutoff {text!r} is not a date", hint="use YYYY-MM-DD") from None


@risk_app.command("train")
def train(db: DbOption = None, cutoff: CutoffOption = None,
          seed: Annotated[int, typer.Option("--seed", help="Seed for the model and the bootstrap.")] = 1,
          bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples for 95% CIs.")] = 200,
          as_json: JsonOption = False) -> None:
    """Train on the year before the cut-off, evaluate on the year after, store the scores and report."""
    from pophealth.phm.risk import DEFAULT_CUTOFF, latest_risk_report, run_risk

    con = _con(db)
    try:
        result = run_risk(con, _date(cutoff, DEFAULT_CUTOFF), seed=seed, reps=bootstrap)
        summary = latest_risk_report(con)
    finally:
        con.close()
    if as_json:
        console.print_json(json.dumps({"risk_model": summary, "runs": {k: v["run_id"] for k, v in result.items()},
                                       "last_year_of_life": result["death_12m"]["metrics"]["last_year_of_life"]}))
    else:
        _print_summary(summary)


@risk_app.command("report")
def report(db: DbOption = None, as_json: JsonOption = False,
           svg: Annotated[Optional[Path], typer.Option("--svg", help="Also write the calibration plot here.")] = None,
           full: Annotated[bool, typer.Option("--full", help="With --json: every stored figure.")] = False) -> None:
    """Show the latest admission-risk run: discrimination, calibration, case finding, fairness."""
    from pophealth.phm.risk import latest_risk_report, latest_run

    con = _con(db)
    try:
        summary, run = latest_risk_report(con), latest_run(con)
    finally:
        con.close()
    if summary is None:
        raise NotFoundError("No risk model run in this warehouse", hint="run `pophealth phm risk train` first")
    if svg is not None:
        svg.write_text(run["calibration_svg"] or "", encoding="utf-8")
    if as_json:
        console.print_json(json.dumps({"risk_model": summary, **({"metrics": run["metrics"]} if full else {})}))
        return
    if summary.get("current") is False:
        console_err.print("Out of date: this model's scores were computed on a population the warehouse no "
                          "longer holds; run `pophealth phm risk train` again.", style="bold red")
    _print_summary(summary)
    for axis, rows in run["metrics"]["fairness"].items():
        table = Table("group", "people", "events", "observed", "predicted", "O/E", "slope", "PPV top 5%",
                      title=f"Fairness by {axis.replace('_', ' ')}")
        for r in rows:
            table.add_row(r["group"], f"{r['n']:,}", f"{r['events']:,}", _pct(r["observed"]), _pct(r["predicted"]),
                          _num(r["observed_expected"]), _num(r["calibration_slope"]), _pct(r["ppv_top5"]))
        console.print(table)


@phm_app.command("eol-worklist")
def eol_worklist(out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
                 practice: Annotated[Optional[str], typer.Option("--practice", help="ODS practice code.")] = None,
                 pcn: Annotated[Optional[str], typer.Option("--pcn", help="PCN code.")] = None,
                 db: DbOption = None) -> None:
    """People likely to be in their last year of life and not on the palliative care register."""
    from pophealth.cli.export_audit import export_scope, record_export
    from pophealth.phm.risk import latest_run
    from pophealth.phm.risk.store import DEATH
    from pophealth.warehouse.versions import product_current

    if (practice is None) == (pcn is None):
        raise ConfigError("Give exactly one of --practice or --pcn")
    output_file(out, "--out")
    con = _con(db)
    try:
        run = latest_run(con, DEATH)
        if run is None:
            raise NotFoundError("No mortality risk run in this warehouse", hint="run `pophealth phm risk train` first")
        if not product_current(con, "risk run", run["run_id"]):  # its person ids would be another population's
            raise ConfigError(f"no worklist written: the mortality risk run {run['run_id']} was computed on a "
                              "population the warehouse no longer holds", hint="run `pophealth phm risk train` again")
        column, code = ("practice_code", practice) if practice else ("pcn_code", pcn)
        # the list at the index date the model scored at; a run stored before that existed has its cut-off's
        table, scored = ("phm_eol_current", run["scored_at"]) if run["scored_at"] else ("phm_eol_worklist", run["cutoff"])
        cur = con.execute(
            f"SELECT person_id, practice_code, pcn_code, round(death_risk, 4) AS death_risk, rank, reasons "
            f"FROM {table} WHERE run_id = ? AND {column} = ? ORDER BY rank", [run["run_id"], code])
        header, rows = [d[0] for d in cur.description], cur.fetchall()
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(csv_row(header))
            writer.writerows(csv_row(r) for r in rows)
        record_export(con, "phm eol-worklist", export_scope(practice, pcn), out, len(rows))
    finally:
        con.close()
    console.print(f"wrote {out}: {len(rows)} people (run {run['run_id']}, scored at {scored}; recorded in the audit log)")


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _num3(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _ci(v: list | None) -> str:
    return "" if not v or v[0] is None else f" ({v[0]:.3f} to {v[1]:.3f})"


def _print_summary(s: dict) -> None:
    table = Table("measure", "value", title=f"Emergency admission risk, cut-off {s['cutoff']} (run {s['run_id']})")
    table.add_row("people / admitted", f"{s['n']:,} / {s['events']:,}")
    table.add_row("AUROC (95% CI)", f"{s['auroc']:.3f}{_ci(s['auroc_ci'])}")
    table.add_row("baseline AUROC: age + sex", f"{s['baseline_age_sex_auroc']:.3f}")
    table.add_row("baseline AUROC: age + sex + prior admissions", _num3(s.get("baseline_age_sex_prior_auroc")))
    table.add_row("baseline AUROC: LTC count", f"{s['baseline_ltc_auroc']:.3f}")
    table.add_row("calibration slope / intercept", f"{s['calibration_slope']:.3f} / {s['calibration_intercept']:.3f}")
    table.add_row("PPV top 1% / 5%", f"{_pct(s['ppv_top1'])} / {_pct(s['ppv_top5'])}")
    table.add_row("capture top 1% / 5%", f"{_pct(s['capture_top1'])} / {_pct(s['capture_top5'])}")
    console.print(table)

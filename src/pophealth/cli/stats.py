"""``pophealth stats METHOD``: the official public-health methods on an analyst's CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pophealth.cli.app import console, output_file, sub_app
from pophealth.errors import ConfigError

stats_app = sub_app("stats", "Public-health statistics (PHE/OHID methods) on CSV files.")

InputOpt = Annotated[Path, typer.Option("--input", "-i", help="Input CSV (layout: docs/data-formats.md).")]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="Output CSV to write.")]
GroupOpt = Annotated[Optional[str], typer.Option(
    "--group-by", help="Comma-separated grouping columns (e.g. area,sex).")]
ConfOpt = Annotated[Optional[str], typer.Option(
    "--confidence", help="Confidence levels, e.g. 0.95,0.998 (default both).")]
PoolOpt = Annotated[bool, typer.Option(
    "--pool", help="Combine several areas into one result on purpose (otherwise refused: group by the area).")]
SetOpt = Annotated[Optional[list[str]], typer.Option(
    "--set", help="Method parameter KEY=VALUE, repeatable (e.g. multiplier=100, seed=1).")]


def _params(pairs: list[str] | None) -> dict[str, str]:
    params = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects KEY=VALUE, got {pair!r}")
        params[key.strip()] = value.strip()
    return params


def _make_command(name: str, help_text: str) -> None:
    def command(input: InputOpt, output: OutputOpt, group_by: GroupOpt = None,
                confidence: ConfOpt = None, set_: SetOpt = None, pool: PoolOpt = False) -> None:
        output_file(output, "--output")
        from pophealth.stats.csv_io import run_csv

        groups = [col.strip() for col in (group_by or "").split(",") if col.strip()]
        try:
            from pophealth.stats.confidence import parse_levels

            parse_levels(confidence)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
        out = run_csv(name, input, output, group_by=groups, levels=confidence,
                      params=_params(set_), pool=pool)
        flagged = int((out["flag"] != "").sum()) if "flag" in out.columns else 0
        console.print(f"Wrote {len(out)} rows to {output}"
                      + (f" ({flagged} flagged: see the flag column)" if flagged else ""))

    command.__doc__ = help_text
    stats_app.command(name, help=help_text)(command)


def _register() -> None:
    from pophealth.stats_catalogue import METHOD_INFO  # light: no pandas at start-up

    for method in METHOD_INFO:
        _make_command(method.name, method.help)


_register()

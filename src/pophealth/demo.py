"""Building the demo warehouse as a list of steps; each step is skipped when already built.

A step records a fingerprint (its version and inputs) in ``build_steps``; re-running the demo
rebuilds only steps whose fingerprint changed, so a second ``make demo`` is quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console

from pophealth.warehouse import connect


@dataclass(frozen=True)
class DemoStep:
    name: str
    fingerprint: str  # change it (e.g. bump a version) to force a rebuild of this step
    run: Callable[[duckdb.DuckDBPyConnection, Console], None]


def demo_steps() -> list[DemoStep]:
    """Every step of the demo build, in order. Each part of the product adds its own."""
    from pophealth.boards.demo import boards_demo_step
    from pophealth.delivery.demo import delivery_demo_step
    from pophealth.geography.load import load_geography_step
    from pophealth.indicators.load import load_fingertips_step
    from pophealth.insight.seeds import insight_demo_step
    from pophealth.measures.demo import measures_demo_step
    from pophealth.phm.demo_step import phm_step
    from pophealth.synth.demo_step import synth_step

    return [load_geography_step(), load_fingertips_step(), measures_demo_step(), delivery_demo_step(),
            boards_demo_step(), insight_demo_step(), synth_step(), phm_step()]


def build_demo(db: Path, *, console: Console | None = None) -> None:
    """Run every demo step that is not already built into ``db``."""
    console = console or Console()
    con = connect(db)
    try:
        done = dict(con.execute("SELECT step, fingerprint FROM build_steps").fetchall())
        for step in demo_steps():
            if done.get(step.name) == step.fingerprint:
                console.print(f"[dim]✓ {step.name} (already built)[/]")
                continue
            console.print(f"• {step.name} …")
            step.run(con, console)
            con.execute(
                "INSERT OR REPLACE INTO build_steps VALUES (?, ?, now())", [step.name, step.fingerprint]
            )
            console.print(f"[green]✓ {step.name}[/]")
    finally:
        con.close()
    console.print(f"Demo warehouse ready: {db}")

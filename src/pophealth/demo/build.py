"""Building the demo warehouse as a list of steps; each step is skipped when already built.

A step records a fingerprint (its version and inputs) in ``build_steps``; re-running the demo
rebuilds only steps whose fingerprint changed, so a second ``make demo`` is quick.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from pophealth.demo.boards import boards_step
from pophealth.demo.delivery import delivery_step
from pophealth.demo.fingertips import fingertips_step
from pophealth.demo.geography import geography_step
from pophealth.demo.insight import insight_step
from pophealth.demo.measures import measures_step
from pophealth.demo.phm import phm_step
from pophealth.demo.step import DemoStep
from pophealth.demo.synth import synth_step
from pophealth.warehouse import connect


def demo_steps() -> list[DemoStep]:
    """Every step of the demo build, in order (one module of this package per part of the product)."""
    return [geography_step(), fingertips_step(), measures_step(), delivery_step(),
            boards_step(), insight_step(), synth_step(), phm_step()]


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

"""A warehouse with the demo measures data (real CWT extract, synthetic series, seed narratives)."""

from __future__ import annotations

from pathlib import Path

from pophealth.measures.demo import load_measures_demo
from pophealth.warehouse import connect


def demo_measures_db(folder: Path) -> Path:
    path = folder / "w.duckdb"
    con = connect(path)
    try:
        load_measures_demo(con)
    finally:
        con.close()
    return path



def grant_editor(app, username: str, measure_id: str, role: str = "action_lead") -> None:
    """Make ``username`` (created if needed) an editor of ``measure_id`` in the app's warehouse."""
    from pophealth.measures.editors import grant
    from tests.auth_support import ensure_user

    ensure_user(app, username, role)
    con = app.state.con.cursor()
    try:
        grant(con, app.state.strategy, username, measure_id, "test setup")
    finally:
        con.close()

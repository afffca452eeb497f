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


PASSWORD = "a long enough password"


def add_action_lead(app, username: str = "cancer.lead") -> str:
    """An action-lead account on the app's warehouse; returns the username."""
    from pophealth.access.users import add_user

    con = app.state.con.cursor()
    try:
        add_user(con, username, PASSWORD, "action_lead", display_name="Cancer Programme Lead")
    finally:
        con.close()
    return username


def csrf_token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

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


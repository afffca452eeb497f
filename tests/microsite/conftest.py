"""A small demo warehouse (shipped Fingertips snapshot, demo tracker, demo measures) and its built site."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.delivery_support import build_demo_tracker
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.insight.seeds import load_seed_insights
from pophealth.measures.demo import load_measures_demo
from pophealth.microsite import build_site
from pophealth.boards.store import load_shipped as load_shipped_boards
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect


def demo_warehouse(path: Path) -> Path:
    con = connect(path)
    try:
        load_shipped_fingertips(con)
        build_demo_tracker(con)
        load_shipped_boards(con)
        load_measures_demo(con)
        load_seed_insights(con, load_strategy())
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return demo_warehouse(tmp_path_factory.mktemp("microsite-db") / "w.duckdb")


@pytest.fixture(scope="session")
def built_site(demo_db: Path, tmp_path_factory) -> Path:
    """The site of the full LLR strategy over the demo warehouse (built once per session)."""
    out = tmp_path_factory.mktemp("microsite") / "site"
    con = connect(demo_db)
    try:
        build_site(con, out)
    finally:
        con.close()
    return out

"""A warehouse holding the shipped LLR Fingertips snapshot, built once per module."""

from __future__ import annotations

import pytest

from pophealth.indicators.load import load_shipped_fingertips
from pophealth.warehouse import connect


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("ind") / "w.duckdb"
    con = connect(path)
    load_shipped_fingertips(con)
    yield con
    con.close()

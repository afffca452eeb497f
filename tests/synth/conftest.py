"""One small generated population shared by the synth tests (generation takes a few seconds)."""

from __future__ import annotations

import pytest

from pophealth.geography.load import load_geography
from pophealth.synth.generate import generate
from pophealth.warehouse import connect

SMALL = 20_000


def build(path, people: int, seed: int):
    con = connect(path)
    load_geography(con)
    con.close()
    generate(path, people, seed)
    return path


@pytest.fixture(scope="session")
def small_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("synth") / "small.duckdb", SMALL, 7)

"""Fixtures shared by the measures tests: the LLR strategy and a fresh warehouse connection."""

from __future__ import annotations

import pytest

from pophealth.strategy import load_strategy
from pophealth.warehouse import connect


@pytest.fixture(scope="module")
def llr():
    return load_strategy()


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    yield c
    c.close()

"""A warehouse with the strategy's actions and the shipped boards register loaded."""

from __future__ import annotations

import pytest

from pophealth.boards.store import load_shipped
from pophealth.delivery.actions import load_strategy_actions
from pophealth.warehouse import connect


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    load_strategy_actions(c)
    load_shipped(c)
    yield c
    c.close()

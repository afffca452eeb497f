"""A warehouse with the shipped strategy's actions loaded and one open period."""

from __future__ import annotations

from datetime import date

import pytest

from pophealth.delivery.actions import load_strategy_actions
from pophealth.delivery.periods import open_period
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect


@pytest.fixture(scope="session")
def strategy():
    return load_strategy()


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    load_strategy_actions(c)
    yield c
    c.close()


@pytest.fixture
def open_con(con):
    open_period(con, "2024-25 Q1", date(2024, 4, 1), date(2024, 6, 30), "Test")
    return con


def rate(con, ref, overall, *, stage="Delivery", risk="Green", trajectory="Green", editor="A Lead"):
    from pophealth.delivery.actions import get_action
    from pophealth.delivery.updates import record_update

    return record_update(con, ref, get_action(con, ref).version, stage=stage, overall_rag=overall, risk_rag=risk,
                         trajectory_rag=trajectory, narrative=f"{overall} this period", editor=editor)

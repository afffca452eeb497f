"""The shipped LLR register, loaded once per test session."""

from __future__ import annotations

import pytest

from pophealth.strategy import Strategy, load_strategy


@pytest.fixture(scope="session")
def register() -> Strategy:
    return load_strategy()

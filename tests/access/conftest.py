"""A fresh warehouse connection for the access tests."""

from __future__ import annotations

import pytest

from pophealth.warehouse import connect


@pytest.fixture
def con(db_file):
    c = connect(db_file)
    yield c
    c.close()

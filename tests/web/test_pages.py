"""Whole numbers read from addresses, queries and forms: ASCII digits only, never a 500 for "²"."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from pophealth.web.pages import page_number, whole_number
from tests.auth_support import signed_in_client


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("007", 7), ("0", 0), ("9" * 18, 10 ** 18 - 1)])
def test_digits_are_a_whole_number(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize("text", ["", "-2", "2.5", "x", "０", "²", "٣", " 3", "3 ", "9" * 19, "9" * 5000])
def test_anything_else_is_none(text):
    # str.isdigit accepts "０", "²" and "٣"; int() refuses "²" and reads the others
    assert whole_number(text) is None


@pytest.mark.parametrize(("text", "number"), [("3", 3), ("", 1), ("-2", 1), ("2.5", 1), ("x", 1), ("０", 1),
                                              ("²", 1), ("9" * 5000, 1), ("007", 7)])
def test_page_number_reads_digits_only(text, number):
    assert page_number(text) == number


@pytest.fixture(scope="module")
def client():
    app = create_app(":memory:", strategy_dir="tests/fixtures/strategy_min")
    yield signed_in_client(app, "analyst", "numbers_analyst")
    app.state.con.close()


@pytest.mark.parametrize("path", ["/delivery/risks/%C2%B2", "/delivery/resources/%C2%B2",
                                  "/api/delivery/risks/%C2%B2", "/delivery/risks/" + "9" * 25])
def test_an_id_that_is_no_number_is_not_found(client, path):
    assert client.get(path).status_code == 404

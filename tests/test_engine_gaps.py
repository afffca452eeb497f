"""A known engine gap is written down with the error it raises, and the marker cannot outlive the gap."""

from __future__ import annotations

pytest_plugins = ["pytester"]

SUITE = '''
import pytest

@pytest.fixture(params=["duckdb", "pyspark"])
def engine(request):
    return request.param

@pytest.mark.notimpl(["pyspark"], raises=NotImplementedError, reason="no such operation on Spark")
def test_gap(engine):
    if engine == "pyspark" and {broken}:
        raise NotImplementedError("not on Spark")
'''


def test_a_gap_that_raises_the_named_error_is_an_expected_failure(pytester):
    pytester.makepyfile(SUITE.format(broken=True))
    pytester.runpytest("-p", "tests.engine_gaps").assert_outcomes(passed=1, xfailed=1)


def test_a_marker_left_after_the_gap_is_closed_fails_the_run(pytester):
    pytester.makepyfile(SUITE.format(broken=False))
    pytester.runpytest("-p", "tests.engine_gaps").assert_outcomes(passed=1, failed=1)


def test_another_error_on_the_gap_engine_is_a_failure(pytester):
    pytester.makepyfile(SUITE.format(broken=True).replace('raise NotImplementedError("not on Spark")',
                                                          'raise KeyError("something else")'))
    pytester.runpytest("-p", "tests.engine_gaps").assert_outcomes(passed=1, failed=1)

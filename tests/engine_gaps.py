"""The ``notimpl`` marker for known engine gaps in the shared (DuckDB and PySpark) test suite."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.notimpl(["pyspark"], raises=SomeError, reason=...)`` marks a known engine gap, as Ibis's
    own suite does: on the named engines the test must fail with that error (a strict xfail), so a gap is
    written down with what it raises and the marker must go when the engine learns the operation."""
    for item in items:
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("engine")
        for mark in item.iter_markers("notimpl"):
            if engine in mark.args[0]:
                item.add_marker(pytest.mark.xfail(raises=mark.kwargs["raises"], strict=True,
                                                  reason=mark.kwargs.get("reason", f"not implemented on {engine}")))

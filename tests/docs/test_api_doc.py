"""docs/api.md: its pandas example runs against a real server over the demo data, as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pophealth.web.app import create_app
from tests.browser_support import live_server
from tests.microsite.conftest import demo_warehouse

DOC = Path(__file__).parents[2] / "docs" / "api.md"


def test_the_pandas_example_runs_and_gives_typed_columns(tmp_path, capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    app = create_app(demo_warehouse(tmp_path / "w.duckdb"))
    with live_server(app) as url:
        scope: dict = {}
        for block in blocks:
            exec(block.replace('BASE = "http://127.0.0.1:8000"', f'BASE = "{url}"'), scope)  # noqa: S102
    rows, worse, compare = scope["rows"], scope["worse"], scope["compare"]
    assert rows["value"].dtype.kind == "f" and rows["england_value"].dtype.kind == "f"
    assert len(worse) > 0 and set(worse.columns) == {"indicator", "sex", "period", "value", "england_value", "unit"}
    assert isinstance(scope["measure"]["latest_value"], float)
    assert compare.empty or list(compare.columns)[:5] == ["org", "label", "period", "value", "value_text"]
    assert capsys.readouterr().out.count("\n") >= len(worse)  # the table was printed


@pytest.mark.parametrize("field", ["value", "england_value", "lower_ci95", "upper_ci95", "indicator_id"])
def test_the_power_bi_types_are_the_ones_the_openapi_document_states(field):
    app = create_app(":memory:")
    schemas = app.openapi()["components"]["schemas"]
    row = next(s for s in schemas.values()
               if {"indicator_id", "england_value", "lower_ci95", "upper_ci95"} <= set(s.get("properties", {})))
    prop = row["properties"][field]
    kinds = {prop.get("type")} | {o.get("type") for o in prop.get("anyOf", [])}
    assert kinds & {"number", "integer"}, (field, prop)

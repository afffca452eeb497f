"""The RAG rule: every cell of the documented table, and the edge rules around it."""

from __future__ import annotations

import pytest

from pophealth.spc import xmr
from pophealth.spc.status import RAG_TABLE, status, status_from_icons

# Written from the table in docs/methods/spc.md (rows: assurance; columns: variation).
DOCUMENTED = {
    "pass": {"improvement_high": "green", "common_cause": "green", "concern_low": "amber"},
    "inconsistent": {"improvement_high": "amber", "common_cause": "amber", "concern_low": "red"},
    "fail": {"improvement_high": "amber", "common_cause": "red", "concern_low": "red"},
}


@pytest.mark.parametrize("assurance", sorted(DOCUMENTED))
@pytest.mark.parametrize("variation", ["improvement_high", "common_cause", "concern_low"])
def test_table(assurance: str, variation: str) -> None:
    got = status_from_icons(variation, assurance, target=1.0)
    assert got.rag == DOCUMENTED[assurance][variation]


def test_table_covers_every_combination() -> None:
    assert len(RAG_TABLE) == 9


def test_no_target_or_neutral_is_not_rated() -> None:
    assert status_from_icons("common_cause", None).rag == "not_rated"
    assert status_from_icons("neutral_high", None, improvement="neutral", target=3.0).rag == "not_rated"


def test_constant_series_is_judged_on_its_latest_value() -> None:
    meets = xmr([97.0] * 15, improvement="increase", target=95)
    assert meets.assurance_icon == "inconsistent" and not meets.limits_available
    assert status(meets).rag == "green"
    misses = xmr([97.0] * 15, improvement="decrease", target=95)
    assert status(misses).rag == "red"


def test_status_of_a_chart() -> None:
    # stable around 10 with narrow limits; target 0 is below the LPL: consistently passes
    result = xmr([10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10], improvement="increase", target=0)
    assert (result.variation_icon, result.assurance_icon) == ("common_cause", "pass")
    assert status(result).rag == "green"

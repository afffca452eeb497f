"""Financial-year timescales: examples from the plans and properties over all years."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.delivery.timescales import financial_year_of, parse_timescale

EXAMPLES = [
    ("23/24", date(2023, 4, 1), date(2024, 3, 31), False),
    ("23/24 to 25/26", date(2023, 4, 1), date(2026, 3, 31), False),
    ("23/24 – 24/25", date(2023, 4, 1), date(2025, 3, 31), False),
    ("23/24-26/27", date(2023, 4, 1), date(2027, 3, 31), False),
    ("24/25 & 25/26", date(2024, 4, 1), date(2026, 3, 31), False),
    ("From 27/28", date(2027, 4, 1), None, False),
    ("23/24 (?)", date(2023, 4, 1), date(2024, 3, 31), True),
    ("a) 23/24; b) 24/25 to 25/26", date(2023, 4, 1), date(2026, 3, 31), False),
]


@pytest.mark.parametrize("text,starts,ends,uncertain", EXAMPLES)
def test_plan_timescales(text, starts, ends, uncertain):
    ts = parse_timescale(text)
    assert (ts.starts, ts.ends, ts.uncertain) == (starts, ends, uncertain)


def test_undated_and_malformed():
    assert parse_timescale(None) is None and parse_timescale("Ongoing") is None
    with pytest.raises(ValueError, match="23/25"):
        parse_timescale("23/25")


def test_every_seed_intervention_timeline_is_dated(strategy):
    for d in strategy.delivery_priorities:
        for iv in d.interventions:
            assert parse_timescale(iv.timeline) is not None, iv.timeline


years = st.integers(min_value=0, max_value=96)  # "96/97" to "98/99": two-digit years
separators = st.sampled_from([" to ", "-", " – ", " & ", "–"])


@given(years, st.integers(min_value=0, max_value=2), separators)
def test_range_spans_first_start_to_last_end(first, extra, sep):
    last = first + extra
    text = f"{first:02d}/{first + 1:02d}{sep}{last:02d}/{last + 1:02d}"
    ts = parse_timescale(text)
    assert ts.starts == date(2000 + first, 4, 1)
    assert ts.ends == date(2001 + last, 3, 31)
    assert financial_year_of(ts.starts) == f"{first:02d}/{first + 1:02d}"
    assert financial_year_of(ts.ends) == f"{last:02d}/{last + 1:02d}"


@given(years, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)))
def test_overdue_exactly_after_the_last_year_ends(y, today):
    closed, open_ended = parse_timescale(f"{y:02d}/{y + 1:02d}"), parse_timescale(f"From {y:02d}/{y + 1:02d}")
    assert closed.overdue(today) == (today >= date(2001 + y, 4, 1))
    assert not open_ended.overdue(today)

"""The PHM facts behind the worklists, on hand-made records, and scope invariants on a synthetic practice."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from pophealth.care.extract import Extract
from pophealth.care.features import Facts, active_conditions, efi_category, on_palliative_register
from pophealth.care.scope import CareScope
from pophealth.care.worklists import WORKLISTS, scope_profile, select
from pophealth.errors import PermissionDenied
from pophealth.warehouse import connect

AS_OF = dt.date(2026, 3, 31)
days = st.none() | st.integers(min_value=1, max_value=4000)


def extract_of(records: dict[str, int | None]) -> Extract:
    """One person (id 1, aged 70) whose last record of each key was that many days before the index date."""
    people = pd.DataFrame({"person_id": [1], "identifier": ["1"], "sex": ["F"], "age": [70]})
    rows = [{"person_id": 1, "key": k, "first_date": pd.Timestamp(AS_OF) - pd.Timedelta(days=d),
             "last_date": pd.Timestamp(AS_OF) - pd.Timedelta(days=d), "n": 1, "last_value": None}
            for k, d in records.items() if d is not None]
    events = pd.DataFrame(rows, columns=["person_id", "key", "first_date", "last_date", "n", "last_value"])
    return Extract(AS_OF, people, events, pd.DataFrame(columns=["person_id", "code", "issues_12m", "last_issue"]))


@given(diagnosed=days, resolved=days)
def test_condition_is_active_only_when_diagnosed_after_the_latest_resolved_code(diagnosed, resolved):
    facts = Facts(extract_of({"ltc:copd": diagnosed, "ltcres:copd": resolved}))
    expected = diagnosed is not None and (resolved is None or diagnosed < resolved)  # fewer days ago = later
    assert bool(active_conditions(facts)["copd"][1]) is expected


@given(on=days, off=days)
def test_palliative_register_needs_a_code_not_followed_by_no_longer_indicated(on, off):
    facts = Facts(extract_of({"cohort:palliative_care": on, "cohort:palliative_care_not_indicated": off}))
    expected = on is not None and (off is None or on < off)
    assert bool(on_palliative_register(facts)[1]) is expected


@given(st.integers(min_value=0, max_value=36), st.integers(min_value=0, max_value=36))
def test_efi_categories_follow_the_score(a, b):
    order = ["fit", "mild", "moderate", "severe"]
    low, high = sorted((a, b))
    assert order.index(efi_category(low / 36)) <= order.index(efi_category(high / 36))
    assert efi_category(4 / 36) == "fit" and efi_category(5 / 36) == "mild"
    assert efi_category(12 / 36) == "moderate" and efi_category(13 / 36) == "severe"


@pytest.mark.parametrize("scope", [None, "", "practice:", "region:X"])
def test_no_scope_means_no_care_relationship(scope):
    with pytest.raises(PermissionDenied):
        CareScope.parse(scope)


def test_a_pcn_worklist_is_the_union_of_its_practices_worklists(care_warehouse):
    con = connect(care_warehouse)
    try:
        pcn = con.execute("SELECT pcn_code FROM person_geography GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        practices = [r[0] for r in con.execute("SELECT DISTINCT practice_code FROM person_geography WHERE pcn_code = ?",
                                               [pcn]).fetchall()]
        whole = scope_profile(con, CareScope("pcn", pcn))
        parts = {p: scope_profile(con, CareScope("practice", p)) for p in practices}
    finally:
        con.close()
    assert len(practices) > 1
    for worklist in WORKLISTS.values():
        together = set(select(whole, worklist)["person_id"])
        assert together == set().union(*(set(select(part, worklist)["person_id"]) for part in parts.values())), worklist.name

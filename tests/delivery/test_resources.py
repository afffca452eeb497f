"""Editing and removing resources: the version guard, removal that keeps history, and totals over active ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pophealth.delivery.audit import changes
from pophealth.delivery.resources import (add_resource, edit_resource, get_resource, list_resources, remove_resource,
                                          totals_by_action)
from pophealth.errors import ConflictError, InputError


def _add(con, amount="1000", ref="L2.1", **kw):
    return add_resource(con, amount_gbp=amount, funding_source="ICB", financial_year_text="2024/25", prevention=True,
                        action_ref=ref, who="A Lead", **kw)


def test_an_edit_names_the_version_it_read_and_a_stale_one_changes_nothing(con):
    r = _add(con)
    edited = edit_resource(con, r.resource_id, 1, {"amount_gbp": "2,500", "financial_year": "2025-26"}, "B Lead")
    assert (edited.amount_gbp, edited.financial_year, edited.version, edited.recorded_by) == (
        Decimal("2500.00"), "2025/26", 2, "B Lead")
    with pytest.raises(ConflictError, match="someone else changed it first"):
        edit_resource(con, r.resource_id, 1, {"amount_gbp": "1"}, "C Lead")
    assert get_resource(con, r.resource_id) == edited
    assert [c["who"] for c in changes(con, "resource", str(r.resource_id))] == ["A Lead", "B Lead"]


@pytest.mark.parametrize(("field", "value", "column"), [
    ("amount_gbp", "-1", "amount_gbp"), ("amount_gbp", "1.001", "amount_gbp"), ("financial_year", "2024/26",
                                                                                  "financial_year"),
    ("funding_source", "  ", "funding_source"), ("status", "deleted", "status")])
def test_a_bad_edit_names_the_field_and_changes_nothing(con, field, value, column):
    r = _add(con)
    with pytest.raises(InputError) as caught:
        edit_resource(con, r.resource_id, 1, {field: value}, "B Lead")
    assert [p.column for p in caught.value.problems] == [column]
    assert get_resource(con, r.resource_id) == r and len(changes(con, "resource")) == 1


def test_a_removed_resource_keeps_its_row_and_history_and_cannot_be_edited(con):
    r = _add(con)
    gone = remove_resource(con, r.resource_id, 1, "B Lead")
    assert (gone.status, gone.version, gone.amount_gbp) == ("removed", 2, r.amount_gbp)
    assert list_resources(con) == [] and list_resources(con, include_removed=True) == [gone]
    assert totals_by_action(con) == {}
    with pytest.raises(ConflictError, match="has been removed"):
        edit_resource(con, r.resource_id, 2, {"amount_gbp": "5"}, "B Lead")
    log = changes(con, "resource", str(r.resource_id))
    assert [(c["before"] and c["before"]["status"], c["after"]["status"]) for c in log] == [
        (None, "active"), ("active", "removed")]


def test_only_known_fields_are_editable(con):
    r = _add(con)
    with pytest.raises(ValueError, match="not editable"):
        edit_resource(con, r.resource_id, 1, {"action_ref": "L2.3"}, "B Lead")


OPS = st.lists(st.tuples(st.sampled_from(["add", "edit", "remove", "stale"]), st.integers(0, 5),
                         st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)),
               min_size=1, max_size=12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS)
def test_totals_are_the_active_amounts_and_the_log_has_one_row_per_change(con, ops):
    con.execute("DELETE FROM delivery_resource")
    con.execute("DELETE FROM delivery_change WHERE entity = 'resource'")
    amounts: dict[int, Decimal] = {}  # the model: active resource -> amount
    versions: dict[int, int] = {}
    refs: dict[int, str] = {}
    made = 0
    for op, pick, amount in ops:
        ids = sorted(amounts)
        if op == "add" or not ids:
            ref = "L2.1" if pick % 2 else "L2.3"
            r = _add(con, str(amount), ref=ref)
            amounts[r.resource_id], versions[r.resource_id], refs[r.resource_id] = amount, 1, ref
            made += 1
            continue
        rid = ids[pick % len(ids)]
        if op == "stale":
            with pytest.raises(ConflictError):
                edit_resource(con, rid, versions[rid] - 1, {"amount_gbp": str(amount)}, "X")
        elif op == "edit":
            edit_resource(con, rid, versions[rid], {"amount_gbp": str(amount)}, "X")
            amounts[rid], versions[rid], made = amount, versions[rid] + 1, made + 1
        else:
            remove_resource(con, rid, versions[rid], "X")
            del amounts[rid]
            made += 1
    expected: dict[str, Decimal] = {}
    for rid, amount in amounts.items():
        expected[refs[rid]] = expected.get(refs[rid], Decimal(0)) + amount
    assert totals_by_action(con) == expected
    assert {r.resource_id for r in list_resources(con)} == set(amounts)
    assert len(changes(con, "resource")) == made

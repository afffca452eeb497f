"""Cohorts from the versioned YAML definitions (``data/cohorts.yaml``), evaluated over the person facts.

The rules are the typed ``CohortRule`` models (model.py, checked at load); ``_test`` is the one dispatcher
that compiles a rule to an Ibis boolean expression.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from pophealth.phm.definitions import cohort_definitions, cohort_model
from pophealth.phm.model import CohortRule


def cohort_names() -> list[str]:
    return list(cohort_definitions()["cohorts"])


def recorded_lists() -> set[str]:
    """Every list a cohort rule asks about, so the facts table carries a column for it."""
    return _referenced("recorded")


def ltc_conditions_used() -> set[str]:
    """Every long-term condition a cohort rule asks about (column ``ltc_<name>`` in the facts)."""
    return _referenced("ltc")


def _referenced(test: str) -> set[str]:
    found: set[str] = set()

    def walk(rule: Any) -> None:
        if isinstance(rule, dict):
            if test in rule:
                found.add(rule[test])
            for v in rule.values():
                walk(v)
        elif isinstance(rule, list):
            for r in rule:
                walk(r)

    walk(cohort_definitions())
    return found


def recorded_column(list_id: str) -> str:
    return "rec_" + list_id.replace(".", "_")


def _all(parts: list[ir.BooleanValue]) -> ir.BooleanValue:
    expr = ibis.literal(True)
    for p in parts:
        expr &= p
    return expr


def _test(f: ir.Table, rule: CohortRule, done: dict[str, ir.BooleanValue]) -> ir.BooleanValue:
    """Every test set in ``rule`` must hold."""
    parts: list[ir.BooleanValue] = []
    if rule.all is not None:
        parts.extend(_test(f, r, done) for r in rule.all)
    if rule.any is not None:
        alts = [_test(f, r, done) for r in rule.any]
        expr = alts[0]
        for a in alts[1:]:
            expr |= a
        parts.append(expr)
    if rule.on_register is not None:
        parts.append(f[f"reg_{rule.on_register}"])
    if rule.ltc is not None:
        parts.append(f[f"ltc_{rule.ltc}"])
    if rule.recorded is not None:
        parts.append(f[recorded_column(rule.recorded)])
    for key in ("age", "imd_decile"):
        bounds = getattr(rule, key)
        if bounds is not None:
            col = f[key]
            if bounds.min is not None:
                parts.append((col >= bounds.min).fill_null(False))
            if bounds.max is not None:
                parts.append((col <= bounds.max).fill_null(False))
    if rule.ethnic_minority is not None:
        minority = f.ethnic_group.notin(["White", "Not recorded"])
        parts.append(minority if rule.ethnic_minority else ~minority)
    if rule.cohort is not None:
        parts.append(done[rule.cohort])
    return _all(parts)


def cohort_flags(facts: ir.Table) -> dict[str, ir.BooleanValue]:
    """Each cohort's membership as a boolean expression over the facts table, in file order."""
    done: dict[str, ir.BooleanValue] = {}
    for name, spec in cohort_model().cohorts.items():
        done[name] = _test(facts, spec.rule, done)
    return done


def cohorts_long(facts: ir.Table) -> ir.Table:
    """``person_id, cohort`` for every membership."""
    parts = [facts.filter(flag).select("person_id", cohort=ibis.literal(name)) for name, flag in cohort_flags(facts).items()]
    return ibis.union(*parts)

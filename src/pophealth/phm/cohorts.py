"""Cohorts from the versioned YAML definitions (``data/cohorts.yaml``), evaluated over the person facts."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from pophealth.errors import ConfigError
from pophealth.phm.definitions import cohort_definitions


def cohort_names() -> list[str]:
    return list(cohort_definitions()["cohorts"])


def recorded_lists() -> set[str]:
    """Every list a cohort rule asks about, so the facts table carries a column for it."""
    found: set[str] = set()

    def walk(rule: Any) -> None:
        if isinstance(rule, dict):
            if "recorded" in rule:
                found.add(rule["recorded"])
            for v in rule.values():
                walk(v)
        elif isinstance(rule, list):
            for r in rule:
                walk(r)

    walk(cohort_definitions())
    return found


def recorded_column(list_id: str) -> str:
    return "rec_" + list_id.replace(".", "_")


def _test(f: ir.Table, rule: dict[str, Any], done: dict[str, ir.BooleanValue]) -> ir.BooleanValue:
    parts: list[ir.BooleanValue] = []
    for key, arg in rule.items():
        if key == "all":
            parts.extend(_test(f, r, done) for r in arg)
        elif key == "any":
            alts = [_test(f, r, done) for r in arg]
            expr = alts[0]
            for a in alts[1:]:
                expr |= a
            parts.append(expr)
        elif key == "register":
            parts.append(f[f"reg_{arg}"])
        elif key == "recorded":
            parts.append(f[recorded_column(arg)])
        elif key in ("age", "imd_decile"):
            col = f[key]
            if "min" in arg:
                parts.append((col >= arg["min"]).fill_null(False))
            if "max" in arg:
                parts.append((col <= arg["max"]).fill_null(False))
        elif key == "ethnic_minority":
            minority = f.ethnic_group.notin(["White", "Not recorded"])
            parts.append(minority if arg else ~minority)
        elif key == "cohort":
            parts.append(done[arg])
        else:
            raise ConfigError(f"cohorts.yaml: unknown test {key!r}")
    expr = ibis.literal(True)
    for p in parts:
        expr &= p
    return expr


def cohort_flags(facts: ir.Table) -> dict[str, ir.BooleanValue]:
    """Each cohort's membership as a boolean expression over the facts table, in file order."""
    done: dict[str, ir.BooleanValue] = {}
    for name, spec in cohort_definitions()["cohorts"].items():
        done[name] = _test(facts, spec["rule"], done)
    return done


def cohorts_long(facts: ir.Table) -> ir.Table:
    """``person_id, cohort`` for every membership."""
    parts = [facts.filter(flag).select("person_id", cohort=ibis.literal(name)) for name, flag in cohort_flags(facts).items()]
    return ibis.union(*parts)

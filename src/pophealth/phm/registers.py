"""Condition registers from the code lists, with QOF-style rules.

A person is on a register when a code from its lists was recorded on or before the index date, and
- if the register has a *resolved* list: the latest diagnosis is later than the latest resolved code
  (asthma, COPD, CKD, depression, diabetes, epilepsy, heart failure; palliative care "no longer indicated");
- ``min_age``: aged at least that on the index date (QOF register ages, e.g. diabetes 17+);
- ``since``: the latest diagnosis is on or after that date (QOF cancer from 1 April 2003, depression 2006);
- ``prescribed``: a medicine of that list issued in the ``within_days`` days to the index date (QOF asthma:
  asthma drug treatment in the preceding 12 months; epilepsy: epilepsy drug treatment in 12 months).
Long-term conditions for counting (multimorbidity.py) use the same machinery with their own rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.phm.definitions import as_date, conditions, definitions


NO_LIMIT = dt.date(1800, 1, 1)


def register_specs() -> list[dict[str, Any]]:
    """Every register: one per long-term condition (QOF rules applied) plus the non-LTC registers."""
    specs = []
    for name, spec in conditions().items():
        rule = spec.get("register_rule", {})
        rx = rule.get("prescribed") or {}
        specs.append({"name": name, "lists": [f"ltc.{name}"], "resolved": f"ltc.{name}.resolved",
                      "min_age": rule.get("min_age"), "since": as_date(rule.get("since")),
                      "prescribed": rx.get("list"), "prescribed_within_days": rx.get("within_days")})
    for name, spec in definitions()["registers"].items():
        specs.append({"name": name, "lists": spec["lists"], "resolved": spec.get("resolved"),
                      "min_age": spec.get("min_age"), "since": as_date(spec.get("since"))})
    return specs


def register_names() -> list[str]:
    return [s["name"] for s in register_specs()]


def condition_dates(summary: ir.Table, specs: list[dict[str, Any]]) -> ir.Table:
    """``person_id, name, first_date, last_date, resolved_date, rx_date`` for each person with a diagnosis of
    each spec: the first and last diagnosis, the last resolved code and the last issue of the spec's medicine
    (null when none). One spec name may come twice (a condition's register and its LTC) only with the same
    diagnosis and resolved lists, so both rule sets can be applied to one grouping (``condition_status``); the
    medicine list is the one either names."""
    merged: dict[str, dict[str, Any]] = {}
    for s in specs:
        m = merged.setdefault(s["name"], {"name": s["name"], "lists": s["lists"], "resolved": s.get("resolved"),
                                          "prescribed": s.get("prescribed")})
        rx = s.get("prescribed")
        if (m["lists"], m["resolved"]) != (s["lists"], s.get("resolved")) or (
                rx and m["prescribed"] and rx != m["prescribed"]):
            raise ValueError(f"two specs named {s['name']!r} with different lists")
        m["prescribed"] = m["prescribed"] or rx
    unique = list(merged.values())
    lists = pd.DataFrame([(s["name"], lid, "dx") for s in unique for lid in s["lists"]]
                         + [(s["name"], s["resolved"], "res") for s in unique if s.get("resolved")]
                         + [(s["name"], s["prescribed"], "rx") for s in unique if s.get("prescribed")],
                         columns=["name", "list_id", "role"])
    mapping = ibis.memtable(lists)
    hits = summary.join(mapping, "list_id")
    dx = hits.filter(hits.role == "dx").group_by(["person_id", "name"]).aggregate(
        first_date=hits.first_date.min(), last_date=hits.last_date.max())
    res = hits.filter(hits.role == "res").group_by(["person_id", "name"]).aggregate(resolved_date=hits.last_date.max())
    rx = hits.filter(hits.role == "rx").group_by(["person_id", "name"]).aggregate(rx_date=hits.last_date.max())
    return (dx.left_join(res, ["person_id", "name"]).drop("person_id_right", "name_right")
            .left_join(rx, ["person_id", "name"]).drop("person_id_right", "name_right"))


def condition_status(summary: ir.Table, people: ir.Table, specs: list[dict[str, Any]],
                     index_date: dt.date, dates: ir.Table | None = None) -> ir.Table:
    """``person_id, name, first_date, last_date`` for each person meeting each spec's rules.

    Spec keys: ``lists``, ``resolved``, ``min_age``, ``since``, and ``first_within_days`` (first recorded
    no more than that many days before the index date). ``dates``: ``condition_dates`` of these specs' lists
    (of these specs and others), when already worked out; a spec only uses its medicine if it has a
    ``prescribed`` rule.
    """
    # no nulls in the rule table (engines convert nullable pandas columns differently): an open rule is
    # age 0 or a date before any record
    rules = pd.DataFrame([(s["name"], int(s.get("min_age") or 0), s.get("since") or NO_LIMIT,
                           NO_LIMIT if s.get("first_within_days") is None
                           else index_date - dt.timedelta(days=s["first_within_days"]),
                           bool(s.get("prescribed")),
                           index_date - dt.timedelta(days=int(s.get("prescribed_within_days") or 1) - 1))
                          for s in specs], columns=["name", "min_age", "since", "first_from", "needs_rx", "rx_from"])
    rules = rules.astype({"since": "datetime64[s]", "first_from": "datetime64[s]", "rx_from": "datetime64[s]"})
    rule = ibis.memtable(rules)
    dated = condition_dates(summary, specs) if dates is None else dates
    t = dated.join(rule, "name").join(people.select("person_id", "age"), "person_id")
    keep = (t.resolved_date.isnull() | (t.last_date > t.resolved_date))
    keep &= t.age >= t.min_age
    keep &= t.last_date >= t.since.cast("date")
    keep &= t.first_date >= t.first_from.cast("date")
    keep &= ~t.needs_rx | (t.rx_date >= t.rx_from.cast("date")).fill_null(False)
    return t.filter(keep).select("person_id", "name", "first_date", "last_date")


def registers(summary: ir.Table, people: ir.Table, index_date: dt.date, dates: ir.Table | None = None) -> ir.Table:
    """The register memberships of the population: ``person_id, register, first_date, last_date``
    (``dates``: see ``condition_status``)."""
    return condition_status(summary, people, register_specs(), index_date, dates).rename(register="name")

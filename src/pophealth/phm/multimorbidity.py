"""Multimorbidity: long-term conditions per person, 5+ and 8+, and the Cambridge Multimorbidity Score.

LTC rules (PHM.md §2.1): any diagnosis code on or before the index date; conditions with a resolved
cluster count only while active; cancer only if first diagnosed in the last 5 years; CKD stages 3-5 only
(the list is built that way); no age limits. ``ltc_count_qof`` counts only conditions with a QOF register.
CMS (Payne 2020, 20-item general outcome) is the sum of the weights of items present; items whose
prescription arm has no medicine list are computed from diagnoses only (CMS-dx), so the score is partial.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.phm.definitions import conditions, definitions
from pophealth.phm.registers import NO_LIMIT, condition_status


def ltc_specs() -> list[dict]:
    return [{"name": name, "lists": [f"ltc.{name}"], "resolved": f"ltc.{name}.resolved",
             "first_within_days": spec.get("ltc_first_within_days")}
            for name, spec in conditions().items()]


def ltc_conditions(summary: ir.Table, people: ir.Table, index_date: dt.date, dates: ir.Table | None = None
                   ) -> ir.Table:
    """``person_id, condition, first_date, last_date`` for every LTC present (counted or not); ``dates``: see
    ``registers.condition_status``."""
    return condition_status(summary, people, ltc_specs(), index_date, dates).rename(condition="name")


def _catalogue(index_date: dt.date) -> pd.DataFrame:
    def cms_from(days: int | None) -> dt.date:
        return NO_LIMIT if days is None else index_date - dt.timedelta(days=days - 1)

    rows = [(name, bool(spec["counts"]), bool(spec.get("qof")), spec.get("cms_item") or "",
             float(spec.get("cms_weight") or 0.0),
             cms_from(spec.get("cms_within_days")))
            for name, spec in conditions().items()]
    return pd.DataFrame(rows, columns=["condition", "counts", "qof", "cms_item", "cms_weight", "cms_from"]
                        ).astype({"cms_from": "datetime64[s]"})


def multimorbidity(ltc: ir.Table, index_date: dt.date) -> ir.Table:
    """Per person with any LTC: ``ltc_count, ltc_count_qof, cms_score`` (people with none are absent)."""
    cat = ibis.memtable(_catalogue(index_date))
    t = ltc.join(cat, "condition")
    counts = t.group_by("person_id").aggregate(
        ltc_count=t.counts.ifelse(1, 0).sum(), ltc_count_qof=(t.counts & t.qof).ifelse(1, 0).sum())
    scored = t.filter(t.cms_item != "", t.last_date >= t.cms_from.cast("date"))
    items = scored.select("person_id", "cms_item", "cms_weight").distinct()
    cms = items.group_by("person_id").aggregate(cms_score=items.cms_weight.sum().round(2))
    out = counts.left_join(cms, "person_id").drop("person_id_right")
    return out.mutate(cms_score=out.cms_score.fill_null(0.0))


def cms_partial_items() -> list[str]:
    """CMS items computed from diagnoses only until medicine lists are loaded."""
    return list(definitions()["cms_partial_items"])

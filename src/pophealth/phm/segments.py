"""Bridges to Health segments (Lynn 2007; NHS England B2H dataset) with LLR operational rules.

Each person gets exactly one segment, the first in priority order whose rule holds (PHM.md §3.4):
1 frailty_dementia: dementia register, or aged 65+ with eFI > 0.24 (moderate/severe), or housebound with
  eFI > 0.12; 2 organ_failure: end-stage renal disease, or latest eGFR < 15, or heart failure with >= 1
  emergency admission in 12 months, or COPD with >= 2 (admissions of any cause: no hospital diagnoses are
  linked yet); 3 incurable_cancer: cancer and on the palliative care register; 4 disability: learning
  disability or multiple sclerosis; 5 long_term_conditions: >= 1 LTC; 6 maternal_infant: aged under 1
  (no pregnancy code lists yet); 7 acutely_ill: an emergency admission or A&E attendance in 12 months;
  8 healthy: none of these. The LTC segment carries a level: 1, 2-4, 5-7 or 8+ conditions.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

SEGMENTS = ("frailty_dementia", "organ_failure", "incurable_cancer", "disability", "long_term_conditions",
            "maternal_infant", "acutely_ill", "healthy")


def segment_rules(f: ir.Table) -> list[tuple[str, ir.BooleanValue]]:
    """The rule of each segment over the person facts table, in priority order."""
    efi = f.efi_score.fill_null(0)
    return [
        ("frailty_dementia", f.reg_dementia | ((f.age >= 65) & (efi > 0.24)) | (f.housebound & (efi > 0.12))),
        ("organ_failure", f.reg_end_stage_renal_disease | (f.egfr_latest < 15).fill_null(False)
         | (f.reg_heart_failure & (f.emergency_admissions_12m >= 1)) | (f.reg_copd & (f.emergency_admissions_12m >= 2))),
        ("incurable_cancer", f.reg_cancer & f.reg_palliative_care),
        ("disability", f.reg_learning_disability | f.reg_multiple_sclerosis),
        ("long_term_conditions", f.ltc_count >= 1),
        ("maternal_infant", f.age < 1),
        ("acutely_ill", (f.emergency_admissions_12m >= 1) | (f.ae_attendances_12m >= 1)),
    ]


def with_segments(facts: ir.Table) -> ir.Table:
    """``facts`` plus ``segment`` and ``segment_ltc_level``."""
    segment = ibis.cases(*[(rule, name) for name, rule in segment_rules(facts)], else_="healthy")
    n = facts.ltc_count
    level = ibis.cases((n >= 8, "8+"), (n >= 5, "5-7"), (n >= 2, "2-4"), (n == 1, "1"), else_=ibis.null("string"))
    return facts.mutate(segment=segment, segment_ltc_level=level)

"""Frailty: eFI deficits (codes, measurement values, polypharmacy), then a swappable scorer.

The deficit step is shared; a scorer turns each person's deficits into a score and category. ``CleggEfi``
is the original eFI (Clegg 2016): 36 equally weighted deficits, score = deficits / 36, fit <= 0.12 < mild
<= 0.24 < moderate <= 0.36 < severe, for people aged 65+. eFI2 (Best 2025, weighted, a prediction model)
becomes another scorer once its published weights and code lists are available.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import ibis
import ibis.expr.types as ir

from pophealth.phm.bits import membership_flags
from pophealth.phm.context import PhmContext
from pophealth.phm.population import FEMALE, MALE

EFI_DEFICITS = (
    "activity_limitation", "anaemia", "arthritis", "atrial_fibrillation", "cerebrovascular_disease",
    "chronic_kidney_disease", "diabetes", "dizziness", "dyspnoea", "falls", "foot_problems", "fragility_fracture",
    "hearing_impairment", "heart_failure", "heart_valve_disease", "housebound", "hypertension",
    "hypotension_syncope", "ischaemic_heart_disease", "memory_cognitive_problems", "mobility_transfer_problems",
    "osteoporosis", "parkinsonism_tremor", "peptic_ulcer", "peripheral_vascular_disease", "polypharmacy",
    "requirement_for_care", "respiratory_disease", "skin_ulcer", "sleep_disturbance", "social_vulnerability",
    "thyroid_disease", "urinary_incontinence", "urinary_system_disease", "visual_impairment", "weight_loss_anorexia",
)
NULLABLE_ID = ibis.expr.datatypes.Int64(nullable=True)  # set operations need equal schemas
POLYPHARMACY_MEDICINES = 5  # distinct medicines issued in the 12 months to the index date (Clegg's rule)


def code_deficits(summary: ir.Table) -> ir.Table:
    e = summary.filter(summary.list_id.startswith("efi."))
    return e.select("person_id", deficit=e.list_id.substr(4))


def value_deficits(ctx: PhmContext, valued: ir.Table) -> ir.Table:
    """Deficits met by a recorded value (efi_value_rules: eGFR < 60, Hb below the sex-specific range ...).

    ``valued``: records with a plausible value (``events.valued_records``)."""
    rules = ctx.rules
    p = ctx.cdm.person.select("person_id", gender_concept_id="gender_concept_id")
    t = valued.filter(valued.value.notnull()).join(rules, valued.code == rules.code).join(p, "person_id")
    v = t.value
    ok = t.low.isnull() | (v > t.low) | (t.low_inclusive & (v == t.low))
    ok &= t.high.isnull() | (v < t.high) | (t.high_inclusive & (v == t.high))
    ok &= (t.sex == "any") | ((t.sex == "M") & (t.gender_concept_id == MALE)) | (
        (t.sex == "F") & (t.gender_concept_id == FEMALE))
    return t.filter(ok).select("person_id", "deficit")


def medicines_issued(ctx: PhmContext) -> ir.Table:
    """Distinct medicines (by ``drug_source_value``) issued in the 12 months to the index date, per person.

    The synthetic data codes medicines as SNOMED CT substances, so distinct codes are distinct medicines;
    on data coded by product or pack this over-counts (PHM.md §1.1).
    """
    d = ctx.table("drug_exposure")
    recent = d.filter(d.drug_exposure_start_date.between(ctx.days_before(365), ctx.index_date),
                      d.drug_source_value.notnull())
    return recent.group_by("person_id").aggregate(medicines=recent.drug_source_value.nunique())


def polypharmacy(ctx: PhmContext) -> ir.Table:
    """People with >= 5 distinct medicines issued in the 12 months to the index date."""
    n = medicines_issued(ctx)
    return n.filter(n.medicines >= POLYPHARMACY_MEDICINES).select("person_id", deficit=ibis.literal("polypharmacy"))


def deficits(ctx: PhmContext, summary: ir.Table, valued: ir.Table, distinct: bool = True) -> ir.Table:
    """Every deficit present per person: ``person_id, deficit``. ``valued``: records with a plausible value whose
    code is in an eFI value rule, at least (``events.valued_records``). ``distinct=False`` leaves a deficit met
    in two ways as two rows: a scorer that only asks whether a person has it (``CleggEfi``) is spared the
    deduplication of two million rows."""
    parts = [t.select(person_id=t.person_id.cast(NULLABLE_ID), deficit=t.deficit)
             for t in (code_deficits(summary), value_deficits(ctx, valued), polypharmacy(ctx))]
    return ibis.union(*parts, distinct=distinct)


class FrailtyScorer(Protocol):
    """Turns deficits into ``person_id, efi_deficits, efi_score, efi_category, efi_deficit_list``. A scorer
    with ``repeats_allowed = True`` is given the deficits without deduplication (a deficit met in two ways is two
    rows); others get each person's deficits once."""

    name: str

    def score(self, deficits: ir.Table, people: ir.Table) -> ir.Table: ...


@dataclass(frozen=True)
class CleggEfi:
    """The original electronic Frailty Index (Clegg et al., Age Ageing 2016)."""

    name: str = "efi-clegg-2016"
    repeats_allowed: bool = True  # scores deficits given more than once per person as once (see ``score``)
    min_age: int = 65
    cut_offs: tuple[tuple[float, str], ...] = ((0.12, "fit"), (0.24, "mild"), (0.36, "moderate"))

    def boundaries(self) -> tuple[tuple[int, str], ...]:
        """The cut-offs as the largest deficit count of each category: score <= c means deficits <= c x 36,
        so fit is 0-4, mild 5-8, moderate 9-12 and severe 13+ of 36 (rounding 0.24 x 36 = 8.64 up to 9 would
        put 9 deficits, score 0.25, in "mild")."""
        n = len(EFI_DEFICITS)
        return tuple((math.floor(c * n + 1e-9), label) for c, label in self.cut_offs)

    def score(self, deficits: ir.Table, people: ir.Table) -> ir.Table:
        """Deficits may repeat (a deficit met in two ways): each person's are gathered as one flag per deficit
        (``bits.membership_flags``), so the count is of distinct deficits and the list names each once, in
        alphabetical order."""
        eligible = people.filter(people.age >= self.min_age).select("person_id")
        # only the people scored are counted (most people are too young to have a score)
        d = deficits.filter(deficits.deficit.isin(EFI_DEFICITS)).semi_join(eligible, "person_id")
        names = sorted(EFI_DEFICITS)
        per = membership_flags(d, "deficit", names, "_efi_")
        t = eligible.left_join(per, "person_id").drop("person_id_right")
        has = [t[f"_efi_{name}"].fill_null(False) for name in names]
        n = sum((h.ifelse(1, 0) for h in has[1:]), has[0].ifelse(1, 0))
        score = (n.cast("float64") / len(EFI_DEFICITS)).round(4)
        # the cut-offs as deficit counts (4, 8, 12 of 36), so no floating-point edge decides a category
        category = ibis.cases(*[(n <= most, label) for most, label in self.boundaries()], else_="severe")
        listed = ibis.literal(",").join([h.ifelse(name, ibis.null("string")) for h, name in zip(has, names)])
        return t.select("person_id", efi_deficits=n.cast("int64"), efi_score=score, efi_category=category,
                        efi_deficit_list=(n > 0).ifelse(listed, ibis.null("string")))


def frailty(deficits_long: ir.Table, people: ir.Table, scorer: FrailtyScorer | None = None) -> ir.Table:
    return (scorer or CleggEfi()).score(deficits_long, people)


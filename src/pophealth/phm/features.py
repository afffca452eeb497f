"""Per-person features for other engines (the admission-risk and last-year-of-life models).

Each function takes a ``PhmContext`` (OMOP tables on any Ibis engine, an index date, the code lists)
and returns an Ibis table with one row per person in the population, so a model can be trained at one
index date and applied at another with the same definitions.
"""

from __future__ import annotations

import ibis.expr.types as ir

from pophealth.phm.context import PhmContext
from pophealth.phm.frailty import FrailtyScorer
from pophealth.phm.pipeline import PhmResults, compute
from pophealth.phm.registers import register_names

FEATURE_COLUMNS = ("person_id", "age", "sex", "imd_decile", "ethnic_group", "ltc_count", "ltc_count_qof",
                   "cms_score", "efi_deficits", "efi_score", "efi_category", "segment",
                   "emergency_admissions_12m", "ae_attendances_12m", "housebound")


def phm_results(ctx: PhmContext, scorer: FrailtyScorer | None = None) -> PhmResults:
    """Every PHM definition at the context's index date (release() the result when done)."""
    return compute(ctx, scorer)


def person_features(results: PhmResults) -> ir.Table:
    """Demographics, LTC count, CMS, eFI, segment, recent admissions and one ``reg_<name>`` flag per register."""
    return results.facts.select(*FEATURE_COLUMNS, *[f"reg_{n}" for n in register_names()])


def ltc_count(results: PhmResults) -> ir.Table:
    return results.facts.select("person_id", "ltc_count", "ltc_5plus", "ltc_8plus", "cms_score")


def efi(results: PhmResults) -> ir.Table:
    """eFI for people aged 65+ (null score and category below 65)."""
    return results.facts.select("person_id", "efi_deficits", "efi_score", "efi_category")


def registers(results: PhmResults) -> ir.Table:
    """Register memberships in long form: ``person_id, register, first_date, last_date``."""
    return results.registers

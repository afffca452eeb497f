"""All PHM definitions for one index date as Ibis expressions, on whichever engine holds the OMOP tables.

Records are matched against the code lists without ever being stored (``events``): the lists whose first and
last dates the definitions compare are reduced to a small per-person, per-list summary, the care-process
lists straight to their last date per person, and the records with values (latest values, eFI value rules)
are read from the two tables that carry them. Intermediate results are cached (a temporary table on DuckDB, a
cached DataFrame on Spark) where several definitions read them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis.expr.types as ir

from pophealth import omop
from pophealth.phm import cohorts as cohort_defs
from pophealth.phm.care_gaps import CARE_LISTS, care_gaps, last_column, season_end
from pophealth.phm.context import PhmContext
from pophealth.phm.events import coded_records, latest_dates, latest_values, list_summary, valued_records
from pophealth.phm.frailty import CleggEfi, FrailtyScorer, deficits, frailty
from pophealth.phm.multimorbidity import ltc_conditions, ltc_specs, multimorbidity
from pophealth.phm.population import population
from pophealth.phm.bits import membership_masks, unpacked
from pophealth.phm.registers import condition_dates, register_names, register_specs, registers
from pophealth.phm.segments import with_segments

VALUE_LISTS = {"sbp": "care.systolic_blood_pressure", "dbp": "care.diastolic_blood_pressure", "egfr": "care.egfr",
               "bmi": "care.bmi", "hba1c": "care.hba1c"}
CMS_MIN_AGE = 18
PERSON_COLUMNS = ("person_id", "age", "sex", "age_band", "practice_code", "pcn_code", "district", "place",
                  "imd_decile", "ethnic_group16", "ethnic_group", "ltc_count", "ltc_5plus", "ltc_8plus",
                  "ltc_count_qof", "cms_score", "efi_deficits", "efi_score", "efi_category", "efi_deficit_list",
                  "segment", "segment_ltc_level")


@dataclass(frozen=True)
class PhmResults:
    """The person-level results of one run (Ibis expressions; execute or insert them)."""

    facts: ir.Table  # one row per person: every column the definitions use
    person: ir.Table  # PERSON_COLUMNS
    registers: ir.Table  # person_id, register, first_date, last_date
    ltc: ir.Table  # person_id, condition, first_date, last_date
    deficits: ir.Table  # person_id, deficit
    cohorts: ir.Table  # person_id, cohort
    care_gaps: ir.Table  # person_id, care_gap, gap, last_done
    cached: tuple[ir.Table, ...] = ()

    def release(self) -> None:
        """Drop the cached intermediate tables (before closing the connection that holds them)."""
        for table in self.cached:
            table.release()


def _left_all(t: ir.Table, parts: tuple[ir.Table, ...]) -> ir.Table:
    """``t`` left-joined to each part on ``person_id``, as one chain of joins and one selection rather than a
    selection after each join (one query level instead of nine to compile and plan)."""
    joined = t
    for part in parts:
        joined = joined.left_join(part, t.person_id == part.person_id)
    return joined.select(*[t[c] for c in t.columns],
                         *[part[c] for part in parts for c in part.columns if c != "person_id"])


def summary_lists(ctx: PhmContext) -> list[str]:
    """The lists whose per-person first and last dates the definitions read from the summary: the registers'
    and long-term conditions' lists (with their resolved and prescribed lists), the eFI deficits' lists and
    the ethnicity lists. Lists read only for their last date (care processes) are pivoted straight from the
    records instead (``events.latest_dates``), so the summary stays small."""
    named = {x for s in register_specs() + ltc_specs() for x in (*s["lists"], s.get("resolved"), s.get("prescribed"))
             if x}
    return sorted(x for x in ctx.list_numbers if x in named or x.startswith(("efi.", "ethnicity.")))


def compute(ctx: PhmContext, scorer: FrailtyScorer | None = None) -> PhmResults:
    """Every definition at ``ctx.index_date``."""
    # the code lists as engine tables: a planner that knows their size matches records to them before it
    # groups (DuckDB, given an in-memory table of unknown size, pre-grouped all 45 million records by code)
    tables = (ctx.cache(ctx.codes), ctx.cache(ctx.rules), ctx.cache(ctx.ranges))
    ctx = replace(ctx, codes=tables[0], rules=tables[1], ranges=tables[2])
    records = coded_records(ctx)
    summary = ctx.cache(list_summary(ctx, records, summary_lists(ctx)))
    valued = ctx.cache(valued_records(ctx, list(VALUE_LISTS.values())))
    people = ctx.cache(population(ctx, summary))
    # each condition's diagnosis, resolved and medicine dates grouped once for its register and its LTC rules
    dates = ctx.cache(condition_dates(summary, register_specs() + ltc_specs()))
    regs = ctx.cache(registers(summary, people, ctx.index_date, dates))
    ltc = ltc_conditions(summary, people, ctx.index_date, dates)
    mm = multimorbidity(ltc, ctx.index_date)
    defs = deficits(ctx, summary, valued)  # read by the risk features only: left uncached
    scorer = scorer or CleggEfi()
    # a scorer that counts a repeated deficit once is spared the deduplication
    efi = frailty(deficits(ctx, summary, valued, distinct=not getattr(scorer, "repeats_allowed", False)), people,
                  scorer)
    lists = sorted(set(CARE_LISTS) | cohort_defs.recorded_lists())
    # emergency admissions and A&E attendances (omop.emergency_admissions, omop.emergency_attendances) in one pass
    visits = omop.emergency_visit_counts(ctx.cdm, ctx.days_before(365), ctx.index_date).rename(
        emergency_admissions_12m="admissions", ae_attendances_12m="attendances")
    season_age = omop.age_on(ctx.cdm, season_end(ctx.index_date)).rename(age_season_end="value")
    used = sorted(cohort_defs.ltc_conditions_used())
    last_dates = latest_dates(ctx, records, {last_column(x): x for x in lists})
    facts = _left_all(people, (membership_masks(regs, "register", register_names(), "_reg"),
                                membership_masks(ltc, "condition", used, "_ltc"), mm, efi, last_dates,
                                latest_values(ctx, valued, VALUE_LISTS), visits, season_age))
    fill = {"ltc_count": 0, "ltc_count_qof": 0, "cms_score": 0.0, "emergency_admissions_12m": 0,
            "ae_attendances_12m": 0}
    facts = facts.mutate(**{k: facts[k].fill_null(v) for k, v in fill.items()})
    facts = facts.mutate(
        # CMS is defined for adults (Payne 2020; PHM.md §2.2): no items are counted under 18
        cms_score=(facts.age >= CMS_MIN_AGE).ifelse(facts.cms_score, 0.0),
        ltc_5plus=facts.ltc_count >= 5, ltc_8plus=facts.ltc_count >= 8,
        # register and LTC flags from the packed memberships: one integer each joined, not a column per name
        **{f"reg_{n}": v for n, v in unpacked(facts, register_names(), "_reg").items()},
        **{f"ltc_{n}": v for n, v in unpacked(facts, used, "_ltc").items()},
        housebound=facts[last_column("care.housebound")].notnull() | facts[last_column("efi.housebound")].notnull(),
        **{cohort_defs.recorded_column(x): facts[last_column(x)].notnull() for x in cohort_defs.recorded_lists()})
    facts = ctx.cache(with_segments(facts))
    return PhmResults(
        facts=facts, person=facts.select(*PERSON_COLUMNS), registers=regs, ltc=ltc, deficits=defs,
        cohorts=cohort_defs.cohorts_long(facts), care_gaps=care_gaps(facts, ctx),
        cached=(*tables, summary, valued, people, dates, regs, facts),
    )


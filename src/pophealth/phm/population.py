"""The population of a run: people registered (in an observation period) and alive on the index date,
with age, sex, geography and recorded ethnicity."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from pophealth.omop import queries
from pophealth.phm.context import PhmContext

MALE, FEMALE = 8507, 8532
AGE_BANDS = ((0, "0-17"), (18, "18-34"), (35, "35-49"), (50, "50-64"), (65, "65-74"), (75, "75-84"), (85, "85+"))
ETHNIC_GROUP6 = {1: "White", 2: "Mixed", 3: "Asian or Asian British", 4: "Black or Black British",
                 5: "Chinese or Other Ethnic Groups"}


def age_band(age: ir.IntegerValue) -> ir.StringValue:
    cases = [(age >= lo, label) for lo, label in reversed(AGE_BANDS)]
    return ibis.cases(*cases, else_=ibis.null("string"))


def population(ctx: PhmContext, summary: ir.Table) -> ir.Table:
    """One row per person in the population, with ``age, sex, age_band``, geography and ethnicity.

    The person table is read once and joined to each link (the same rows as joining the per-person flags and
    links of ``pophealth.omop``, which each join the whole person table first)."""
    cdm = ctx.cdm
    p = cdm.person
    sex = ibis.cases((p.gender_concept_id == MALE, "M"), (p.gender_concept_id == FEMALE, "F"), else_="U")
    base = (p.select("person_id", "care_site_id", "location_id", sex=sex, age=queries.age_in_years(p, ctx.index_date))
            .semi_join(queries.observation_periods_on(cdm, ctx.index_date), "person_id")
            .anti_join(queries.deaths_between(cdm, dt.date(1800, 1, 1), ctx.index_date), "person_id"))
    practice = cdm.table("care_site_practice")
    links, lsoa = cdm.table("location_lsoa"), cdm.table("geo_lsoa21")
    area = links.left_join(lsoa, links.lsoa21_code == lsoa.lsoa21_code).select(
        links.location_id, imd_decile=lsoa.imd2025_decile.cast("int64"), district=lsoa.ltla_name)
    t = base.left_join(practice, base.care_site_id == practice.care_site_id).select(
        base.person_id, base.sex, base.age, base.location_id, practice_code=practice.practice_code,
        pcn_code=practice.pcn_code)
    t = t.left_join(area, t.location_id == area.location_id).select(
        "person_id", "sex", "age", "practice_code", "pcn_code", "imd_decile", "district")
    t = t.left_join(_ethnicity(summary), "person_id").drop("person_id_right")
    place = ibis.cases((t.district.isin(["Leicester", "Rutland"]), t.district),
                       (t.district.notnull(), "Leicestershire"), else_=ibis.null("string"))
    g6 = ibis.cases(*[(t.ethnic_group16 <= hi, code) for code, hi in ((1, 3), (2, 7), (3, 11), (4, 14), (5, 16))],
                    else_=ibis.null("int64"))
    label = g6.substitute(ETHNIC_GROUP6, else_=ibis.null("string"))
    return t.mutate(age_band=age_band(t.age), place=place, ethnic_group=label.fill_null("Not recorded"))


def _ethnicity(summary: ir.Table) -> ir.Table:
    """The latest ethnicity code's 16-group category (same-day ties: the lower group number)."""
    e = summary.filter(summary.list_id.startswith("ethnicity."))
    # substr, not split: Spark splits on a regular expression, where "." matches anything; try_cast because
    # Spark may cast before it filters
    e = e.mutate(ethnic_group16=e.list_id.substr(len("ethnicity.")).try_cast("int64"))
    ranked = e.mutate(_rank=ibis.row_number().over(group_by="person_id",
                                                   order_by=[ibis.desc("last_date"), "ethnic_group16"]))
    return ranked.filter(ranked._rank == 0).select("person_id", "ethnic_group16")

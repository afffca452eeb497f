"""The population of a run: people registered (in an observation period) and alive on the index date,
with age, sex, geography and recorded ethnicity."""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from pophealth import omop
from pophealth.phm.context import PhmContext

MALE, FEMALE = 8507, 8532
AGE_BANDS = ((0, "0-17"), (18, "18-34"), (35, "35-49"), (50, "50-64"), (65, "65-74"), (75, "75-84"), (85, "85+"))
ETHNIC_GROUP6 = {1: "White", 2: "Mixed", 3: "Asian or Asian British", 4: "Black or Black British",
                 5: "Chinese or Other Ethnic Groups"}


def age_band(age: ir.IntegerValue) -> ir.StringValue:
    cases = [(age >= lo, label) for lo, label in reversed(AGE_BANDS)]
    return ibis.cases(*cases, else_=ibis.null("string"))


def population(ctx: PhmContext, summary: ir.Table) -> ir.Table:
    """One row per person in the population, with ``age, sex, age_band``, geography and ethnicity."""
    cdm = ctx.cdm
    p = cdm.person
    registered = omop.observed_on(cdm, ctx.index_date)
    died = omop.died_between(cdm, dt.date(1800, 1, 1), ctx.index_date)
    age = omop.age_on(cdm, ctx.index_date)
    practice = omop.practice_and_pcn(cdm)
    links, lsoa = cdm.table("location_lsoa"), cdm.table("geo_lsoa21")
    area = p.join(links, p.location_id == links.location_id).left_join(
        lsoa, links.lsoa21_code == lsoa.lsoa21_code).select(
        p.person_id, imd_decile=lsoa.imd2025_decile.cast("int64"), district=lsoa.ltla_name)
    eth = _ethnicity(summary)
    sex = ibis.cases((p.gender_concept_id == MALE, "M"), (p.gender_concept_id == FEMALE, "F"), else_="U")
    base = p.select("person_id", sex=sex)
    t = (base.join(registered.filter(registered.value).select("person_id"), "person_id")
         .anti_join(died.filter(died.value), "person_id")
         .join(age.rename(age="value"), "person_id")
         .join(practice, "person_id")
         .left_join(area, "person_id").drop("person_id_right")
         .left_join(eth, "person_id").drop("person_id_right"))
    place = ibis.cases((t.district.isin(["Leicester", "Rutland"]), t.district),
                       (t.district.notnull(), "Leicestershire"), else_=ibis.null("string"))
    g6 = ibis.cases(*[(t.ethnic_group16 <= hi, code) for code, hi in ((1, 3), (2, 7), (3, 11), (4, 14), (5, 16))],
                    else_=ibis.null("int64"))
    label = g6.substitute(ETHNIC_GROUP6, else_=ibis.null("string"))
    return t.mutate(age_band=age_band(t.age), place=place, ethnic_group=label.fill_null("Not recorded"))


def _ethnicity(summary: ir.Table) -> ir.Table:
    """The latest ethnicity code's 16-group category (same-day ties: the lower group number)."""
    e = summary.filter(summary.list_id.startswith("ethnicity."))
    e = e.mutate(ethnic_group16=e.list_id.split(".")[1].cast("int64"))
    ranked = e.mutate(_rank=ibis.row_number().over(group_by="person_id",
                                                   order_by=[ibis.desc("last_date"), "ethnic_group16"]))
    return ranked.filter(ranked._rank == 0).select("person_id", "ethnic_group16")

"""Per-person queries over OMOP CDM tables, written with Ibis so DuckDB and Spark run the same code.

Every function returns one row per person in ``person`` (the population), with ``person_id`` and
a ``value`` column (``latest_measurement`` adds ``date``, the geography links return two codes).
Booleans are never null (no record means False), counts are 0 when nothing matched, and other
values are null when there is nothing to report. Date windows include both ends. The methods and
their conventions are written up in docs/methods/omop-queries.md.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import ibis
import ibis.expr.types as ir

# Standard Visit-domain concepts (OMOP CDM v5.4 conventions).
INPATIENT, OUTPATIENT, EMERGENCY_ROOM, ER_AND_INPATIENT = 9201, 9202, 9203, 262
# Place-of-service concept "Emergency Room - Hospital", used for admitted_from_concept_id.
ADMITTED_FROM_EMERGENCY_ROOM = 8870
EMERGENCY_ADMISSION = (ER_AND_INPATIENT, INPATIENT)


@dataclass(frozen=True)
class Cdm:
    """The OMOP tables of one Ibis backend (DuckDB warehouse, Spark session, SQL Server ...)."""

    con: ibis.BaseBackend
    person_id: int | None = None  # set by ``one_person``: every table with a person_id holds that person's rows

    def one_person(self, person_id: int) -> "Cdm":
        """The same tables holding one person's rows only, for one record's view (a care team's summary): every
        definition reads the same way, and the engine filters each table before it joins or groups, rather
        than working a definition out for the whole population and keeping one row (90 ms at 1.1 million
        people for age and registration alone)."""
        return replace(self, person_id=int(person_id))

    @classmethod
    def of_warehouse(cls, con: Any) -> "Cdm":
        """The warehouse's OMOP tables through Ibis, on the caller's DuckDB connection (or a request's cursor)."""
        return cls(ibis.duckdb.from_connection(con))

    def table(self, name: str) -> ir.Table:
        table = self.con.table(name)
        if self.person_id is not None and "person_id" in table.columns:
            table = table.filter(table.person_id == self.person_id)
        return table

    @property
    def person(self) -> ir.Table:
        return self.table("person")


def _per_person(cdm: Cdm, found: ir.Table, columns: dict[str, Any]) -> ir.Table:
    """Left-join per-person results onto the population, filling each column's default."""
    people = cdm.person.select("person_id")
    joined = people.left_join(found, people.person_id == found.person_id)
    out = {"person_id": people.person_id}
    for name, default in columns.items():
        out[name] = joined[name] if default is None else joined[name].fill_null(default)
    return joined.select(**out)


def _flag(cdm: Cdm, rows: ir.Table) -> ir.Table:
    """True for persons with at least one of ``rows``, False for everyone else."""
    found = rows.select("person_id").distinct().mutate(value=ibis.literal(True))
    return _per_person(cdm, found, {"value": False})


def _codes(source: ir.Column, concept: ir.Column, codes: Iterable[str], concept_ids: Iterable[int]) -> ir.BooleanValue:
    codes, concept_ids = list(codes), list(concept_ids)
    if not codes and not concept_ids:
        raise ValueError("give at least one code or concept id")
    match = ibis.literal(False)
    if codes:
        match |= source.isin(codes)
    if concept_ids:
        match |= concept.isin(concept_ids)
    return match.fill_null(False)


def age_in_years(p: ir.Table, on: dt.date) -> ir.IntegerValue:
    """Age in completed years on ``on`` of the rows of ``person`` (``age_on`` as a column expression)."""
    month = p.month_of_birth.fill_null(p.birth_datetime.month()).fill_null(1)
    day = p.day_of_birth.fill_null(p.birth_datetime.day()).fill_null(1)
    before_birthday = (month > on.month) | ((month == on.month) & (day > on.day))
    return (on.year - p.year_of_birth - before_birthday.ifelse(1, 0)).cast("int64")


def age_on(cdm: Cdm, on: dt.date) -> ir.Table:
    """Age in completed years on ``on``; a missing birth month or day counts as the 1st (January)."""
    p = cdm.person
    return p.select("person_id", value=age_in_years(p, on))


def observation_periods_on(cdm: Cdm, on: dt.date) -> ir.Table:
    """The observation periods that include ``on`` (``observed_on`` before it is per person)."""
    op = cdm.table("observation_period")
    return op.filter((op.observation_period_start_date <= on) & (op.observation_period_end_date >= on))


def observed_on(cdm: Cdm, on: dt.date) -> ir.Table:
    """Whether ``on`` falls inside one of the person's observation periods (registered that day)."""
    return _flag(cdm, observation_periods_on(cdm, on))


def has_condition(cdm: Cdm, codes: Iterable[str] = (), on_or_before: dt.date | None = None,
                  concept_ids: Iterable[int] = ()) -> ir.Table:
    """Whether the person has a condition from the code list (source value or concept id) starting on or before a date."""
    co = cdm.table("condition_occurrence")
    match = _codes(co.condition_source_value, co.condition_concept_id, codes, concept_ids)
    if on_or_before is not None:
        match &= co.condition_start_date <= on_or_before
    return _flag(cdm, co.filter(match))


def latest_measurement(cdm: Cdm, codes: Iterable[str] = (), on_or_before: dt.date | None = None,
                       concept_ids: Iterable[int] = ()) -> ir.Table:
    """The latest numeric result (``value``) and its ``date`` for a code list; null when none.

    Results without ``value_as_number`` are ignored; two results on the same day are ordered by
    ``measurement_datetime`` and then ``measurement_id``, the later winning, so the answer is unique.
    """
    m = cdm.table("measurement")
    match = _codes(m.measurement_source_value, m.measurement_concept_id, codes, concept_ids)
    match &= m.value_as_number.notnull()
    if on_or_before is not None:
        match &= m.measurement_date <= on_or_before
    ranked = m.filter(match).mutate(
        _rank=ibis.row_number().over(
            group_by="person_id",
            order_by=[ibis.desc(c, nulls_first=False)
                      for c in ("measurement_date", "measurement_datetime", "measurement_id")],
        )
    )
    found = ranked.filter(ranked._rank == 0).select("person_id", value=ranked.value_as_number,
                                                     date=ranked.measurement_date)
    return _per_person(cdm, found, {"value": None, "date": None})


def visit_count(cdm: Cdm, start: dt.date, end: dt.date, visit_concept_ids: Sequence[int],
                extra: Callable[[ir.Table], ir.BooleanValue] | None = None) -> ir.Table:
    """How many visits of the given concepts started in ``[start, end]``."""
    v = cdm.table("visit_occurrence")
    match = v.visit_concept_id.isin(list(visit_concept_ids)) & v.visit_start_date.between(start, end)
    rows = v.filter(match if extra is None else match & extra(v))
    found = rows.group_by("person_id").aggregate(value=rows.count())
    return _per_person(cdm, found, {"value": 0})


def is_emergency_admission(v: ir.Table) -> ir.BooleanValue:
    """Whether a visit row is an emergency admission: an ER-and-inpatient visit (262), or an inpatient visit
    (9201) admitted from the emergency room (``admitted_from_concept_id`` 8870). Elective inpatient stays
    (9201 from anywhere else) and A&E attendances that did not lead to admission (9203) are not. The one
    definition: the PHM engine counts with it and the care team's record view labels contacts with it."""
    return (v.visit_concept_id == ER_AND_INPATIENT) | (
        (v.visit_concept_id == INPATIENT) & (v.admitted_from_concept_id == ADMITTED_FROM_EMERGENCY_ROOM).fill_null(False))


def emergency_admissions(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """Emergency admissions starting in the window (``is_emergency_admission``)."""
    return visit_count(cdm, start, end, EMERGENCY_ADMISSION, extra=is_emergency_admission)


def emergency_attendances(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """A&E attendances starting in the window: emergency-room visits (9203) and ER-and-inpatient visits (262)."""
    return visit_count(cdm, start, end, (EMERGENCY_ROOM, ER_AND_INPATIENT))


def emergency_visit_counts(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """``emergency_admissions`` and ``emergency_attendances`` in one pass over the visits: ``person_id,
    admissions, attendances`` for the people with either in the window (absent people have none of both)."""
    v = cdm.table("visit_occurrence")
    admission = v.visit_concept_id.isin(list(EMERGENCY_ADMISSION)) & is_emergency_admission(v)
    attendance = v.visit_concept_id.isin([EMERGENCY_ROOM, ER_AND_INPATIENT])
    rows = v.filter(v.visit_start_date.between(start, end), admission | attendance)
    return rows.group_by("person_id").aggregate(admissions=admission.ifelse(1, 0).sum().cast("int64"),
                                                attendances=attendance.ifelse(1, 0).sum().cast("int64"))


def deaths_between(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """The death records dated in ``[start, end]`` (``died_between`` before it is per person)."""
    d = cdm.table("death")
    return d.filter(d.death_date.between(start, end))


def died_between(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """Whether the person's death date falls in ``[start, end]``."""
    return _flag(cdm, deaths_between(cdm, start, end))


def lsoa_and_imd(cdm: Cdm) -> ir.Table:
    """The person's LSOA 2021 (``lsoa21_code``) and its IMD 2025 decile (``imd_decile``, 1 = most deprived)."""
    p, links, lsoa = cdm.person, cdm.table("location_lsoa"), cdm.table("geo_lsoa21")
    found = (
        p.join(links, p.location_id == links.location_id)
        .left_join(lsoa, links.lsoa21_code == lsoa.lsoa21_code)
        .select(p.person_id, lsoa21_code=links.lsoa21_code, imd_decile=lsoa.imd2025_decile.cast("int64"))
    )
    return _per_person(cdm, found, {"lsoa21_code": None, "imd_decile": None})


def practice_and_pcn(cdm: Cdm) -> ir.Table:
    """The person's GP practice (``practice_code``) and primary care network (``pcn_code``)."""
    p, links = cdm.person, cdm.table("care_site_practice")
    found = p.join(links, p.care_site_id == links.care_site_id).select(
        p.person_id, practice_code=links.practice_code, pcn_code=links.pcn_code)
    return _per_person(cdm, found, {"practice_code": None, "pcn_code": None})


def as_dict(expr: ir.Table, column: str = "value") -> dict[int, Any]:
    """Execute a per-person result as ``{person_id: value}``, with nulls as None and dates as dates."""
    frame = expr.select("person_id", column).to_pyarrow()
    return {int(k): _plain(v) for k, v in zip(frame["person_id"].to_pylist(), frame[column].to_pylist())}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value

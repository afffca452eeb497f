"""One person's queries compiled once and run for any person (``pophealth.care.one_person``): the same rows as the
expression built for that person, and the same values as the engine's definitions over the whole population."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from pophealth import omop
from pophealth.care.one_person import PLACEHOLDER, OnePersonQuery, _PLACEHOLDER
from pophealth.care.record import CONTACTS, MEDICINES, WHO
from pophealth.care.scope import OF_SCOPE
from pophealth.omop import Cdm
from pophealth.warehouse import connect

AS_OF = dt.date(2025, 3, 31)
QUERIES = [(WHO, (AS_OF,)), (WHO, (dt.date(2019, 2, 28),)), (MEDICINES, (AS_OF,)), (CONTACTS, (AS_OF, 10)),
           (OF_SCOPE, ("practice_code", None))]


@pytest.fixture(scope="module")
def con(care_records):
    con = connect(care_records, read_only=True, migrate=False)
    yield con
    con.close()


@pytest.fixture(scope="module")
def people(con):
    """People with many records, with none, the dead, and an id nobody has."""
    busy = [r[0] for r in con.execute("SELECT person_id FROM drug_exposure GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 8").fetchall()]
    quiet = [r[0] for r in con.execute("SELECT person_id FROM person WHERE person_id NOT IN "
                                       "(SELECT person_id FROM visit_occurrence) ORDER BY 1 LIMIT 6").fetchall()]
    dead = [r[0] for r in con.execute("SELECT person_id FROM death ORDER BY 1 LIMIT 6").fetchall()]
    return busy + quiet + dead + [10**9]


def test_each_query_gives_the_rows_its_expression_gives_for_that_person(con, people):
    practice = con.execute("SELECT practice_code FROM person_geography ORDER BY person_id LIMIT 1").fetchone()[0]
    for query, args in QUERIES:
        args = tuple(practice if a is None else a for a in args)
        for pid in people:
            built = query._build(Cdm.of_warehouse(con).one_person(pid), *args)
            assert query.rows(con, pid, *args) == built.to_pyarrow().to_pylist(), (query._build.__name__, pid)


def test_age_and_registration_are_the_engines_over_the_whole_population(con, people):
    cdm = Cdm.of_warehouse(con)
    for on in (AS_OF, dt.date(2019, 2, 28)):
        engine = (omop.age_on(cdm, on).rename(age="value")
                  .join(omop.observed_on(cdm, on).rename(registered="value"), "person_id")
                  .filter(ibis._.person_id.isin(people)).to_pandas().set_index("person_id"))
        for pid in people:
            rows = WHO.rows(con, pid, on)
            if pid not in engine.index:
                assert rows == []
                continue
            assert (rows[0]["age"], rows[0]["registered"]) == (engine.loc[pid, "age"], engine.loc[pid, "registered"])


def test_a_query_that_does_not_depend_on_the_person_is_refused(con):
    everyone = OnePersonQuery(lambda cdm: cdm.con.table("person").select("year_of_birth").limit(1))
    with pytest.raises(ValueError, match="does not depend on the person"):
        everyone.rows(con, 1)


@pytest.mark.parametrize("text, found", [
    (f"x = {PLACEHOLDER}", True), (f"x = CAST({PLACEHOLDER} AS BIGINT)", True), (f"x = 1{PLACEHOLDER}", False),
    (f"x = {PLACEHOLDER}0", False), (f"x = {PLACEHOLDER}.5", False), (f"x = 0.{PLACEHOLDER}", False)])
def test_only_the_placeholder_itself_becomes_the_parameter(text, found):
    assert bool(_PLACEHOLDER.search(text)) is found


def test_a_question_is_compiled_once_per_set_of_other_arguments_not_once_per_person(con, people):
    built = []

    def build(cdm, on):
        built.append(on)
        return cdm.person.select("person_id", "year_of_birth")

    query = OnePersonQuery(build)
    for pid in people:
        query.rows(con, pid, AS_OF)
    query.rows(con, people[0], dt.date(2020, 1, 1))
    assert built == [AS_OF, dt.date(2020, 1, 1)]
    assert query.rows(con, people[0], AS_OF) == [
        {"person_id": people[0], "year_of_birth": con.execute("SELECT year_of_birth FROM person WHERE person_id = ?",
                                                              [people[0]]).fetchone()[0]}]

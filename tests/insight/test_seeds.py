"""The shipped insight records: each names its seed and section, and states only what the seed states."""

from __future__ import annotations

import csv

from pophealth.insight.csv_import import read_insights
from pophealth.insight.seeds import load_seed_insights, seed_insights_path
from pophealth.insight.store import list_insights
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect
from tests.strategy.seedtext import in_seed

S = load_strategy()


def test_every_record_names_its_seed_and_section():
    for record in read_insights(S, seed_insights_path()):
        assert record.source_section and record.source_section.startswith("Seed 00"), record.id


def test_the_45000_people_are_as_seed_004_states_them():
    records = {r.id: r for r in read_insights(S, seed_insights_path())}
    big = records["ics-2023-45000-people"]
    assert big.people == 45000 and big.published
    assert in_seed("004", "we have heard from over 45,000 people")
    assert in_seed("004", big.summary)  # word for word


def test_summaries_taken_word_for_word_are_in_their_seed():
    rows = {r["id"]: r for r in csv.DictReader(seed_insights_path().open(encoding="utf-8"))}
    assert in_seed("004", rows["ics-2023-access-to-services"]["summary"].split(". ")[0])
    assert in_seed("001", "Please respond by Friday 7 June 2023")
    assert rows["jfp-2023-engagement"]["date"] == "2023-06-07"
    assert in_seed("003", "2. HWB Development Day 171122")
    assert rows["leicester-2022-11-17-hwb-development-day"]["date"] == "2022-11-17"


def test_no_record_claims_a_number_of_people_the_seeds_do_not_give():
    stated = {r.id: r.people for r in read_insights(S, seed_insights_path()) if r.people is not None}
    assert stated == {"ics-2023-45000-people": 45000}


def test_loading_the_seed_records_twice_changes_nothing(db_file):
    con = connect(db_file)
    first = load_seed_insights(con, S)
    assert first["created"] == len(read_insights(S, seed_insights_path())) and first["updated"] == 0
    assert load_seed_insights(con, S) == {"created": 0, "updated": 0, "unchanged": first["created"]}
    assert len(list_insights(con)) == first["created"]

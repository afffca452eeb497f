"""Synthetic identities for the synthetic population, written to the identity store (never the warehouse).

Each synthetic person gets an NHS number from the range reserved for testing (999 000 0000 - 999 999 9999,
valid check digit, so it can be typed into a test practice system but is never a real patient's), a name
drawn from lists reflecting LLR's population, the date of birth the record holds, a made-up street address
in the person's place, and their practice. Same seed, same identities.

The test range holds 909,091 valid numbers, fewer than the full LLR population (1.12 million). A larger
population gives identities to as many people as the range allows, chosen at random; the others have none, as
people loaded without an NHS number have none, and care views show their pseudonymised id instead. No number
outside the test range is ever made up.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np

from pophealth.care.identity_store import replace_identities, store_path, warehouse_file
from pophealth.care.nhs_number import valid_test_numbers

SOURCE = "synthetic"
GIVEN_F = ("Olivia", "Amelia", "Isla", "Ava", "Mia", "Sophia", "Grace", "Lily", "Emily", "Ella", "Margaret", "Patricia",
           "Susan", "Janet", "Jean", "Christine", "Sarah", "Claire", "Helen", "Joanne", "Priya", "Anjali", "Sunita",
           "Meera", "Kiran", "Nisha", "Fatima", "Aisha", "Zainab", "Hodan", "Amina", "Agnieszka", "Katarzyna",
           "Maria", "Hannah", "Ruth", "Doreen", "Pauline", "Gurpreet", "Harjit")
GIVEN_M = ("Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Oscar", "Thomas", "James", "John", "David",
           "Michael", "Peter", "Robert", "Stephen", "Paul", "Andrew", "Mark", "Richard", "Rajesh", "Sanjay", "Vijay",
           "Amit", "Arjun", "Mohammed", "Ahmed", "Yusuf", "Ibrahim", "Abdi", "Hassan", "Piotr", "Tomasz", "Kwame",
           "Daniel", "Samuel", "Keith", "Brian", "Harjinder", "Manjit")
FAMILY = ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
          "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
          "Clarke", "Jackson", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris", "Patel", "Mistry", "Parmar",
          "Chauhan", "Lad", "Solanki", "Mehta", "Shah", "Joshi", "Kaur", "Singh", "Sandhu", "Gill", "Khan", "Hussain",
          "Ahmed", "Ali", "Begum", "Mohamed", "Abdullahi", "Warsame", "Nowak", "Kowalski", "Wisniewski", "Mensah",
          "Okafor", "Campbell", "Stewart", "Marshall", "Bennett")
STREETS = ("Church Street", "Station Road", "Main Street", "Victoria Road", "Park Road", "London Road", "Mill Lane",
           "School Lane", "The Green", "Highfield Road", "Manor Road", "Kings Road", "Queens Road", "Narborough Road",
           "Belgrave Road", "Melton Road", "Uppingham Road", "Hinckley Road", "Welford Road", "Loughborough Road")


def synthetic_identities(con: duckdb.DuckDBPyConnection, seed: int) -> list[dict]:
    """One identity per synthetic person, in person_id order (same seed, same identities)."""
    people = con.execute("""
        SELECT p.person_id, p.gender_source_value, p.year_of_birth, p.month_of_birth, p.day_of_birth,
               g.practice_code, coalesce(g.place, 'Leicester') AS place
        FROM person p LEFT JOIN person_geography g USING (person_id) ORDER BY p.person_id""").fetchall()
    numbers = valid_test_numbers()
    rng = np.random.default_rng([seed, 999])
    if len(people) > numbers.size:  # more people than test numbers: a random subset gets identities
        keep = np.sort(rng.choice(len(people), size=numbers.size, replace=False))
        people = [people[i] for i in keep]
    chosen = numbers[rng.choice(numbers.size, size=len(people), replace=False)]
    pick = rng.random((len(people), 4))
    rows = []
    for (pid, sex, year, month, day, practice, place), nhs, u in zip(people, chosen, pick):
        given = GIVEN_M if sex == "M" else GIVEN_F
        rows.append({"person_id": int(pid), "nhs_number": str(nhs), "given_name": given[int(u[0] * len(given))],
                     "family_name": FAMILY[int(u[1] * len(FAMILY))],
                     "birth_date": dt.date(int(year), int(month or 1), int(day or 1)).isoformat(),
                     "address": f"{1 + int(u[2] * 150)} {STREETS[int(u[3] * len(STREETS))]}, {place}",
                     "practice_code": practice})
    return rows


def write_synthetic_identities(con: duckdb.DuckDBPyConnection, seed: int) -> int:
    """Replace the synthetic identities in the store beside the warehouse (none for an in-memory warehouse)."""
    warehouse = warehouse_file(con)
    if warehouse is None:
        return 0
    return replace_identities(store_path(warehouse), synthetic_identities(con, seed), source=SOURCE,
                              origin="synthetic population")

"""Identifiers in an OMOP person file are handed to the caller's sink after the load and never reach the
warehouse; without a sink they are dropped."""

from __future__ import annotations

import csv
import shutil

from pophealth.sources.omop import load_omop
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.warehouse import connect
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "omop_csv"


def _with_numbers(tmp_path):
    folder = tmp_path / "omop"
    shutil.copytree(FIXTURE, folder)
    path = folder / "PERSON.csv"
    rows = list(csv.reader(path.open()))
    rows[0] += ["NHS_NUMBER", "GIVEN_NAME"]
    for r, number in zip(rows[1:], ["943 476 5919"] + [""] * len(rows)):
        r += [number, "Ada" if number else ""]
    csv.writer(path.open("w", newline=""), lineterminator="\n").writerows(rows)
    return folder


def test_the_sink_receives_each_valid_number_once_with_the_file_it_came_from(tmp_path):
    key = Pseudonymiser(b"identity-sink-test-key-0123456789")
    received = []
    con = connect(":memory:")
    load_omop(con, _with_numbers(tmp_path), key, identities=lambda rows, origin: received.append((rows, origin)))
    (rows, origin), = received
    assert origin == "PERSON.csv"
    assert [(r["person_id"], r["nhs_number"], r["given_name"]) for r in rows] == [
        (key.pseudonym("nhs", "9434765919"), "9434765919", "Ada")]
    assert con.execute("SELECT count(*) FROM person WHERE person_id = ?", [rows[0]["person_id"]]).fetchone()[0] == 1


def test_without_a_sink_identifiers_are_dropped_not_loaded(tmp_path):
    con = connect(":memory:")
    load_omop(con, _with_numbers(tmp_path), Pseudonymiser(b"identity-sink-test-key-0123456789"))
    text = " ".join(str(r) for r in con.execute("SELECT * FROM person").fetchall())
    assert "9434765919" not in text and "Ada" not in text

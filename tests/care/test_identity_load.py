"""``load omop`` with identifiers in the person file: they reach the identity store, keyed by the pseudonym
the warehouse uses, and never the warehouse."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from pophealth.care.identity_store import identities, store_path
from pophealth.care.identity_load import identity_sink
from pophealth.sources.omop import load_omop
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.warehouse import connect

FIXTURES = Path(__file__).parents[1] / "sources" / "fixtures" / "omop_csv"


def test_identifiers_go_to_the_store_and_not_the_warehouse(tmp_path):
    folder = Path(shutil.copytree(FIXTURES, tmp_path / "omop"))
    path = folder / "PERSON.csv"
    rows = list(csv.reader(path.open()))
    rows[0] += ["NHS_NUMBER", "GIVEN_NAME", "FAMILY_NAME", "ADDRESS"]
    extra = [["943 476 5919", "Ada", "Byron", "1 Test Street, Oakham"], ["", "Nobody", "Known", ""]]
    for r, e in zip(rows[1:], extra + [["", "", "", ""]] * len(rows)):
        r += e
    csv.writer(path.open("w", newline=""), lineterminator="\n").writerows(rows)
    key = Pseudonymiser(b"identity-load-test-key-0123456789")
    db = tmp_path / "w.duckdb"
    con = connect(db)
    try:
        load_omop(con, folder, key, identities=identity_sink(con, "omop"))
        person_id = key.pseudonym("nhs", "9434765919")
        assert con.execute("SELECT count(*) FROM person WHERE person_id = ?", [person_id]).fetchone()[0] == 1
        everything = " ".join(str(r) for r in con.execute("SELECT * FROM person").fetchall())
        columns = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                             "WHERE table_name = 'person'").fetchall()}
    finally:
        con.close()
    assert not {"nhs_number", "given_name", "family_name", "address"} & columns
    assert "Byron" not in everything and "9434765919" not in everything and "Nobody" not in everything
    held = identities(store_path(db), [person_id])[person_id]
    assert (held.nhs_number, held.given_name, held.family_name, held.address) == \
        ("9434765919", "Ada", "Byron", "1 Test Street, Oakham")
    assert held.birth_date is not None
    assert len(identities(store_path(db), [person_id, key.pseudonym("omop", rows[2][0])])) == 1  # no number, no identity


def test_the_load_command_hands_identities_to_the_store(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pophealth.cli import app

    folder = Path(shutil.copytree(FIXTURES, tmp_path / "omop"))
    path = folder / "PERSON.csv"
    rows = list(csv.reader(path.open()))
    rows[0] += ["NHS_NUMBER"]
    for r, number in zip(rows[1:], ["943 476 5919"] + [""] * len(rows)):
        r += [number]
    csv.writer(path.open("w", newline=""), lineterminator="\n").writerows(rows)
    key = "identity-load-cli-key-0123456789"
    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["load", "omop", str(folder), "--db", str(db), "--create"],
                                env={"POPHEALTH_PSEUDONYM_KEY": key})
    assert result.exit_code == 0, result.output
    person_id = Pseudonymiser(key.encode()).pseudonym("nhs", "9434765919")
    assert identities(store_path(db), [person_id])[person_id].nhs_number == "9434765919"

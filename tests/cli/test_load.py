import json

import pytest

from pophealth.cli import main
from pophealth.sources.pseudonymise import KEY_ENV, KEY_FILE_ENV

from ..sources.conftest import FIXTURES, TEST_KEY


def test_load_omop_then_synthea_prints_rows_per_table(db_file, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, TEST_KEY)
    main(["load", "omop", str(FIXTURES / "omop_csv"), "--db", str(db_file), "--create"])
    out = capsys.readouterr().out
    assert "condition_occurrence" in out and "4 persons" in out and "CONCEPT.csv" in out
    main(["load", "synthea", str(FIXTURES / "synthea_legacy"), "--db", str(db_file), "--create", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert summary["layout"] == "synthea-legacy" and summary["persons"] == 3


def test_load_without_a_key_stops_with_a_hint_and_creates_nothing(db_file, monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(SystemExit) as info:
        main(["load", "omop", str(FIXTURES / "omop_csv"), "--db", str(db_file), "--create"])
    assert info.value.code == 2
    assert "Hint:" in capsys.readouterr().err
    assert not db_file.exists()


def test_a_rejected_load_exits_with_the_input_error_code(tmp_path, db_file, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, TEST_KEY)
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "PERSON.csv").write_text("PERSON_ID,GENDER_CONCEPT_ID,YEAR_OF_BIRTH,RACE_CONCEPT_ID,ETHNICITY_CONCEPT_ID\n"
                                       "1,8507,nineteen-fifty,0,0\n")
    with pytest.raises(SystemExit) as info:
        main(["load", "omop", str(folder), "--db", str(db_file), "--create"])
    assert info.value.code == 3
    assert "PERSON.csv, row 2, column 'year_of_birth'" in capsys.readouterr().err.replace("\n", " ")

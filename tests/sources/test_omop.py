import csv

import duckdb

from pophealth.sources.omop import load_omop
from pophealth.warehouse import connect

from .conftest import FIXTURES, snapshot

RAW_IDS = ["SRC-ALPHA-7731", "SRC-BRAVO-4410", "SRC-CHARLIE-9902", "SRC-DELTA-1187"]


def _rows(name: str) -> int:
    with (FIXTURES / "omop_csv" / name).open() as handle:
        return sum(1 for _ in handle) - 1


def test_every_person_and_row_imports(db_file, key):
    con = connect(db_file)
    summary = load_omop(con, FIXTURES / "omop_csv", key)
    assert summary.persons == 4 and summary.skipped == ["CONCEPT.csv"]
    for table, count in summary.row_counts.items():
        assert count == _rows(f"{table.upper()}.csv")
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == count
    expected = {key.pseudonym("omop", str(i)) for i in (101, 102, 103, 104)}
    assert {r[0] for r in con.execute("SELECT person_id FROM person").fetchall()} == expected
    # every event still belongs to its person after pseudonymisation
    assert con.execute(
        "SELECT person_id FROM measurement WHERE measurement_id = 4002").fetchall()[0][0] == key.pseudonym("omop", "101")
    assert sorted(con.execute("SELECT * FROM location_lsoa").fetchall()) == [(1, "E01013649"), (2, "E01013710")]
    assert con.execute("SELECT practice_code FROM care_site_practice").fetchall() == [("C82001",)]


def test_loading_twice_leaves_the_same_rows(db_file, key):
    con = connect(db_file)
    load_omop(con, FIXTURES / "omop_csv", key)
    first = snapshot(con)
    load_omop(con, FIXTURES / "omop_csv", key)
    second = snapshot(con)
    assert {t: r for t, r in second.items() if t != "import_batch"} == {
        t: r for t, r in first.items() if t != "import_batch"}
    assert len(second["import_batch"]) == 2


def test_raw_identifiers_never_reach_the_warehouse_file(db_file, key):
    con = connect(db_file)
    load_omop(con, FIXTURES / "omop_csv", key)
    text_columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'").fetchall()
    for table, column in text_columns:
        values = {v for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}"').fetchall()}
        assert not values & set(RAW_IDS), (table, column)
    assert not {r[0] for r in con.execute("SELECT person_id FROM person").fetchall()} & {101, 102, 103, 104}
    con.execute("CHECKPOINT")
    con.close()
    content = db_file.read_bytes()
    for raw in RAW_IDS:
        assert raw.encode() not in content


def test_lower_case_tab_separated_and_parquet_give_the_same_rows(tmp_path, key):
    reference = connect(tmp_path / "a.duckdb")
    load_omop(reference, FIXTURES / "omop_csv", key)
    tsv = tmp_path / "tsv"
    tsv.mkdir()
    for path in (FIXTURES / "omop_csv").glob("*.csv"):
        with path.open() as src, (tsv / (path.stem.lower() + ".tsv")).open("w") as dst:
            for number, row in enumerate(csv.reader(src)):
                dst.write("\t".join(c.lower() if number == 0 else c for c in row) + "\n")
    parquet = tmp_path / "parquet"
    parquet.mkdir()
    stage = duckdb.connect()
    for path in (FIXTURES / "omop_csv").glob("*.csv"):
        if path.stem == "PERSON":  # a folder of parts, as Spark-based exports write
            (parquet / "person").mkdir()
            rel = stage.read_csv(str(path), all_varchar=False)  # noqa: F841 (read by name in the SQL below)
            stage.sql(f"COPY (SELECT * FROM rel WHERE PERSON_ID <= 102) TO '{parquet}/person/part-0.parquet'")
            stage.sql(f"COPY (SELECT * FROM rel WHERE PERSON_ID > 102) TO '{parquet}/person/part-1.parquet'")
        elif path.stem != "CONCEPT":
            rel = stage.read_csv(str(path))  # noqa: F841 (read by name in the SQL below)
            stage.sql(f"COPY rel TO '{parquet}/{path.stem.lower()}.parquet'")
    expected = {t: r for t, r in snapshot(reference).items() if t != "import_batch"}
    for folder in (tsv, parquet):
        con = connect(tmp_path / f"{folder.name}.duckdb")
        load_omop(con, folder, key)
        assert {t: r for t, r in snapshot(con).items() if t != "import_batch"} == expected, folder.name

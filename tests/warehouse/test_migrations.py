from pophealth.warehouse import applied_migrations, apply_migrations, connect
from pophealth.warehouse.migrate import available_migrations


def test_migrations_apply_from_empty_file_and_reapply_as_no_op(db_file):
    con = connect(db_file, migrate=False)
    first = apply_migrations(con)
    assert [m.version for m in first] == [m.version for m in available_migrations()]
    tables_before = con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()
    assert apply_migrations(con) == []
    assert con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall() == tables_before
    assert set(applied_migrations(con)) == {m.version for m in available_migrations()}
    con.close()
    # a second connection (first use again) changes nothing either
    con = connect(db_file)
    assert con.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(first)


def test_omop_tables_follow_the_cdm_field_order(db_file, reference):
    import csv

    con = connect(db_file)
    spec = list(csv.DictReader((reference / "omop" / "omop_cdm_v5.4_fields_core_compact.csv").open()))
    for table in sorted({r["table"] for r in spec}):
        expected = [r["field"] for r in sorted((r for r in spec if r["table"] == table), key=lambda r: int(r["ordinal"]))]
        got = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
        assert got == expected, table


def test_a_changed_migration_is_refused(db_file, monkeypatch):
    import pytest

    from pophealth.errors import ConfigError
    from pophealth.warehouse import migrate

    con = connect(db_file)
    original = migrate.available_migrations()
    changed = [migrate.Migration(m.version, m.name, m.sql + "\n-- edited") if m.version == 1 else m for m in original]
    monkeypatch.setattr(migrate, "available_migrations", lambda: changed)
    with pytest.raises(ConfigError, match="has changed"):
        migrate.apply_migrations(con)

import pytest

from pophealth.errors import ConfigError
from pophealth.geography.load import load_geography
from pophealth.warehouse import connect
from pophealth.warehouse.engines import backend


def test_duckdb_backend_reads_the_warehouse(db_file):
    con = connect(db_file)
    load_geography(con)
    con.close()
    ibis_con = backend("duckdb", db=db_file)
    lsoa = ibis_con.table("geo_lsoa21")
    by_place = lsoa.group_by("utla_name").aggregate(pop=lsoa.pop_total.sum()).execute()
    assert dict(zip(by_place.utla_name, by_place["pop"])) == {
        "Leicester": 368_580, "Leicestershire": 712_342, "Rutland": 41_058}


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(ConfigError, match="Unknown engine"):
        backend("oracle")  # type: ignore[arg-type]

from pophealth.geography import lsoa11, lsoa21, practices
from pophealth.geography.load import load_geography
from pophealth.geography.summary import geography_summary
from pophealth.warehouse import connect


def test_shipped_geography_matches_the_published_totals():
    lsoa = lsoa21()
    assert len(lsoa) == 634
    assert lsoa["pop_total"].sum() == 1_121_980  # census 2021 LLR usual residents
    bands = [c for c in lsoa.columns if c.startswith("pop_") and c != "pop_total"]
    assert len(bands) == 18
    assert (lsoa[bands].sum(axis=1) == lsoa["pop_total"]).all()
    assert set(lsoa["utla_code"]) == {"E06000016", "E06000017", "E10000018"}
    assert lsoa["imd2025_decile"].between(1, 10).all()
    assert len(lsoa11()) == 611
    assert set(practices()["sub_icb_code"]) == {"03W", "04C", "04V"}


def test_load_is_idempotent_and_records_provenance(db_file):
    con = connect(db_file)
    first = load_geography(con)
    second = load_geography(con)
    assert first == second == {"geo_area": 20, "geo_lsoa21": 634, "geo_lsoa11": 611, "geo_practice": 134}
    prov = dict(con.execute("SELECT dataset, licence FROM dataset_provenance").fetchall())
    assert prov["geo_lsoa21"] == "Open Government Licence v3.0"


def test_summary_places_add_up_to_llr():
    rows = geography_summary()["areas"]
    icb = next(r for r in rows if r["type"] == "ICB")
    places = [r for r in rows if r["type"] == "place"]
    assert sum(p["population"] for p in places) == icb["population"]
    leicester = next(p for p in places if p["code"] == "E06000016")
    assert leicester["lsoas_core20"] == max(p["lsoas_core20"] for p in places)
